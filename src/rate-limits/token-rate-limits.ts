/**
 * The token-endpoint rate limits (docs/decisions/0013; test-catalogue T-11, W-15): requests per IP
 * address, requests per authenticated client, and failed client authentications per IP address, each
 * counted in fixed windows shared by every instance (PostgreSQL, or Redis when REDIS_URL is set).
 * Failed authentications have their own, far lower limit: a secret guesser from one address is
 * stopped after a few dozen attempts, while a busy client's logins are not.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { RateLimitConfig } from '../config.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.ts';
import { addressKey } from './address-key.ts';
import { createPostgresCounterStore } from './postgres-counter-store.ts';
import { createSharedCounters, type CounterStore, type SharedCounters, type WindowCount } from './shared-counters.ts';

/** Which limit refused a request (the `limit` label of wxbridge_rate_limit_rejections_total). */
export type LimitName = 'ip' | 'client' | 'auth_failure' | 'failed_code' | 'scan_code';

export type Verdict = { readonly limited: false } | { readonly limited: true; readonly retryAfterSeconds: number; readonly limit: LimitName };

export interface TokenRateLimits {
  /** Before anything else on the token, introspection and revocation endpoints. */
  checkAddress(ip: string): Promise<Verdict>;
  /**
   * Failed client authentications of `clientId` from `ip` (undefined: the one bucket of every unknown or
   * missing client id from `ip`), from this instance's view only (no round trip).
   */
  checkAuthFailures(ip: string, clientId: string | undefined): Verdict;
  /** Once the client is authenticated, before its grant runs (so no WeChat code is spent). */
  checkClient(clientId: string): Promise<Verdict>;
  /** A failed client authentication (401 invalid_client) from `ip`; clientId undefined for an unknown client. */
  recordAuthFailure(ip: string, clientId: string | undefined): Promise<void>;
  /** Failed WeChat code exchanges of `clientId` and from `ip`, checked before WeChat is called (no round trip). */
  checkFailedCodes(ip: string, clientId: string): Verdict;
  /** A code WeChat refused (made up, expired or used). */
  recordFailedCode(ip: string, clientId: string): Promise<void>;
  /**
   * A mini-program code about to be minted for a web sign-in page from `ip`, counted before WeChat is
   * called: each is a getwxacodeunlimit call against the app's per-minute frequency limit (issue #13).
   */
  checkScanCode(ip: string): Promise<Verdict>;
  close(): Promise<void>;
}

const ALLOWED: Verdict = { limited: false };

export async function openTokenRateLimits(deps: { config: RateLimitConfig; em: () => EntityManager; logger: Logger; clock: Clock }): Promise<TokenRateLimits> {
  const onError = throttledWarning(deps.logger, deps.clock);
  const store: CounterStore = deps.config.redisUrl === undefined
    ? createPostgresCounterStore({ em: deps.em })
    : await openRedisCounterStore({ url: deps.config.redisUrl, keyPrefix: deps.config.redisKeyPrefix, onError });
  const counters = createSharedCounters({ store, windowMs: deps.config.windowSeconds * 1000, onError, now: () => deps.clock.now() });
  return createTokenRateLimits(deps.config, counters, deps.clock);
}

/**
 * Loaded only when REDIS_URL is set: @redis/client costs every serving process ≈ 5 MiB of heap and
 * more of RSS (issue 16), for nothing when the counters live in PostgreSQL.
 */
async function openRedisCounterStore(options: { url: string; keyPrefix: string; onError: (error: unknown) => void }): Promise<CounterStore> {
  const { createRedisCounterStore } = await import('./redis-counter-store.ts');
  return createRedisCounterStore(options);
}

export function createTokenRateLimits(limits: RateLimitConfig, counters: SharedCounters, clock: Clock): TokenRateLimits {
  const limitedUntil = (resetAt: number, limit: LimitName): Verdict => ({ limited: true, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - clock.now()) / 1000)), limit });
  const verdict = (seen: WindowCount, max: number, limit: LimitName): Verdict => (max > 0 && seen.count > max ? limitedUntil(seen.resetAt, limit) : ALLOWED);
  const peekOver = (key: string, max: number, limit: LimitName): Verdict => {
    const seen = counters.peek(key);
    return max > 0 && seen.count >= max ? limitedUntil(seen.resetAt, limit) : ALLOWED;
  };
  // Failures are keyed per address and client (issue #15 finding 7b): a guesser of one client's secret is
  // stopped without stopping the other clients' users behind the same carrier NAT; every unknown client id
  // from an address shares one bucket, so inventing ids buys no fresh attempts.
  const authFailureKey = (ip: string, clientId: string | undefined): string =>
    clientId === undefined ? keyOf('auth-failures-unknown', addressKey(ip)) : keyOf('auth-failures', `${addressKey(ip)}|${clientId}`);
  return {
    async checkAddress(ip) {
      return limits.perIp > 0 ? verdict(await counters.add(keyOf('ip', addressKey(ip)), 1), limits.perIp, 'ip') : ALLOWED;
    },
    // Local knowledge only (no round trip): an instance learns other instances' failures from an
    // address at its own first failure from it, so a guesser gains at most one try per instance.
    checkAuthFailures: (ip, clientId) => peekOver(authFailureKey(ip, clientId), limits.authFailuresPerIp, 'auth_failure'),
    async checkClient(clientId) {
      return limits.perClient > 0 ? verdict(await counters.add(keyOf('client', clientId), 1), limits.perClient, 'client') : ALLOWED;
    },
    async recordAuthFailure(ip, clientId) {
      if (limits.authFailuresPerIp > 0) await counters.add(authFailureKey(ip, clientId), 1);
    },
    checkFailedCodes(ip, clientId) {
      const byAddress = peekOver(keyOf('failed-codes-ip', addressKey(ip)), limits.failedCodesPerIp, 'failed_code');
      return byAddress.limited ? byAddress : peekOver(keyOf('failed-codes-client', clientId), limits.failedCodesPerClient, 'failed_code');
    },
    async recordFailedCode(ip, clientId) {
      await Promise.all([
        limits.failedCodesPerIp > 0 ? counters.add(keyOf('failed-codes-ip', addressKey(ip)), 1) : undefined,
        limits.failedCodesPerClient > 0 ? counters.add(keyOf('failed-codes-client', clientId), 1) : undefined,
      ]);
    },
    async checkScanCode(ip) {
      return limits.scanCodesPerIp > 0 ? verdict(await counters.add(keyOf('scan-codes-ip', addressKey(ip)), 1), limits.scanCodesPerIp, 'scan_code') : ALLOWED;
    },
    close: () => counters.close(),
  };
}

/** Keys fit the 255-character column whatever a client id or a forwarded address looks like. */
function keyOf(kind: string, value: string): string {
  return value.length <= 128 ? `${kind}:${value}` : `${kind}:sha256:${createHash('sha256').update(value).digest('base64url')}`;
}

/** A store outage is logged once per 10 s, not once per request. */
function throttledWarning(logger: Logger, clock: Clock): (error: unknown) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (error) => {
    if (clock.now() - last < 10_000) return;
    last = clock.now();
    logger.warn({ err: error }, 'rate-limit counters unavailable; limits are not enforced until they answer again');
  };
}
