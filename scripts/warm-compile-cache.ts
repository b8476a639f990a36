/**
 * Fills Node's compile cache (src/compile-cache.ts, ADR 0033) with every module a wxbridge process may
 * load — src/ except tests and the entry points, which run on import, and the migrations — so that a
 * process started with the same Node, the same V8 flags, the same user and NODE_COMPILE_CACHE pointing
 * here strips no type itself and never loads the stripper. The image runs it at build time:
 *   NODE_COMPILE_CACHE=.compile-cache node <the CMD's flags> scripts/warm-compile-cache.ts
 * Nothing is started: modules are imported, not run. Node writes the cache when this process exits.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { useCompileCache } from '../src/compile-cache.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Entry points: importing them would start a server, a CLI command or the simulator. */
const ENTRY_POINTS = new Set(['src/main.ts', 'src/cli.ts', 'src/wechat-simulator/main.ts']);

function modulesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .map((file) => join(folder, file))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts') && !ENTRY_POINTS.has(file));
}

const directory = useCompileCache(process.env);
if (directory === undefined) {
  console.error('warm-compile-cache: the compile cache is off (NODE_DISABLE_COMPILE_CACHE?), nothing to warm');
  process.exit(0);
}
const modules = [...modulesUnder('src'), ...modulesUnder('migrations')];
for (const module of modules) await import(pathToFileURL(join(ROOT, module)).href);
console.error(`warm-compile-cache: ${modules.length} modules compiled into ${directory}`);
