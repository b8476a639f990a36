// Realistic shapes for the identifiers the simulator hands out (wechat-api.md §1.7):
// 32-char login codes, 28-char openid/unionid, Base64 session_key, `<n>_<opaque>` tokens, rid groups.
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const OPENID_ALPHABET = `${ALNUM}_-`;

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

/** A `wx.login` / OA OAuth code: 32 chars of `[0-9A-Za-z]`. */
export function newLoginCode(): string {
  return randomString(ALNUM, 32);
}

/** openid and unionid share a shape: `o` + 27 chars of `[0-9A-Za-z_-]` (28 in all). */
export function newOpenIdShapedId(): string {
  return `o${randomString(OPENID_ALPHABET, 27)}`;
}

/** 16 random bytes, standard Base64: 24 chars ending `==`, may contain `+` and `/`. */
export function newSessionKey(): string {
  return randomBytes(16).toString('base64');
}

/** `<n>_<opaque>` with 110–136 chars in all, as observed for cgi-bin and sns tokens. */
export function newOpaqueToken(serial: number): string {
  const prefix = `${String(serial % 100)}_`;
  return prefix + randomString(OPENID_ALPHABET, randomInt(110, 137) - prefix.length);
}

/** One 8-digit lowercase hex group of a `rid`. */
export function randomHexGroup(): string {
  return randomBytes(4).toString('hex');
}

/** The opaque part of legacy `hints: [ req_id: … ]` / `hint: […]` suffixes, e.g. `uhJDVZyFe-YZguHA`. */
export function newHintId(): string {
  return `${randomString(ALNUM, 9)}-${randomString(OPENID_ALPHABET, 6)}`;
}
