/**
 * The unlimited mini-program code of a web sign-in (wechat-api.md §8.6 getwxacodeunlimit), fetched
 * with the app's central access token (design.md §4, stable_token cache): a 40001/42001 answer
 * refreshes the token once and retries, and a code request spends nothing, so the retry is safe.
 */
import type { WeChatAccessTokens } from '../wechat-apps/wechat-access-tokens.ts';
import type { WeChatClient } from '../wechat/wechat-client.ts';
import type { WeChatImage } from '../wechat/wechat-body.ts';

export function createMiniProgramCodes(deps: { tokens: WeChatAccessTokens; wechat: Pick<WeChatClient, 'createMiniProgramCode'> }) {
  return {
    codeFor(input: { appId: string; scene: string; page: string }): Promise<WeChatImage> {
      return deps.tokens.withAccessToken(input.appId, (accessToken) => deps.wechat.createMiniProgramCode({ ...input, accessToken }));
    },
  };
}

export type MiniProgramCodes = ReturnType<typeof createMiniProgramCodes>;
