/**
 * Pure rules of the signing-key lifecycle (design.md §5): which key signs at a given time, what
 * state `keys list` shows, and when the loaded set must be looked at again.
 */
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithms.ts';

export interface KeyTimes {
  readonly kid: string;
  readonly alg: string;
  readonly activatesAt: Date;
  readonly retiresAt: Date | null;
  readonly removeAfter: Date | null;
}

export type KeyState = 'pending' | 'signing' | 'retired' | 'removed';

export function isPublished(key: KeyTimes, at: Date): boolean {
  return key.removeAfter === null || key.removeAfter > at;
}

function isSigningCandidate(key: KeyTimes, at: Date): boolean {
  return key.activatesAt <= at && (key.retiresAt === null || key.retiresAt > at) && isPublished(key, at);
}

/** The signer per algorithm: the most recently activated published key that has not retired. */
export function activeKids(keys: readonly KeyTimes[], at: Date): Partial<Record<SigningAlgorithm, string>> {
  const active: Partial<Record<SigningAlgorithm, string>> = {};
  for (const alg of SIGNING_ALGORITHMS) {
    const candidates = keys.filter((key) => key.alg === alg && isSigningCandidate(key, at));
    candidates.sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime() || a.kid.localeCompare(b.kid));
    if (candidates[0] !== undefined) active[alg] = candidates[0].kid;
  }
  return active;
}

export function stateOf(key: KeyTimes, at: Date, signingKids: ReadonlySet<string>): KeyState {
  if (!isPublished(key, at)) return 'removed';
  if (signingKids.has(key.kid)) return 'signing';
  return key.activatesAt > at ? 'pending' : 'retired';
}

/** The next instant at which a key activates, retires or leaves the JWKS (null: none ahead). */
export function nextChangeAfter(keys: readonly KeyTimes[], at: Date): Date | null {
  const ahead = keys
    .flatMap((key) => [key.activatesAt, key.retiresAt, key.removeAfter])
    .filter((time): time is Date => time !== null && time > at)
    .map((time) => time.getTime());
  return ahead.length === 0 ? null : new Date(Math.min(...ahead));
}

/**
 * When a key retired at `retiresAt` may leave the JWKS: after the longest-lived token it can have
 * signed has expired, plus a leeway for clock skew and for instances that still sign with it until
 * their next key reload (test-catalogue K-05).
 */
export function removalTime(retiresAt: Date, longestTokenTtlSeconds: number, leewaySeconds: number): Date {
  return new Date(retiresAt.getTime() + (longestTokenTtlSeconds + leewaySeconds) * 1000);
}
