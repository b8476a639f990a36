import { describe, expect, it } from 'vitest';
import type { StoredSecretHash } from './client.entity.ts';
import { generateClientSecret, hashClientSecret, matchesSecret } from './client-secrets.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const stored = (secret: string, expiresAt?: string): StoredSecretHash => ({
  hash: hashClientSecret(secret),
  createdAt: '2026-01-01T00:00:00Z',
  ...(expiresAt === undefined ? {} : { expiresAt }),
});

describe('generateClientSecret', () => {
  it('makes 256-bit base64url secrets, a new one each time', () => {
    const [first, second] = [generateClientSecret(), generateClientSecret()];
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first, 'base64url')).toHaveLength(32);
    expect(second).not.toBe(first);
  });
});

describe('hashClientSecret', () => {
  it('stores a hash, not the secret', () => {
    const secret = generateClientSecret();
    const hash = hashClientSecret(secret);
    expect(hash).not.toContain(secret);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(32); // SHA-256
  });

  it('hashes the same secret to the same value and different secrets differently', () => {
    expect(hashClientSecret('s3cret')).toBe(hashClientSecret('s3cret'));
    expect(hashClientSecret('s3cret')).not.toBe(hashClientSecret('s3cret '));
  });
});

describe('matchesSecret', () => {
  it('accepts the secret whose hash is stored', () => {
    const secret = generateClientSecret();
    expect(matchesSecret([stored(secret)], secret, NOW)).toBe(true);
  });

  it('refuses any other secret, including the stored hash itself', () => {
    const secret = generateClientSecret();
    expect(matchesSecret([stored(secret)], generateClientSecret(), NOW)).toBe(false);
    expect(matchesSecret([stored(secret)], hashClientSecret(secret), NOW)).toBe(false);
    expect(matchesSecret([stored(secret)], '', NOW)).toBe(false);
  });

  it('refuses a secret whose hash has expired, and accepts it until then', () => {
    const secret = generateClientSecret();
    expect(matchesSecret([stored(secret, '2026-06-01T11:59:59Z')], secret, NOW)).toBe(false);
    expect(matchesSecret([stored(secret, '2026-06-01T12:00:00Z')], secret, NOW)).toBe(false);
    expect(matchesSecret([stored(secret, '2026-06-01T12:00:01Z')], secret, NOW)).toBe(true);
  });

  it('accepts either secret during a rotation overlap', () => {
    const [old, current] = [generateClientSecret(), generateClientSecret()];
    const hashes = [stored(old, '2026-06-02T00:00:00Z'), stored(current)];
    expect(matchesSecret(hashes, old, NOW)).toBe(true);
    expect(matchesSecret(hashes, current, NOW)).toBe(true);
  });

  it('refuses everything when no hash is stored (a public client)', () => {
    expect(matchesSecret([], generateClientSecret(), NOW)).toBe(false);
  });
});
