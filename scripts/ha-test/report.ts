/**
 * The HA run's figures: requests by kind and class with latency percentiles, what the balancer saw,
 * and one line per invariant (ok / FAILED), which decide the exit status.
 */
import type { LoggedRequest } from './haproxy-config.ts';
import { percentile, RESPONSE_CLASSES, type Recorder } from './recorder.ts';

export interface Invariant { readonly ok: boolean; readonly text: string; readonly details?: readonly string[] }

const SHORT: Record<string, string> = {
  success: 'ok', '429 + Retry-After': '429+RA', '503 + Retry-After (wxbridge)': '503+RA wx', '503 + Retry-After (balancer)': '503+RA lb', violation: 'violation',
};

export function requestTable(recorder: Recorder): string {
  const header = ['kind', ...RESPONSE_CLASSES.map((name) => SHORT[name] ?? name), 'p50 ms', 'p99 ms'];
  const rows: string[][] = [];
  const totals = RESPONSE_CLASSES.map(() => 0);
  const all: number[] = [];
  for (const [kind, perClass] of recorder.counts) {
    const latencies = recorder.latencies.get(kind) ?? [];
    all.push(...latencies);
    const counts = RESPONSE_CLASSES.map((name, index) => {
      const count = perClass.get(name) ?? 0;
      totals[index] = (totals[index] ?? 0) + count;
      return count;
    });
    rows.push([kind, ...counts.map(String), fixed(percentile(latencies, 50)), fixed(percentile(latencies, 99))]);
  }
  rows.push(['total', ...totals.map(String), fixed(percentile(all, 50)), fixed(percentile(all, 99))]);
  return table([header, ...rows]);
}

export function balancerSummary(log: readonly LoggedRequest[], instances: readonly string[]): string[] {
  const served = instances.map((name) => `${name} ${String(log.filter((entry) => entry.server === name).length)}`).join(', ');
  const phone = instances.map((name) => `${name} ${String(phoneCallsBy(log, name))}`).join(', ');
  const redispatched = log.filter((entry) => entry.redispatched).length;
  const retried = log.filter((entry) => entry.retries > 0).length;
  const abnormal = new Map<string, number>();
  for (const entry of log) if (entry.termination !== '----') abnormal.set(entry.termination, (abnormal.get(entry.termination) ?? 0) + 1);
  return [
    `requests logged by haproxy: ${String(log.length)} (served: ${served})`,
    `/me/phone calls answered 200: ${phone}`,
    `retried after a refused connection: ${String(retried)} (sent to another instance: ${String(redispatched)})`,
    `abnormal terminations: ${abnormal.size === 0 ? 'none' : [...abnormal].map(([state, count]) => `${state} ×${String(count)}`).join(', ')}`,
  ];
}

export function phoneCallsBy(log: readonly LoggedRequest[], server: string): number {
  return log.filter((entry) => entry.server === server && entry.path === '/me/phone' && entry.status === 200).length;
}

export function invariantLines(invariants: readonly Invariant[]): string {
  return invariants.map((invariant) => [
    `[${invariant.ok ? 'ok' : 'FAILED'}] ${invariant.text}`,
    ...(invariant.details ?? []).slice(0, 10).map((detail) => `         ${detail}`),
  ].join('\n')).join('\n');
}

function fixed(value: number): string {
  return Number.isNaN(value) ? '-' : value.toFixed(value < 10 ? 1 : 0);
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row, index) => {
    const line = row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
    return index === 0 ? `${line}\n${'-'.repeat(line.length)}` : line;
  }).join('\n');
}
