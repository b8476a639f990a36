/**
 * A small HTTP/1.1 load generator on node:http with keep-alive connections (no dependency, and its
 * own CPU cost is measured and reported separately by the harness). Two disciplines:
 *  - closed loop: `connections` clients each send the next request as soon as the previous answer
 *    arrives — the maximum throughput the server sustains at that concurrency;
 *  - open loop: requests start on a fixed schedule (`ratePerSecond`) whether or not earlier ones
 *    finished, and latency is measured from the scheduled start, so a stalled server is charged for
 *    the queue it causes (no coordinated omission).
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface Outcome {
  readonly status: number;
  /** The response body when the caller asked for it or the request failed. */
  readonly body: string | undefined;
}

export interface Target {
  send(spec: RequestSpec, wantBody: boolean): Promise<Outcome>;
  close(): void;
}

export interface PhaseResult {
  readonly completed: number;
  readonly errors: number;
  readonly seconds: number;
  /** Latencies of the successful requests, in ms, sorted ascending. */
  readonly latenciesMs: Float64Array;
  readonly errorSamples: readonly string[];
  /** Open loop: the largest delay between a scheduled start and the actual send (generator lag). */
  readonly maxSendLagMs: number;
}

export interface PhaseOptions {
  readonly target: Target;
  readonly durationMs: number;
  /** The next request, or undefined when the supply ran out (the phase then ends early). */
  readonly next: () => RequestSpec | undefined;
  /** Whether the answer counts as a success (default: status 200); may read the body. */
  readonly check?: (spec: RequestSpec, outcome: Outcome) => boolean;
  /** Ask for response bodies (check() reads them). */
  readonly wantBody?: boolean;
}

export function createTarget(baseUrl: string, maxSockets: number): Target {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
  return {
    send(spec, wantBody) {
      return new Promise((resolve) => {
        const headers: Record<string, string | number> = { ...spec.headers };
        if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
        const request = http.request({ host: url.hostname, port: url.port, method: spec.method, path: spec.path, headers, agent }, (response) => {
          const status = response.statusCode ?? 0;
          if (!wantBody && status < 300) {
            response.resume();
            response.on('end', () => { resolve({ status, body: undefined }); });
            return;
          }
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => { body += chunk; });
          response.on('end', () => { resolve({ status, body }); });
        });
        request.on('error', (error) => { resolve({ status: 0, body: error.message }); });
        request.end(spec.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

const isOk = (_spec: RequestSpec, outcome: Outcome): boolean => outcome.status === 200;

function collector(options: PhaseOptions) {
  const latencies: number[] = [];
  const samples: string[] = [];
  let errors = 0;
  const check = options.check ?? isOk;
  return {
    record(spec: RequestSpec, outcome: Outcome, latencyMs: number): void {
      if (check(spec, outcome)) {
        latencies.push(latencyMs);
        return;
      }
      errors += 1;
      if (samples.length < 5) samples.push(`${spec.method} ${spec.path} → ${outcome.status} ${(outcome.body ?? '').slice(0, 200)}`);
    },
    result(seconds: number, maxSendLagMs: number): PhaseResult {
      const sorted = Float64Array.from(latencies).sort();
      return { completed: latencies.length + errors, errors, seconds, latenciesMs: sorted, errorSamples: samples, maxSendLagMs };
    },
  };
}

export async function runClosedLoop(options: PhaseOptions & { readonly connections: number }): Promise<PhaseResult> {
  const results = collector(options);
  const started = performance.now();
  const end = started + options.durationMs;
  const wantBody = options.wantBody ?? false;
  const client = async (): Promise<void> => {
    while (performance.now() < end) {
      const spec = options.next();
      if (spec === undefined) return;
      const sent = performance.now();
      const outcome = await options.target.send(spec, wantBody);
      results.record(spec, outcome, performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, client));
  return results.result((performance.now() - started) / 1000, 0);
}

export async function runOpenLoop(options: PhaseOptions & { readonly ratePerSecond: number }): Promise<PhaseResult> {
  const results = collector(options);
  const wantBody = options.wantBody ?? false;
  const interval = 1000 / options.ratePerSecond;
  const total = Math.floor((options.ratePerSecond * options.durationMs) / 1000);
  const started = performance.now() + 2;
  const inFlight: Promise<void>[] = [];
  let maxLag = 0;
  for (let i = 0; i < total; i += 1) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    const spec = options.next();
    if (spec === undefined) break;
    maxLag = Math.max(maxLag, performance.now() - due);
    inFlight.push(options.target.send(spec, wantBody).then((outcome) => { results.record(spec, outcome, performance.now() - due); }));
  }
  await Promise.all(inFlight);
  return results.result((performance.now() - started) / 1000, maxLag);
}

/** The p-th percentile (0–100) of ascending `sorted`, nearest-rank. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
