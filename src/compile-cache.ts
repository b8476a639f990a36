/**
 * Node's on-disk compile cache for every wxbridge process (ADR 0033). Node 24 strips our types with a
 * WebAssembly stripper it loads on the first `.ts` it compiles and keeps for the life of the process
 * (≈ 18 MiB RSS, bench/README.md); with the cache warm, the stripped sources and their V8 code come from
 * disk and the stripper never loads. A process enables the cache for the modules it loads from here on
 * and hands the directory to the workers it forks through NODE_COMPILE_CACHE, so they use it from their
 * first module. Node picks the directory: NODE_COMPILE_CACHE if set (the image sets one it warms at build),
 * else `<os.tmpdir()>/node-compile-cache`; NODE_DISABLE_COMPILE_CACHE=1 turns it off. An entry is used only
 * for the same source, Node version and V8 flags, and any failure to read or write it is silent, by Node's
 * design: the cache can make a start faster and smaller, never wrong.
 */
import { constants, enableCompileCache, flushCompileCache } from 'node:module';

/** Enables the cache in this process and for the processes it starts; returns its directory, if on. */
export function useCompileCache(env: NodeJS.ProcessEnv): string | undefined {
  const result = enableCompileCache();
  const enabled = result.status === constants.compileCacheStatus.ENABLED || result.status === constants.compileCacheStatus.ALREADY_ENABLED;
  if (!enabled || result.directory === undefined) return undefined;
  env['NODE_COMPILE_CACHE'] ??= result.directory;
  return result.directory;
}

/** Writes what this process compiled so far, so the next start (or a replacement worker) finds it. */
export function saveCompileCache(): void {
  flushCompileCache();
}
