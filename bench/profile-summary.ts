/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, e.g. `npm run bench -- --only login-max --cpu-prof
 * .data/prof`): self time per function and per module (npm package, src/ folder, Node internals,
 * GC), across every .cpuprofile in the folder (one per wxbridge process).
 *
 *   npx node bench/profile-summary.ts <dir> [--top 30] [--inclusive src/]
 *
 * --inclusive <part of a path>: also the inclusive time (self + everything it called) of the functions
 * whose file path contains it, e.g. `src/http/` for what each middleware costs with its callees.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The module a script URL belongs to: an npm package, a src/ folder, Node itself, or a V8 pseudo-frame. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch?.[1] !== undefined) return packageMatch[1];
  const srcMatch = /\/(src|bench)\/(.+?)(?:\/[^/]+)?\.ts$/.exec(url);
  if (srcMatch !== null) return `${srcMatch[1]}/${/\//.test(srcMatch[2] ?? '') ? srcMatch[2] : (srcMatch[2] ?? '')}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] ?? ''}`;
  return url;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName === '' ? '(anonymous)' : functionName} ${url === '' ? '' : `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench)\//, '$1/')}:${lineNumber + 1}`}`;
}

/**
 * Inclusive time of each function whose script URL contains `pathPart`: a sample counts once for every
 * distinct such function on its stack (recursion is not counted twice).
 */
export function inclusiveTimes(profiles: readonly CpuProfile[], pathPart: string): { readonly total: number; readonly byFunction: Map<string, number> } {
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parents = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
    profile.samples.forEach((id, i) => {
      const leaf = nodes.get(id);
      if (leaf === undefined || leaf.callFrame.functionName === '(idle)') return;
      const micros = profile.timeDeltas[i] ?? 0;
      total += micros;
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const node = nodes.get(at);
        if (node === undefined || !node.callFrame.url.includes(pathPart)) continue;
        const name = frameName(node);
        if (seen.has(name)) continue;
        seen.add(name);
        byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
      }
    });
  }
  return { total, byFunction };
}

export function summarise(profiles: readonly CpuProfile[], top: number): string {
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      const micros = profile.timeDeltas[i] ?? 0;
      if (node === undefined) return;
      const { functionName, url } = node.callFrame;
      if (functionName === '(idle)') return;
      total += micros;
      const name = frameName(node);
      byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
      const module = moduleOf(url, functionName);
      byModule.set(module, (byModule.get(module) ?? 0) + micros);
    });
  }
  const table = (title: string, map: Map<string, number>): string[] => [
    `${title} (self time, % of busy time)`,
    ...[...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => `  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`),
  ];
  return [`busy time ${(total / 1e6).toFixed(1)} s over ${profiles.length} profile(s)`, ...table('modules', byModule), '', ...table('functions', byFunction)].join('\n');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' }, inclusive: { type: 'string' } } });
  const dir = positionals[0];
  if (dir === undefined) {
    console.error('usage: profile-summary.ts <dir with .cpuprofile files> [--top 30]');
    process.exit(2);
  }
  const profiles = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile')).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
  console.log(summarise(profiles, Number(values.top)));
  if (values.inclusive !== undefined) {
    const { total, byFunction } = inclusiveTimes(profiles, values.inclusive);
    console.log(`\nfunctions in ${values.inclusive} (inclusive time, % of busy time)`);
    for (const [name, micros] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`  ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`);
  }
}
