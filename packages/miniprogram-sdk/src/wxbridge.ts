/**
 * createWxBridge(): wxbridge for a WeChat mini-program (or uni-app / Taro). Two token sets, each
 * logged in with a silent wx.login() and renewed on its own:
 * - the API set: a JWT access token for `resource`, used by request() for your backend;
 * - the userinfo set: an opaque access token (no resource), used for wxbridge's own /me endpoints
 *   (userinfo, phone, profile), which accept no JWT (docs/decisions/0005).
 * Without `resource` there is only the userinfo set, and request() uses it.
 */
import { decodeJwtClaims } from './id-token-claims.ts';
import { createTokenSession, type TokenSession } from './token-session.ts';
import { errorFromResponse, WxBridgeError } from './wxbridge-error.ts';
import { wxRequest, type WxLike, type WxMethod, type WxRequestOptions, type WxResponse } from './wx-like.ts';

/** Optional members also accept undefined, as plain JavaScript callers pass them. */
export interface WxBridgeOptions {
  /** wxbridge's issuer URL, e.g. https://id.example.com (its domain must be a request domain of the mini-program). */
  readonly issuer: string;
  readonly clientId: string;
  /** Scopes to ask for, e.g. 'openid profile phone offline_access orders:read' (default: all the client may have). */
  readonly scope?: string | undefined;
  /** The resource server request() calls; its URI as registered in wxbridge. */
  readonly resource?: string | undefined;
  /** wx, uni or Taro (default: the global `wx`). */
  readonly wx?: WxLike | undefined;
  /** Timeout of each wxbridge call (default 10 000 ms). */
  readonly timeoutMs?: number | undefined;
  /** Prefix of the storage keys (default 'wxbridge'). */
  readonly storageKeyPrefix?: string | undefined;
  /** The clock (default Date.now). */
  readonly now?: (() => number) | undefined;
}

export interface ApiRequestOptions {
  url: string;
  method?: WxMethod | undefined;
  data?: string | Record<string, unknown> | undefined;
  header?: Record<string, string> | undefined;
  timeout?: number | undefined;
}

/** The event of `<button open-type="getPhoneNumber" bindgetphonenumber="…">`. */
export interface PhoneNumberEvent {
  readonly detail: { readonly code?: string; readonly errMsg?: string; readonly errno?: number };
}

/** A web sign-in waiting on this phone ("scan with the mini-program"): which website asks, and its state. */
export interface WebSignIn {
  readonly status: 'scanned' | 'confirmed' | 'rejected';
  /** The OIDC client of the website, and the name to show: "Sign in to ‹clientName›?". */
  readonly clientId: string;
  readonly clientName: string;
}

export interface WxBridge {
  /** Logs in now (a fresh wx.login()); returns the ID token's claims (sub, nickname, …) if any. */
  login(): Promise<Record<string, unknown> | undefined>;
  /** wx.request with `Authorization: Bearer <API access token>`; logs in or refreshes as needed. */
  request<T = unknown>(options: ApiRequestOptions): Promise<WxResponse<T>>;
  /** Sends the getPhoneNumber button's code to wxbridge (POST /me/phone); resolves with its answer. */
  bindPhone(event: PhoneNumberEvent): Promise<Record<string, unknown>>;
  /** Updates nickname / avatar from the fill-in components (POST /me/profile: wx.request has no PATCH). */
  updateProfile(profile: { nickname?: string; picture?: string }): Promise<Record<string, unknown>>;
  /** GET /me (OIDC userinfo): the claims of the granted scopes, fresh from wxbridge. */
  userInfo(): Promise<Record<string, unknown>>;
  /** The claims of the stored ID token (not verified; for display), or undefined when logged out. */
  claims(): Record<string, unknown> | undefined;
  /** Revokes the refresh tokens at wxbridge (best effort) and clears storage. */
  logout(): Promise<void>;
  /**
   * Deletes the user's account at wxbridge (DELETE /me: identities, phone, profile, grants), then clears
   * storage. A later login() creates a new account with a new `sub`.
   */
  deleteAccount(): Promise<void>;
  /**
   * The web sign-in of a scanned code (GET /me/web-sign-ins/{scene}): marks it scanned, so the browser
   * says so, and names the website. `scene` is the page's `decodeURIComponent(options.scene)`.
   */
  webSignIn(scene: string): Promise<WebSignIn>;
  /** Signs the browser that shows the code in as this user (POST /me/web-sign-ins/{scene}/confirm). */
  confirmWebSignIn(scene: string): Promise<WebSignIn>;
  /** Refuses the web sign-in; the browser shows it was cancelled (POST /me/web-sign-ins/{scene}/reject). */
  rejectWebSignIn(scene: string): Promise<WebSignIn>;
}

const OIDC_SCOPES = ['openid', 'profile', 'phone', 'wechat', 'offline_access'];

// The mini-program's global `wx`, read with typeof: older base libraries have no globalThis.
declare const wx: WxLike | undefined;
const globalWx = (): WxLike | undefined => (typeof wx === 'undefined' ? undefined : wx);

export function createWxBridge(options: WxBridgeOptions): WxBridge {
  const wx = options.wx ?? globalWx();
  if (wx === undefined) throw new TypeError('no wx object: pass options.wx (e.g. uni or Taro)');
  const issuer = options.issuer.replace(/\/+$/, '');
  const base = { wx, issuer, clientId: options.clientId, timeoutMs: options.timeoutMs ?? 10_000, now: options.now ?? Date.now };
  const key = (set: string): string => `${options.storageKeyPrefix ?? 'wxbridge'}:${options.clientId}:${set}`;
  const userinfo = createTokenSession({
    ...base, storageKey: key('userinfo'), resource: undefined,
    scope: oidcScopesOf(options.scope),
  });
  const api = options.resource === undefined ? userinfo : createTokenSession({ ...base, storageKey: key('api'), resource: options.resource, scope: options.scope });

  const callMe = async (method: WxMethod, path: string, data?: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const response = await authorizedRequest(wx, userinfo, { url: `${issuer}${path}`, method, header: { 'content-type': 'application/json' }, ...(data === undefined ? {} : { data }) });
    if (response.statusCode < 200 || response.statusCode > 299) throw errorFromResponse(response);
    return typeof response.data === 'object' && response.data !== null ? response.data as Record<string, unknown> : {};
  };

  const webSignInCall = async (method: WxMethod, scene: string, action = ''): Promise<WebSignIn> => {
    const answer = await callMe(method, `/me/web-sign-ins/${encodeURIComponent(scene)}${action}`);
    return { status: answer['status'] as WebSignIn['status'], clientId: String(answer['client_id']), clientName: String(answer['client_name']) };
  };

  return {
    webSignIn: (scene) => webSignInCall('GET', scene),
    confirmWebSignIn: (scene) => webSignInCall('POST', scene, '/confirm'),
    rejectWebSignIn: (scene) => webSignInCall('POST', scene, '/reject'),
    login: async () => decodeIdToken((await api.login()).idToken),
    request: (request) => authorizedRequest(wx, api, request),
    async bindPhone(event) {
      const code = event.detail.code;
      if (code === undefined || code === '') throw new WxBridgeError('phone_not_authorized', event.detail.errMsg);
      return callMe('POST', '/me/phone', { code });
    },
    // The partial update of PATCH /me/profile, sent as POST: wx.request offers no PATCH method.
    updateProfile: (profile) => callMe('POST', '/me/profile', profile),
    userInfo: () => callMe('GET', '/me'),
    claims: () => decodeIdToken(api.current()?.idToken),
    async logout() {
      await Promise.all(api === userinfo ? [api.logout()] : [api.logout(), userinfo.logout()]);
    },
    async deleteAccount() {
      await callMe('DELETE', '/me');
      // The grants are gone with the account: what is left in storage is dead (the revocations are a formality).
      await Promise.all(api === userinfo ? [api.logout()] : [api.logout(), userinfo.logout()]);
    },
  };
}

/** Sends with the session's access token; after a 401, once more with a renewed token. */
async function authorizedRequest<T>(wx: WxLike, session: TokenSession, request: ApiRequestOptions): Promise<WxResponse<T>> {
  // The SDK's token replaces any Authorization header of the caller, whatever its spelling.
  const header: Record<string, string> = {};
  for (const name of Object.keys(request.header ?? {})) {
    if (name.toLowerCase() !== 'authorization') header[name] = request.header?.[name] ?? '';
  }
  const send = (token: string): Promise<WxResponse<T>> => wxRequest<T>(wx, withoutUndefined(request, { ...header, Authorization: `Bearer ${token}` }));
  const token = await session.accessToken();
  const response = await send(token);
  if (response.statusCode !== 401) return response;
  return send(await session.renewAfterRejection(token));
}

/** The request with `header`, leaving out what the caller left undefined: wx.request's typings want such members absent. */
function withoutUndefined(request: ApiRequestOptions, header: Record<string, string>): Omit<WxRequestOptions, 'success' | 'fail'> {
  const options: Omit<WxRequestOptions, 'success' | 'fail'> = { url: request.url, header };
  if (request.method !== undefined) options.method = request.method;
  if (request.data !== undefined) options.data = request.data;
  if (request.timeout !== undefined) options.timeout = request.timeout;
  return options;
}

/** The OIDC part of `scope`: API scopes are refused without a resource. */
function oidcScopesOf(scope: string | undefined): string | undefined {
  const oidc = scope?.split(' ').filter((name) => OIDC_SCOPES.includes(name)).join(' ');
  return oidc === '' ? undefined : oidc;
}

function decodeIdToken(idToken: string | undefined): Record<string, unknown> | undefined {
  return idToken === undefined ? undefined : decodeJwtClaims(idToken);
}
