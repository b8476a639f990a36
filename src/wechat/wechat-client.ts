// The outbound WeChat client (shared/docs/wechat-api.md §3 jscode2session, §8.2 sns/oauth2/access_token,
// §6.2 stable_token, §5.1 getuserphonenumber, §12 robust-client rules): one call each, with a timeout.
import { callWeChat, type Transport, type WeChatCallEvent } from './wechat-transport.ts';
import { jscode2SessionSuccess, oauthAccessTokenSuccess, phoneNumberSuccess, stableTokenSuccess } from './wechat-responses.ts';

export type { WeChatCallEvent, WeChatEndpoint } from './wechat-transport.ts';

export type WeChatClientDeps = {
  /** `https://api.weixin.qq.com` in production, the simulator in tests. */
  baseUrl: string;
  /** Covers connect, headers and body; undici's own defaults are 300 s (test catalogue U-02). */
  timeoutMs: number;
  fetch?: typeof fetch;
  onCall?: (event: WeChatCallEvent) => void;
};

export type CodeExchange = { appId: string; secret: string; code: string };

export type MiniProgramSession = { openId: string; unionId?: string; sessionKey: string };

export type OAuthIdentity = { openId: string; unionId?: string; scope: string; isSnapshotUser: boolean };

export type AppAccessToken = { accessToken: string; expiresInSeconds: number };

export type PhoneNumberRequest = { appId: string; accessToken: string; code: string; openId?: string | undefined };

/** `phone_info` of §5.1, countryCode normalised to a string (the doc example shows a number). */
export type PhoneInfo = { phoneNumber: string; purePhoneNumber: string; countryCode: string; watermarkAppId: string };

export type WeChatClient = {
  /** `wx.login` code → session (`GET /sns/jscode2session`, §3). Throws WeChatError. */
  exchangeMiniProgramCode(input: CodeExchange): Promise<MiniProgramSession>;
  /** OA / website / app OAuth code → identity (`GET /sns/oauth2/access_token`, §8.2). Throws WeChatError. */
  exchangeOAuthCode(input: CodeExchange): Promise<OAuthIdentity>;
  /** The app's access token (`POST /cgi-bin/stable_token`, §6.2); never `cgi-bin/token`, which invalidates other holders. */
  fetchStableToken(input: { appId: string; secret: string; forceRefresh: boolean }): Promise<AppAccessToken>;
  /** A getPhoneNumber code → the user's number (`POST /wxa/business/getuserphonenumber`, §5.1). Throws WeChatError. */
  fetchPhoneNumber(input: PhoneNumberRequest): Promise<PhoneInfo>;
};

/**
 * Builds the client. A code is single-use (§3.3), so no call is ever retried here: after a timeout
 * WeChat may already have burnt the code, and the front end must fetch a new one.
 */
export function createWeChatClient(deps: WeChatClientDeps): WeChatClient {
  // Parsed here, before any URL carries a secret, so a bad base URL fails at startup.
  const transport: Transport = {
    baseUrl: new URL(deps.baseUrl).href.replace(/\/+$/, ''),
    fetch: deps.fetch ?? fetch,
    timeoutMs: deps.timeoutMs,
    onCall: deps.onCall,
  };
  return {
    async exchangeMiniProgramCode({ appId, secret, code }) {
      const query = { appid: appId, secret, js_code: code, grant_type: 'authorization_code' };
      const { openid, unionid, session_key } = await callWeChat(transport, { endpoint: 'jscode2session', appId, query }, jscode2SessionSuccess);
      return { openId: openid, ...(unionid === undefined ? {} : { unionId: unionid }), sessionKey: session_key };
    },
    async exchangeOAuthCode({ appId, secret, code }) {
      const query = { appid: appId, secret, code, grant_type: 'authorization_code' };
      const result = await callWeChat(transport, { endpoint: 'oauth2_access_token', appId, query }, oauthAccessTokenSuccess);
      return {
        openId: result.openid,
        ...(result.unionid === undefined ? {} : { unionId: result.unionid }),
        scope: result.scope,
        // §8.2: present with value 1 only for snapshot-mode virtual accounts; the grant refuses them.
        isSnapshotUser: [1, '1', true].includes(result.is_snapshotuser ?? 0),
      };
    },
    async fetchStableToken({ appId, secret, forceRefresh }) {
      const json = { grant_type: 'client_credential', appid: appId, secret, force_refresh: forceRefresh };
      const result = await callWeChat(transport, { endpoint: 'stable_token', appId, query: {}, json }, stableTokenSuccess);
      return { accessToken: result.access_token, expiresInSeconds: result.expires_in };
    },
    async fetchPhoneNumber({ appId, accessToken, code, openId }) {
      // §5.1: the code goes in the JSON body (in the URL it is 44002); openid asks WeChat to check the binding.
      const json = { code, ...(openId === undefined ? {} : { openid: openId }) };
      const request = { endpoint: 'getuserphonenumber', appId, query: { access_token: accessToken }, json } as const;
      const { phone_info: info } = await callWeChat(transport, request, phoneNumberSuccess);
      return { phoneNumber: info.phoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode: info.countryCode, watermarkAppId: info.watermark.appid };
    },
  };
}
