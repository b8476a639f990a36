// The simulator's shared vocabulary: simulated apps (wechat-api.md §7, §9.2, §14 item 6), the endpoints
// it serves (§3, §4, §5.1, §6, §8.2) and the request-log entries tests assert on (§14 item 25).

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
}

/** What the caller saw: a success, a business errcode, or a transport-level fault. */
export type RequestOutcome =
  | 'ok'
  | number
  | 'not_found'
  | 'raw'
  | TransportFaultKind;

export interface SimulatorRequest {
  /** Simulator clock (ms) when the request arrived. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly endpoint: WeChatEndpoint | null;
  /** The query as sent, secrets included: this is a test double and tests check the right secret went out. */
  readonly query: Readonly<Record<string, string>>;
  /** The raw body of a POST (stable_token, getuserphonenumber), secrets included; absent for GET. */
  readonly body?: string;
  readonly remoteAddress: string;
  readonly outcome: RequestOutcome;
  /** The kind of the injected fault that shaped this response, if any. */
  readonly fault?: string;
}
