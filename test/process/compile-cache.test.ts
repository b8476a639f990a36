// ADR 0033 (issue 16 #4, memory): a serving process whose modules are in Node's compile cache never loads
// the type stripper (≈ 18 MiB RSS). Checked in fresh Node processes, reading which of Node's internal
// modules they loaded (process.moduleLoadList names the stripper once it is loaded).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const STRIPPER = 'internal/deps/amaro';

/** The V8 flags `npm start` gives Node (the cache is kept per set of flags). */
const START_FLAGS = ((): string[] => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(/\s+/);
  expect(words[0]).toBe('node');
  expect(words.at(-1)).toBe('src/main.ts');
  return words.slice(1, -1);
})();

/** Imports what a worker imports, reports whether the stripper was loaded and the cache directory it was given. */
const WORKER_PROBE = `
  await import(${JSON.stringify(`${ROOT}src/app.ts`)});
  process.stdout.write(JSON.stringify({ stripper: process.moduleLoadList.some((name) => name.includes(${JSON.stringify(STRIPPER)})), cache: process.env.NODE_COMPILE_CACHE ?? null }));
`;

interface ProbeResult { readonly stripper: boolean; readonly cache: string | null }

function run(args: readonly string[], env: Record<string, string>): string {
  const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env } });
  if (child.status !== 0) throw new Error(`node ${args.join(' ').slice(0, 120)}… failed (${String(child.status)}): ${child.stderr}`);
  return child.stdout;
}

const scratch = mkdtempSync(join(tmpdir(), 'wxbridge-compile-cache-'));
afterAll(() => { rmSync(scratch, { recursive: true, force: true }); });

describe('Node compile cache (ADR 0033)', { timeout: 120_000 }, () => {
  it('is handed by a process that uses it to the processes it starts, which load no stripper once it is warm', () => {
    // As the primary does (src/main.ts): use the cache, then start a worker with this process's environment.
    const primary = `
      import { spawnSync } from 'node:child_process';
      const { useCompileCache } = await import(${JSON.stringify(`${ROOT}src/compile-cache.ts`)});
      useCompileCache(process.env);
      const worker = () => spawnSync(process.execPath, [...${JSON.stringify(START_FLAGS)}, '--input-type=module', '-e', ${JSON.stringify(WORKER_PROBE)}], { env: process.env, encoding: 'utf8' }).stdout;
      process.stdout.write(JSON.stringify([JSON.parse(worker()), JSON.parse(worker())]));
    `;
    // No NODE_COMPILE_CACHE: Node's default directory under the temporary folder, here a scratch one.
    const home = join(scratch, 'default');
    const [cold, warm] = JSON.parse(run(['--input-type=module', '-e', primary], { TMPDIR: home })) as [ProbeResult, ProbeResult];
    expect(cold).toEqual({ stripper: true, cache: join(home, 'node-compile-cache') });
    expect(warm).toEqual({ stripper: false, cache: join(home, 'node-compile-cache') });
  });

  it('is warmed by scripts/warm-compile-cache.ts for a server started with the same flags, and only those', () => {
    const cache = join(scratch, 'warmed');
    run([...START_FLAGS, 'scripts/warm-compile-cache.ts'], { NODE_COMPILE_CACHE: cache });
    const probe = (flags: readonly string[]): ProbeResult => JSON.parse(run([...flags, '--input-type=module', '-e', WORKER_PROBE], { NODE_COMPILE_CACHE: cache })) as ProbeResult;
    expect(probe(START_FLAGS)).toEqual({ stripper: false, cache });
    // Other V8 flags are another cache: this is why the image warms it with its CMD's flags.
    expect(probe([]).stripper).toBe(true);
  });

  it('is warmed in the image with the flags of its CMD, which are those of npm start', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(cmd).toEqual(['node', ...START_FLAGS, 'src/main.ts']);
    expect(dockerfile).toContain(`RUN node ${START_FLAGS.join(' ')} scripts/warm-compile-cache.ts`);
    expect(/^ENV .*\bNODE_COMPILE_CACHE=\S+/m.test(dockerfile)).toBe(true);
  });
});
