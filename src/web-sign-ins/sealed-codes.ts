/**
 * The mini-program code of a ticket, kept so a reloaded scan page shows it again without another
 * getwxacodeunlimit call (issue #13). The image carries the scene, and the scene is stored only as a
 * digest (ADR 0019), so the image is sealed (AES-256-GCM) with a key derived from the scene itself:
 * the database alone opens nothing; only the browser holding the scene can.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const keyOf = (scene: string): Buffer => createHash('sha256').update(`wxbridge web sign-in code\u0000${scene}`).digest();

export function sealCode(scene: string, bytes: Uint8Array): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(scene), iv);
  const sealed = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** The image, or undefined when `sealed` was not sealed for this scene. */
export function openCode(scene: string, sealed: Uint8Array): Uint8Array | undefined {
  const box = Buffer.from(sealed);
  if (box.length < 28) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(scene), box.subarray(0, 12));
    decipher.setAuthTag(box.subarray(12, 28));
    return Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]);
  } catch {
    return undefined;
  }
}
