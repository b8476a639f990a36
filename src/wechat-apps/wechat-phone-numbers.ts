/**
 * getuserphonenumber with the app's central access token (wechat-api.md §5.1, §6.3): the call that
 * `accounts/phone-verification.ts` needs, so that the phone feature knows nothing of tokens.
 */
import type { WeChatAccessTokens } from './wechat-access-tokens.ts';

export interface PhoneNumberApi {
  fetchPhoneNumber(input: { appId: string; accessToken: string; code: string; openId?: string | undefined }): Promise<{
    phoneNumber: string; purePhoneNumber: string; countryCode: string; watermarkAppId: string;
  }>;
}

export function createWeChatPhoneNumbers(deps: { tokens: WeChatAccessTokens; wechat: PhoneNumberApi }) {
  return {
    fetchPhoneNumber(input: { appId: string; openId: string; code: string }) {
      // A code WeChat refuses for a token problem (40001/42001) was not spent, so the single retry may reuse it.
      return deps.tokens.withAccessToken(input.appId, (accessToken) => deps.wechat.fetchPhoneNumber({ ...input, accessToken }));
    },
  };
}
