/**
 * The cross-check (issue #16): the same phase driven by autocannon instead of our own load generator,
 * against the same wxbridge, measured by the same `measure()` (CPU of wxbridge / PostgreSQL /
 * simulator / generator, peak RSS). Both generators run in this process, so their own CPU shows in
 * the same `gen` column; if the two disagree on wxbridge's CPU per request the difference is in what
 * they send, not in how it is counted.
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import type { PhaseResult, RequestSpec } from './load-generator.ts';

export interface AutocannonPhaseOptions {
  readonly baseUrl: string;
  readonly connections: number;
  readonly durationMs: number;
  /** The next request, or undefined when the supply ran out (then a request for a missing page: an error). */
  readonly next: () => RequestSpec | undefined;
  /** Whether the answer counts as a success; reads the body (asking for it makes autocannon keep bodies). */
  readonly check?: (body: string) => boolean;
}

const SUPPLY_EXHAUSTED: RequestSpec = { method: 'GET', path: '/bench-supply-exhausted' };

export async function runAutocannonPhase(options: AutocannonPhaseOptions): Promise<PhaseResult> {
  const latencies: number[] = [];
  const samples: string[] = [];
  let failedChecks = 0;
  const request: AutocannonRequest = {
    setupRequest: (base) => {
      // Returning nothing would make autocannon start its request list over, forever: ask for a 404 instead.
      const spec = options.next() ?? SUPPLY_EXHAUSTED;
      return { ...base, method: spec.method, path: spec.path, headers: { ...spec.headers }, ...(spec.body === undefined ? {} : { body: spec.body }) };
    },
  };
  const { check } = options;
  if (check !== undefined) {
    request.onResponse = (status, body) => {
      if (status === 200 && check(body)) return;
      failedChecks += 1;
      if (samples.length < 5) samples.push(`→ ${status} ${body.slice(0, 200)}`);
    };
  }
  const started = performance.now();
  const instance = autocannon({ url: options.baseUrl, connections: options.connections, duration: options.durationMs / 1000, timeout: 30, requests: [request] });
  instance.on('response', (_client, status, _bytes, responseTimeMs) => {
    if (status === 200) latencies.push(responseTimeMs);
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  // autocannon's `errors` are connection errors and timeouts; non-2xx answers and failed checks count too.
  const bad = result.errors + result.non2xx + failedChecks;
  const completed = result['2xx'] + result.non2xx + result.errors;
  const sorted = Float64Array.from(latencies).sort();
  return { completed, errors: Math.min(bad, completed), seconds, latenciesMs: sorted, errorSamples: samples, maxSendLagMs: 0 };
}
