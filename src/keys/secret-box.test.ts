import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createSecretBox } from './secret-box.ts';

const KEY = Buffer.alloc(32, 1);
const OTHER_KEY = Buffer.alloc(32, 2);
const AAD = 'signing_key:kid-1';
const SECRET = '{"kty":"EC","d":"private-scalar"}';

function decryptFailure(open: () => string): AppError {
  try {
    open();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the ciphertext opened');
}

/** Flips one bit of one base64url part of a sealed value (0 = version, 1 = iv, 2 = tag, 3 = ciphertext). */
function flipBit(sealed: string, part: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[part] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('createSecretBox', () => {
  it('opens what it sealed', () => {
    const box = createSecretBox(KEY);
    expect(box.open(box.seal(SECRET, AAD), AAD)).toBe(SECRET);
  });

  it('seals the same plaintext differently every time and never contains it', () => {
    const box = createSecretBox(KEY);
    const [first, second] = [box.seal(SECRET, AAD), box.seal(SECRET, AAD)];
    expect(first).not.toBe(second);
    expect(first).not.toContain('private-scalar');
    expect(first).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('refuses to open with other associated data (a ciphertext moved to another row)', () => {
    const box = createSecretBox(KEY);
    expect(decryptFailure(() => box.open(box.seal(SECRET, AAD), 'signing_key:kid-2')).code).toBe('keys.decrypt_failed');
  });

  it.each([['iv', 1], ['authentication tag', 2], ['ciphertext', 3]] as const)('refuses a sealed value whose %s was tampered with', (_name, part) => {
    const box = createSecretBox(KEY);
    expect(decryptFailure(() => box.open(flipBit(box.seal(SECRET, AAD), part), AAD)).code).toBe('keys.decrypt_failed');
  });

  it('refuses an unrecognised format', () => {
    const box = createSecretBox(KEY);
    expect(decryptFailure(() => box.open(box.seal(SECRET, AAD).replace(/^v1\./, 'v9.'), AAD)).code).toBe('keys.decrypt_failed');
    expect(decryptFailure(() => box.open('not-a-sealed-value', AAD)).code).toBe('keys.decrypt_failed');
  });

  it('refuses to open with another master key, saying so', () => {
    const sealed = createSecretBox(KEY).seal(SECRET, AAD);
    const error = decryptFailure(() => createSecretBox(OTHER_KEY).open(sealed, AAD));
    expect(error).toMatchObject({ code: 'keys.decrypt_failed', message: expect.stringContaining('wrong master key') });
  });

  it.each([0, 16, 31, 33, 64])('refuses a master key of %i bytes', (length) => {
    expect(() => createSecretBox(Buffer.alloc(length, 1))).toThrow(expect.objectContaining({ code: 'keys.master_key_invalid' }));
  });

  it('is unaffected by later changes to the key buffer it was given', () => {
    const key = Buffer.from(KEY);
    const box = createSecretBox(key);
    const sealed = box.seal(SECRET, AAD);
    key.fill(0);
    expect(box.open(sealed, AAD)).toBe(SECRET);
  });

  it('derives a stable key per label, different across labels and master keys', () => {
    const box = createSecretBox(KEY);
    expect(box.deriveKey('cookie-signing-v1')).toEqual(createSecretBox(Buffer.from(KEY)).deriveKey('cookie-signing-v1'));
    expect(box.deriveKey('cookie-signing-v1')).not.toEqual(box.deriveKey('cookie-signing-v2'));
    expect(box.deriveKey('cookie-signing-v1')).not.toEqual(createSecretBox(OTHER_KEY).deriveKey('cookie-signing-v1'));
    expect(box.deriveKey('cookie-signing-v1')).toHaveLength(32);
  });
});
