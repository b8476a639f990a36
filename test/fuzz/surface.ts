/**
 * A fuzzed surface (issue #15 "Fuzzing at scale"): the arbitrary of one request and the check of its
 * answer, shared by the CI tests in test/reliability/ (fixed run counts) and by `npm run fuzz`
 * (test/fuzz/run.fuzz.ts, any run count). prepare() arranges a real app (startTestApp) and the
 * fixtures the cases need; finish() holds the invariants checked once after the last case (row counts, jku hits).
 */
import type fc from 'fast-check';
import type { SurfaceName } from './plan.ts';

export interface SurfaceStats {
  /** Cases run (a case may send more than one request, or none when fetch refuses a header). */
  cases: number;
  /** Answers checked. */
  answers: number;
  /** Answers by HTTP status (or outcome, for the in-process verifier). */
  readonly statuses: Record<string, number>;
  /** 5xx answers the surface does not allow (for bad input, every 5xx). */
  serverErrors: number;
}

export interface PreparedSurface<T> {
  readonly arbitrary: fc.Arbitrary<T>;
  /** Sends one case and checks its answer (throws on a violated invariant). */
  check(value: T): Promise<void>;
  finish?(): void | Promise<void>;
}

export interface FuzzSurface {
  readonly name: SurfaceName;
  /** The run count of the CI test (test/reliability/); `npm run fuzz` splits its total by these weights. */
  readonly ciRuns: number;
  prepare(stats: SurfaceStats): Promise<PreparedSurface<unknown>>;
}

export const newStats = (): SurfaceStats => ({ cases: 0, answers: 0, statuses: {}, serverErrors: 0 });

/** Counts one answer; a 5xx counts as a server error unless the surface allows it for this case. */
export function countAnswer(stats: SurfaceStats, status: number | string, allowServerError = false): void {
  stats.answers += 1;
  stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
  if (typeof status === 'number' && status >= 500 && !allowServerError) stats.serverErrors += 1;
}

export const surface = (s: FuzzSurface): FuzzSurface => s;

/** A prepared surface with its case type inferred from the arbitrary, then erased for lists of surfaces. */
export const cases = <T>(prepared: PreparedSurface<T>): PreparedSurface<unknown> => prepared;
