// WeChat's legacy user-data cryptography, server side (shared/docs/wechat-api.md §5.2, §5.3):
// encryptedData is AES-128-CBC with PKCS#7 padding under key = Base64-decoded session_key; a rawData
// signature is hex SHA-1 of rawData + session_key text. Every decryption failure is the *same* error
// (same code, same message), so a caller learns nothing about padding (test catalogue W-13).
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

// Strict standard Base64: Buffer.from(…, 'base64') silently skips invalid characters, e.g. a `+` that a
// form encoding turned into a space (§5.2), which would decrypt garbage instead of failing cleanly.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_ENCRYPTED_CHARS = 64 * 1024;

export const DECRYPTION_FAILED = 'encryptedData could not be decrypted with the current WeChat session; call wx.login again, then fetch the data again';

const failed = (): AppError => new AppError('legacy_data.invalid', DECRYPTION_FAILED);

function strictBase64(value: string, bytes?: number): Buffer {
  if (value.length === 0 || value.length > MAX_ENCRYPTED_CHARS || !BASE64.test(value)) throw failed();
  const decoded = Buffer.from(value, 'base64');
  if (bytes !== undefined && decoded.length !== bytes) throw failed();
  return decoded;
}

function decryptBytes(key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  if (ciphertext.length % 16 !== 0) throw failed();
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw failed(); // bad padding: deliberately indistinguishable from every other failure
  }
}

/** Decrypts legacy `encryptedData` to its JSON object; throws `legacy_data.invalid` (one message) on any failure. */
export function decryptUserData(input: { sessionKey: string; encryptedData: string; iv: string }): Record<string, unknown> {
  const plaintext = decryptBytes(strictBase64(input.sessionKey, 16), strictBase64(input.iv, 16), strictBase64(input.encryptedData));
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw failed();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw failed();
  return parsed as Record<string, unknown>;
}

/** §5.3: whether `signature` is sha1(rawData + session_key), compared in constant time. */
export function isRawDataSignatureValid(input: { sessionKey: string; rawData: string; signature: string }): boolean {
  const expected = createHash('sha1').update(input.rawData + input.sessionKey, 'utf8').digest();
  // The shape check leaks only "not 40 hex digits", which the caller already knows; the compare always runs.
  const wellFormed = /^[0-9a-f]{40}$/i.test(input.signature);
  const presented = wellFormed ? Buffer.from(input.signature, 'hex') : Buffer.alloc(expected.length);
  return timingSafeEqual(expected, presented) && wellFormed;
}
