// The mini-program's "user-login-state" cryptography, implemented independently of wxbridge so tests
// compare two implementations (wechat-api.md §4.1, §5.2, §5.3, §14 item 15):
// - legacy encryptedData: AES-128-CBC, PKCS#7, key = Base64-decoded session_key, random 16-byte IV;
// - rawData signature: lowercase hex SHA-1 of rawData + session_key (the Base64 text);
// - checksession signature: lowercase hex HMAC-SHA256 keyed with the session_key *text*, over the message.
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

export interface EncryptedUserData {
  readonly encryptedData: string;
  readonly iv: string;
}

/** Encrypts `plaintext` as the WeChat client does for `encryptedData`; `iv` (Base64) is random unless given. */
export function encryptUserData(sessionKey: string, plaintext: string, iv?: string): EncryptedUserData {
  const ivBytes = iv === undefined ? randomBytes(16) : Buffer.from(iv, 'base64');
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), ivBytes);
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { encryptedData: encrypted.toString('base64'), iv: ivBytes.toString('base64') };
}

/** §5.3: `signature = sha1(rawData + session_key)`, rawData byte-for-byte as sent. */
export function signRawData(rawData: string, sessionKey: string): string {
  return createHash('sha1').update(rawData + sessionKey, 'utf8').digest('hex');
}

/** §4.1: key = the session_key as ASCII (not decoded); message = '' for GET, the POST body otherwise. */
export function sessionSignature(sessionKey: string, message = ''): string {
  return createHmac('sha256', Buffer.from(sessionKey, 'utf8')).update(message, 'utf8').digest('hex');
}
