/**
 * Legacy WeChat user data for a signed-in user (design.md §4, wechat-api.md §5.2–§5.3, §12 rule 6):
 * `encryptedData` is decrypted and `rawData` signatures are checked with the session_key stored for the
 * account's identity in the caller's app. The key is opened only here, in memory, and never returned.
 */
import { AppError } from '../errors.ts';
import type { SecretBox } from '../keys/secret-box.ts';
import { DECRYPTION_FAILED, decryptUserData, isRawDataSignatureValid } from '../wechat/legacy-crypto.ts';
import type { AccountRepository } from './account.repository.ts';
import { sessionKeyContext } from './wechat-sign-in.ts';

export interface LegacyUserData {
  /** The decrypted JSON object; `legacy_data.invalid` on any failure or a foreign `watermark.appid`. */
  decrypt(input: { accountId: string; appId: string; encryptedData: string; iv: string }): Promise<Record<string, unknown>>;
  /** Whether `signature` = sha1(rawData + session_key); `legacy_data.invalid` when there is no session. */
  verifySignature(input: { accountId: string; appId: string; rawData: string; signature: string }): Promise<boolean>;
}

export const FOREIGN_WATERMARK = 'the data was encrypted for another WeChat app (watermark.appid does not match)';

export function createLegacyUserData(deps: { accounts: Pick<AccountRepository, 'findSealedSessionKey'>; secretBox: SecretBox }): LegacyUserData {
  async function sessionKeyOf(accountId: string, appId: string): Promise<string> {
    const sealed = await deps.accounts.findSealedSessionKey(accountId, appId);
    // No mini-program login in this app yet: as unusable as a rotated key (same answer, no oracle).
    if (sealed === null) throw new AppError('legacy_data.invalid', DECRYPTION_FAILED);
    return deps.secretBox.open(sealed.ciphertext, sessionKeyContext(appId, sealed.openId));
  }

  return {
    async decrypt({ accountId, appId, encryptedData, iv }) {
      const data = decryptUserData({ sessionKey: await sessionKeyOf(accountId, appId), encryptedData, iv });
      const watermark = data['watermark'] as { appid?: unknown } | undefined;
      // §5.2: "check watermark.appid == your appid" — data of another app must never be accepted (W-11).
      if (typeof watermark !== 'object' || watermark.appid !== appId) throw new AppError('legacy_data.invalid', FOREIGN_WATERMARK);
      return data;
    },

    async verifySignature({ accountId, appId, rawData, signature }) {
      return isRawDataSignatureValid({ sessionKey: await sessionKeyOf(accountId, appId), rawData, signature });
    },
  };
}
