// The outbound WeChat client (shared/docs/wechat-api.md §3 jscode2session, §8.2 sns/oauth2/access_token,
// §8.4 sns/userinfo, §6.2 stable_token, §5.1 getuserphonenumber, §8.6 getwxacodeunlimit, §12 robust-client
// rules): one call each, with a timeout.
import type { WeChatImage } from './wechat-body.ts';
import { entry, WeChatError } from './wechat-errors.ts';
import { callWeChat, callWeChatForImage, type Transport, type WeChatCallEvent } from './wechat-transport.ts';
import { jscode2SessionSuccess, oauthAccessTokenSuccess, phoneNumberSuccess, stableTokenSuccess, userInfoSuccess } from './wechat-responses.ts';

export type { WeChatImage } from './wechat-body.ts';
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

/** §8.2: `accessToken` is the user's own token, good for sns/userinfo only; never the app's access token. */
export type OAuthIdentity = { openId: string; unionId?: string; scope: string; isSnapshotUser: boolean; accessToken: string };

/** §8.4: the public profile; `pictureUrl` absent when the user has no avatar. */
export type WeChatUserInfo = { openId: string; unionId?: string; nickname: string; pictureUrl?: string };

export type AppAccessToken = { accessToken: string; expiresInSeconds: number };

export type PhoneNumberRequest = { appId: string; accessToken: string; code: string; openId?: string | undefined };

/** `phone_info` of §5.1, countryCode normalised to a string (the doc example shows a number). */
export type PhoneInfo = { phoneNumber: string; purePhoneNumber: string; countryCode: string; watermarkAppId: string };

/** §8.6 parameters; what is left out takes WeChat's default (page: the home page, check_path true, release, 430). */
export type MiniProgramCodeRequest = {
  appId: string;
  /** The mini-program's app access token (the caller refreshes it on 40001/40014/42001 and retries once). */
  accessToken: string;
  scene: string;
  page?: string | undefined;
  checkPath?: boolean | undefined;
  envVersion?: 'release' | 'trial' | 'develop' | undefined;
  width?: number | undefined;
};

export type WeChatClient = {
  /** `wx.login` code → session (`GET /sns/jscode2session`, §3). Throws WeChatError. */
  exchangeMiniProgramCode(input: CodeExchange): Promise<MiniProgramSession>;
  /** OA / website / app OAuth code → identity and user token (`GET /sns/oauth2/access_token`, §8.2). Throws WeChatError. */
  exchangeOAuthCode(input: CodeExchange): Promise<OAuthIdentity>;
  /** The user's profile (`GET /sns/userinfo`, §8.4); a snsapi_base token → `wechat.insufficient_scope`. */
  fetchUserInfo(input: { appId: string; accessToken: string; openId: string }): Promise<WeChatUserInfo>;
  /** The app's access token (`POST /cgi-bin/stable_token`, §6.2); never `cgi-bin/token`, which invalidates other holders. */
  fetchStableToken(input: { appId: string; secret: string; forceRefresh: boolean }): Promise<AppAccessToken>;
  /** A getPhoneNumber code → the user's number (`POST /wxa/business/getuserphonenumber`, §5.1). Throws WeChatError. */
  fetchPhoneNumber(input: PhoneNumberRequest): Promise<PhoneInfo>;
  /** An unlimited mini-program code image (`POST /wxa/getwxacodeunlimit`, §8.6); 41030/40169 have their own kinds. */
  createMiniProgramCode(input: MiniProgramCodeRequest): Promise<WeChatImage>;
};

// §5.1 billing, §2 45009: the paid phone-number component has a quota per app. At getuserphonenumber a
// 45009 ("daily quota") means that quota is used up, not a misconfiguration; 1400001 is the errno the front
// end gets for the same state [DOC], accepted here too should WeChat ever send it as an errcode [UNCONFIRMED].
const phoneNumberErrcodes = new Map([
  [45009, entry('quota_exhausted', 'the phone-number quota of this app is used up')],
  [1400001, entry('quota_exhausted', 'the phone-number quota of this app is used up')],
]);

// §8.4: at sns/userinfo, 48001 means the user granted only snsapi_base, not that our app lacks a permission.
const userInfoErrcodes = new Map([[48001, entry('insufficient_scope', 'the user token was granted snsapi_base only')]]);

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
        accessToken: result.access_token,
      };
    },
    async fetchUserInfo({ appId, accessToken, openId }) {
      const query = { access_token: accessToken, openid: openId, lang: 'zh_CN' };
      const result = await callWeChat(transport, { endpoint: 'userinfo', appId, query, errcodes: userInfoErrcodes }, userInfoSuccess);
      // §8.4 [OBS]: WeChat may answer for the token's user whatever openid was asked; another user's profile is no answer.
      if (result.openid !== openId) throw new WeChatError('wechat.rejected', 'WeChat answered sns/userinfo for another openid');
      return {
        openId: result.openid,
        ...(result.unionid === undefined ? {} : { unionId: result.unionid }),
        nickname: result.nickname,
        ...(result.headimgurl === undefined ? {} : { pictureUrl: result.headimgurl }),
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
      const request = { endpoint: 'getuserphonenumber', appId, query: { access_token: accessToken }, json, errcodes: phoneNumberErrcodes } as const;
      const { phone_info: info } = await callWeChat(transport, request, phoneNumberSuccess);
      return { phoneNumber: info.phoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode: info.countryCode, watermarkAppId: info.watermark.appid };
    },
    createMiniProgramCode({ appId, accessToken, ...code }) {
      return callWeChatForImage(transport, { endpoint: 'getwxacodeunlimit', appId, query: { access_token: accessToken }, json: miniProgramCodeBody(code) });
    },
  };
}

/** The §8.6 body with WeChat's field names; unset fields are left out so WeChat applies its defaults. */
function miniProgramCodeBody(code: Omit<MiniProgramCodeRequest, 'appId' | 'accessToken'>): Record<string, unknown> {
  const fields = { scene: code.scene, page: code.page, check_path: code.checkPath, env_version: code.envVersion, width: code.width };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
