/**
 * Client secrets (RFC 6749 §2.3.1): 256 random bits shown once, stored only as SHA-256 hashes
 * (a fast hash is enough for secrets of that entropy), compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoredSecretHash } from './client.entity.ts';

export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** True when `presented` matches a stored hash that has not expired (every hash is compared). */
export function matchesSecret(hashes: readonly StoredSecretHash[], presented: string, now: Date): boolean {
  const candidate = Buffer.from(hashClientSecret(presented), 'base64url');
  let matched = false;
  for (const stored of hashes) {
    const expected = Buffer.from(stored.hash, 'base64url');
    const live = stored.expiresAt === undefined || new Date(stored.expiresAt) > now;
    if (expected.length === candidate.length && timingSafeEqual(expected, candidate) && live) matched = true;
  }
  return matched;
}
