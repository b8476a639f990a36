/**
 * The shared per-client limit across instances (docs/decisions/0013): at the start of a fresh window,
 * 3 × limit client_credentials requests of one client go through the balancer (round robin over every
 * instance). Exactly `limit` should pass; each instance learns the others' counts at its next flush
 * (every 200 ms, later on a loaded machine), so a few more may pass — never fewer — and every refusal is
 * a 429 with Retry-After. Counters kept per instance would let up to instances × limit pass: the check
 * allows at most limit / instances extra, which any sharing failure exceeds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inParallel } from './checks.ts';
import type { Fixture } from './fixture.ts';


export interface RateLimitResult {
  readonly limit: number;
  readonly requests: number;
  readonly passed: number;
  readonly limited: number;
  readonly other: number;
  readonly limitedWithoutRetryAfter: number;
  readonly seconds: number;
  /** How many more than `limit` may pass (limit / instances). */
  readonly allowedExtra: number;
  /** The flush lag the extra admissions amount to at the burst's rate, in ms (ADR 0013 says ≤ 200 ms). */
  readonly impliedLagMs: number;
  readonly ok: boolean;
}

export async function runRateLimitPhase(options: {
  baseUrl: string; fixture: Fixture; limit: number; windowSeconds: number; instances: number; concurrency?: number;
}): Promise<RateLimitResult> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await burstInFreshWindow(options);
    // A burst that outlived its window counted in two windows: say so and try once more.
    if (result !== undefined) return result;
    if (attempt === 2) throw new Error('the rate-limit burst did not fit in one window twice: raise --window');
  }
}

async function burstInFreshWindow(options: {
  baseUrl: string; fixture: Fixture; limit: number; windowSeconds: number; instances: number; concurrency?: number;
}): Promise<RateLimitResult | undefined> {
  const windowMs = options.windowSeconds * 1000;
  // Windows are aligned on the epoch (src/rate-limits/shared-counters.ts); start just after a boundary.
  const windowStart = (Math.floor(Date.now() / windowMs) + 1) * windowMs;
  await sleep(windowStart - Date.now() + 100);
  const requests = options.limit * 3;
  const basic = Buffer.from(`${options.fixture.serviceClient}:${options.fixture.serviceSecret}`).toString('base64');
  const counts = { passed: 0, limited: 0, other: 0, limitedWithoutRetryAfter: 0 };
  const started = performance.now();
  await inParallel(Array.from({ length: requests }, (_, index) => index), options.concurrency ?? 12, async () => {
    const response = await fetch(`${options.baseUrl}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read',
    }).catch(() => undefined);
    await response?.arrayBuffer();
    if (response?.status === 200) counts.passed += 1;
    else if (response?.status === 429) {
      counts.limited += 1;
      if (response.headers.get('retry-after') === null) counts.limitedWithoutRetryAfter += 1;
    } else counts.other += 1;
  });
  const seconds = (performance.now() - started) / 1000;
  if (Date.now() >= windowStart + windowMs) return undefined;
  const allowedExtra = Math.floor(options.limit / options.instances);
  // Extra admissions come from the other instances' unflushed counts: (instances − 1) / instances of the traffic.
  const otherInstancesRate = (requests / seconds) * ((options.instances - 1) / options.instances);
  const impliedLagMs = Math.round((Math.max(0, counts.passed - options.limit) / otherInstancesRate) * 1000);
  const ok = counts.other === 0 && counts.limitedWithoutRetryAfter === 0 && counts.passed >= options.limit && counts.passed <= options.limit + allowedExtra;
  return { limit: options.limit, requests, ...counts, seconds, allowedExtra, impliedLagMs, ok };
}
