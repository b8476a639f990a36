// The simulator's shared vocabulary: simulated apps (wechat-api.md §7, §8.1, §8.6, §9.2, §14 item 6), the
// endpoints it serves (§3, §4, §5.1, §6, §8.2, §8.4–§8.6) and the request-log entries tests assert on (§14 item 25).

import type { TransportFaultKind } from './faults.ts';

export type AppKind = 'miniprogram' | 'app' | 'web' | 'official_account';

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo' | 'snsapi_login';

export const WECHAT_ENDPOINTS = [
  'jscode2session',
  'oauth2_access_token',
  'cgi_token',
  'stable_token',
  'checksession',
  'resetusersessionkey',
  'getuserphonenumber',
  'userinfo',
  'sns_auth',
  'getwxacodeunlimit',
] as const;

/** The WeChat endpoints the simulator implements, named as in the fault and content-type knobs. */
export type WeChatEndpoint = (typeof WECHAT_ENDPOINTS)[number];

export const ENDPOINT_PATHS: Readonly<Record<WeChatEndpoint, string>> = {
  jscode2session: '/sns/jscode2session',
  oauth2_access_token: '/sns/oauth2/access_token',
  cgi_token: '/cgi-bin/token',
  stable_token: '/cgi-bin/stable_token',
  checksession: '/wxa/checksession',
  resetusersessionkey: '/wxa/resetusersessionkey',
  getuserphonenumber: '/wxa/business/getuserphonenumber',
  userinfo: '/sns/userinfo',
  sns_auth: '/sns/auth',
  getwxacodeunlimit: '/wxa/getwxacodeunlimit',
};

/** §1.1: the documented method of each endpoint; the other one answers 43001 / 43002. */
export const ENDPOINT_METHODS: Readonly<Record<WeChatEndpoint, 'GET' | 'POST'>> = {
  jscode2session: 'GET',
  oauth2_access_token: 'GET',
  cgi_token: 'GET',
  stable_token: 'POST',
  checksession: 'GET',
  resetusersessionkey: 'GET',
  getuserphonenumber: 'POST',
  userinfo: 'GET',
  sns_auth: 'GET',
  getwxacodeunlimit: 'POST',
};

export interface SimulatedApp {
  readonly appId: string;
  readonly secret: string;
  readonly kind: AppKind;
  /** Bound to this Open Platform account: `unionid` is returned (§7). */
  readonly openPlatformId?: string;
  /** API IP whitelist switched on: callers not in `ipWhitelist` get 40164 (§9.2). */
  readonly ipWhitelistEnabled?: boolean;
  /** Caller IPv4 addresses allowed while the whitelist is on (default: none). */
  readonly ipWhitelist?: readonly string[];
  /** AppSecret frozen in the console: 40243. */
  readonly secretFrozen?: boolean;
  /** Shown on the simulated authorize pages (default: the appId). */
  readonly name?: string;
  /**
   * §8.1 "网页授权域名" / website "授权回调域": hosts a redirect_uri may use (else 10003 on the page).
   * `host` matches that host on any port, `host:port` only that port. Unset: any host.
   */
  readonly redirectDomains?: readonly string[];
  /** §8.6: pages of the published mini-program version (default ['pages/index/index']); others → 41030. */
  readonly pages?: readonly string[];
}

/**
 * What the caller saw: a success, a business errcode (on the authorize pages: the on-page errcode), a
 * transport-level fault, or what an authorize page's form did (`approved`, `denied`, `refused`).
 */
export type RequestOutcome =
  | 'ok'
  | number
  | 'not_found'
  | 'raw'
  | 'approved'
  | 'denied'
  | 'refused'
  | TransportFaultKind;

export interface SimulatorRequest {
  /** Simulator clock (ms) when the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly endpoint: WeChatEndpoint | null;
  /** The query as sent, secrets included: this is a test double and tests check the right secret went out. */
  readonly query: Readonly<Record<string, string>>;
  /** The raw body of a POST (stable_token, getuserphonenumber, getwxacodeunlimit, page forms), secrets included; absent for GET. */
  readonly body?: string;
  /** getwxacodeunlimit: the `scene` asked for, so a test can play the phone that scans the code (§14 item 26). */
  readonly scene?: string;
  readonly remoteAddress: string;
  readonly outcome: RequestOutcome;
  /** The kind of the injected fault that shaped this response, if any. */
  readonly fault?: string;
}
