/**
 * Encryption of secrets at rest with the master key (design.md §5): AES-256-GCM, a random 96-bit
 * IV per message, and associated data naming what the ciphertext belongs to (e.g. "signing_key:<kid>")
 * so that a ciphertext copied onto another row fails to decrypt.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';

const VERSION = 'v1';

export interface SecretBox {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
  /** A key for another purpose derived from the master key (HMAC-SHA256 as a KDF with a label). */
  deriveKey(label: string): Buffer;
}

export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== 32) {
    throw new AppError('keys.master_key_invalid', 'the master key must be exactly 32 bytes');
  }
  const key = Buffer.from(masterKey);
  // Imported once: a raw Buffer key would be re-imported by every cipher (a login seals a session_key).
  const keyObject = createSecretKey(key);
  return {
    seal(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyObject, iv);
      cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open(sealed, associatedData) {
      const [version, iv, tag, ciphertext] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new AppError('keys.decrypt_failed', 'unrecognised ciphertext format');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyObject, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(associatedData, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new AppError('keys.decrypt_failed', 'decryption failed: wrong master key or tampered ciphertext', { cause: error });
      }
    },
    deriveKey(label) {
      return createHmac('sha256', key).update(`wxbridge:${label}`).digest();
    },
  };
}
