/**
 * Verified phone numbers (design.md §3–§4, wechat-api.md §5.1): a getPhoneNumber code is redeemed with
 * the app's access token, for the user's openid (WeChat then checks the binding), the watermark must
 * name the same app, and the number is stored in E.164 with `phone_number_verified`. A code WeChat
 * refuses — bad, used, expired or another app's — is `phone.code_invalid`; the caller gets a fresh one.
 */
import { AppError } from '../errors.ts';
import { WeChatError } from '../wechat/wechat-errors.ts';
import type { AccountAudit } from './account-audit.ts';
import type { AccountRecord, AccountRepository } from './account.repository.ts';
import { toE164 } from './phone-number.ts';

/** getuserphonenumber with the app's token (src/wechat-apps/ + src/wechat/wechat-client.ts). */
export interface PhoneNumberSource {
  fetchPhoneNumber(input: { appId: string; openId: string; code: string }): Promise<{
    phoneNumber: string; purePhoneNumber: string; countryCode: string; watermarkAppId: string;
  }>;
}

export interface PhoneVerification {
  /** Redeems the code and returns the E.164 number; stores nothing. */
  lookup(input: { appId: string; openId: string; code: string; clientId?: string | undefined }): Promise<string>;
  /** Stores a looked-up number as verified and audits it. */
  store(input: { accountId: string; phoneNumber: string; clientId: string; via: 'login' | 'me' }): Promise<AccountRecord>;
}

const codeInvalid = (message: string, cause?: unknown): AppError =>
  new AppError('phone.code_invalid', message, cause === undefined ? undefined : { cause });

export function createPhoneVerification(deps: {
  source: PhoneNumberSource;
  accounts: Pick<AccountRepository, 'setVerifiedPhone'>;
  audit: AccountAudit;
}): PhoneVerification {
  /** Issue 17 #6: the operator must top up the quota; the client gets a distinct error, the audit log an entry. */
  async function quotaExhausted(input: { appId: string; clientId?: string | undefined }, cause: WeChatError): Promise<never> {
    const actor = input.clientId ?? `wechat:${input.appId}`;
    await deps.audit.record({
      actor, action: 'account.phone_quota_exhausted', outcome: 'failure', reason: 'phone.quota_exhausted', target: input.appId, accountId: null, clientId: actor,
      after: { appId: input.appId, errcode: cause.errcode },
    });
    throw new AppError('phone.quota_exhausted', `the phone-number quota of WeChat app ${input.appId} is used up`, { cause });
  }

  return {
    async lookup(input) {
      const info = await deps.source.fetchPhoneNumber(input).catch((error: unknown) => {
        // §5.1: 40029 covers unknown, expired, used and another app's codes (and an openid mismatch).
        if (error instanceof WeChatError && error.code === 'wechat.code_invalid') throw codeInvalid('WeChat refused the phone code', error);
        if (error instanceof WeChatError && error.code === 'wechat.quota_exhausted') return quotaExhausted(input, error);
        throw error;
      });
      // §12 rule 6: verify watermark.appid on phone_info too.
      if (info.watermarkAppId !== input.appId) throw codeInvalid('the phone code belongs to another WeChat app');
      return toE164(info);
    },

    async store({ accountId, phoneNumber, clientId, via }) {
      const account = await deps.accounts.setVerifiedPhone(accountId, phoneNumber);
      if (account === null) throw new AppError('account.not_found', 'the account no longer exists');
      await deps.audit.record({
        actor: clientId, action: 'account.phone_verified', outcome: 'success', target: accountId, accountId, clientId,
        after: { phone_number_verified: true, via },
      });
      return account;
    },
  };
}
