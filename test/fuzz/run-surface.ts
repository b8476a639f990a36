/**
 * Running a surface's property: runSurface() as CI does (fc.assert, the CI run count), fuzzSurface()
 * as `npm run fuzz` does (fc.check with any run count and seed, leak scans every `scanEvery` cases so
 * that a long run neither keeps every response in memory nor rescans it, and a report instead of a throw).
 */
import fc from 'fast-check';
import { drainLeaks, type LeakFinding } from '../support/leak-watch.ts';
import { newStats, type FuzzSurface, type SurfaceStats } from './surface.ts';

export async function runSurface(s: FuzzSurface, numRuns = s.ciRuns): Promise<SurfaceStats> {
  const stats = newStats();
  const prepared = await s.prepare(stats);
  await fc.assert(fc.asyncProperty(prepared.arbitrary, async (value) => {
    stats.cases += 1;
    await prepared.check(value);
  }), { numRuns });
  await prepared.finish?.();
  if (process.env['WXBRIDGE_RELIABILITY_STATS'] !== undefined) console.log(JSON.stringify({ surface: s.name, ...stats }));
  return stats;
}

export interface SurfaceReport extends SurfaceStats {
  readonly surface: string;
  readonly runs: number;
  readonly leaks: LeakFinding[];
  /** fast-check's failure: the message, and seed and path to replay it (`--seed S --path P --only surface`). */
  readonly failure: { message: string; seed: number; path: string | undefined; counterexample: string } | undefined;
  readonly finishError: string | undefined;
  /** Stopped by the time budget before `runs` cases (not a failure). */
  readonly interrupted: boolean;
  readonly ms: number;
}

export interface FuzzOptions {
  readonly runs: number;
  readonly seed?: number | undefined;
  readonly path?: string | undefined;
  readonly scanEvery?: number;
  /** Stop starting cases at this time (epoch ms): fast-check's interruptAfterTimeLimit, not a failure. */
  readonly deadline?: number | undefined;
  /** Called after every leak scan with the figures so far. */
  readonly onProgress?: ((stats: SurfaceStats, leaks: readonly LeakFinding[]) => void) | undefined;
}

export async function fuzzSurface(s: FuzzSurface, options: FuzzOptions): Promise<SurfaceReport> {
  const started = performance.now();
  const stats = newStats();
  const leaks: LeakFinding[] = [];
  const scanEvery = options.scanEvery ?? 250;
  const prepared = await s.prepare(stats);
  let sinceScan = 0;
  const property = fc.asyncProperty(prepared.arbitrary, async (value) => {
    stats.cases += 1;
    try {
      await prepared.check(value);
    } finally {
      sinceScan += 1;
      if (sinceScan >= scanEvery) {
        sinceScan = 0;
        leaks.push(...await drainLeaks());
        options.onProgress?.(stats, leaks);
      }
    }
  });
  const details = await fc.check(property, {
    numRuns: options.runs,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options.deadline === undefined ? {} : { interruptAfterTimeLimit: Math.max(1, options.deadline - Date.now()), markInterruptAsFailure: false }),
  });
  let finishError: string | undefined;
  try {
    await prepared.finish?.();
  } catch (error) {
    finishError = String(error);
  }
  leaks.push(...await drainLeaks());
  const failure = details.failed
    ? {
      message: String(details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance).slice(0, 2000),
      seed: details.seed, path: details.counterexamplePath ?? undefined,
      counterexample: fc.stringify(details.counterexample).slice(0, 2000),
    }
    : undefined;
  return { surface: s.name, runs: options.runs, ...stats, leaks, failure, finishError, interrupted: details.interrupted, ms: Math.round(performance.now() - started) };
}
