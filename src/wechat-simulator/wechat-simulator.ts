// A faithful fake of api.weixin.qq.com and of open.weixin.qq.com's authorize pages on a real `node:http`
// socket (wechat-api.md §14 items 1–26): used by integration tests, by the sandbox mode and as its own process (main.ts).
//
// API:
//   createWeChatSimulator(options?: SimulatorOptions): WeChatSimulator
//     options: { now?: () => number, sessionKeyRotationMs? = 300_000, codeTtlMs? = 300_000,
//                openPlatformCodeTtlMs? = 600_000, perUserMinuteQuota? = 100, requestLogLimit? = 10_000,
//                accessTokenTtlMs? = 7_200_000, accessTokenOverlapMs? = 300_000, cgiTokenDailyQuota? = 2000,
//                cgiTokenWrongSecretErrcode? = 40125, unknownTokenErrcode? = 40001, phoneCodeTtlMs? = 300_000,
//                sessionKeyResetCooldownMs? = 60_000, expiredRetentionMs? = 600_000, userinfoChecksOpenId? = true }
//   registerApp(app: SimulatedApp): void                  replaces an app with the same appId; SimulatedApp =
//                                                          { appId, secret, kind, openPlatformId?, ipWhitelistEnabled?,
//                                                            ipWhitelist?, secretFrozen?, name?, redirectDomains?, pages? }
//   issueCode({ appId, user, scope? }): string             32-char one-time code; mini-program codes work only on
//                                                          /sns/jscode2session, other kinds' only on /sns/oauth2/access_token;
//                                                          scope must suit the kind (OA: base|userinfo, web: login, app: userinfo)
//   issuePhoneCode({ appId, user, phoneNumber?, countryCode? = '86' }): { code, phoneNumber, purePhoneNumber,
//                                                          countryCode }  64-hex getPhoneNumber code, 300 s, single use
//   openIdOf(appId, user): string / unionIdOf(openPlatformId, user): string      stable, 28 chars
//   snapshotOpenIdOf(appId, user): string                  the virtual openid of a snapshot-mode login (§8.1)
//   findSessionKey(appId, user): string | null             the current session_key, if a login happened
//   setSessionKey({ appId, user, sessionKey }): void       pins the current session_key (official vectors, §5.2)
//   encryptUserData({ appId, user, data?, watermarkAppId? }): { encryptedData, iv, plaintext }   §5.2, current key
//   signUserData({ appId, user, rawData? }): { rawData, signature }                              §5.3, current key
//   invalidateAccessTokens({ appId, token?, as? = 'revoked' | 'expired' }): number
//                                                          live cgi-bin/stable tokens answer 40001 / 42001 from now on
//   setUserFlags(user, { blocked?, snapshot? }): void     blocked → 40226 `code blocked`; snapshot → official-account
//                                                          codes exchange to `is_snapshotuser:1`, a virtual openid, no unionid
//   setUserProfile(user, { nickname?, headimgurl? }): void what sns/userinfo shows (default `<user> 🐼`, a thirdwx URL)
//   injectFault(fault: Fault): void / clearFaults(): void  queued; each applies to the next matching request(s)
//   setContentType(endpoint, contentType) / setLatency(ms) / setErrmsgStyle(style) / setUserinfoChecksOpenId(on): void
//   requests: readonly SimulatorRequest[] (a snapshot) / clearRequests(): void     getwxacodeunlimit entries carry `scene`
//   requestCounts(): Record<WeChatEndpoint, number>       logged calls per endpoint
//   storeSizes(): StoreSizes                               entries held per store (codes, tokens, quotas, log, users);
//                                                          used/expired entries are swept on the next mint or request
//   handle(req, res): void                                 the request listener (WeChat paths, pages + /__simulator/ control API)
//   listen(port = 0, host = '127.0.0.1'): Promise<{ url }>
//   close(): Promise<void>                                 clears pending delays and destroys open sockets; final
// Endpoints: jscode2session, oauth2_access_token, cgi_token (GET /cgi-bin/token), stable_token (POST JSON),
//   checksession, resetusersessionkey, getuserphonenumber (POST JSON), userinfo (GET /sns/userinfo), sns_auth
//   (GET /sns/auth), getwxacodeunlimit (POST JSON → image/png with a `scene` tEXt chunk); official vectors in
//   official-vectors.ts, the client-side crypto in legacy-crypto.ts.
// Pages (authorize-pages.ts): GET|POST /connect/oauth2/authorize (official accounts) and /connect/qrconnect (websites):
//   a consent page with <form id="wechat-approve"> + <input name="user"> (approve → 302 redirect_uri?code&state) and
//   <form id="wechat-deny"> (→ 302 redirect_uri?state); bad parameters show WeChat's errcode on the page
//   (`data-errcode`: 10003 domain, 10005 scope, 10008 response_type, 10010–10013 empty, 10016 kind, 40013 appid).
// Fault = errcode {errcode, errmsg?} | empty_body | non_json_body | html_body | truncated_json | connection_reset
//   | http_status {status? = 502} | delay {ms} | burn_code_then {then: errcode|delay|connection_reset, errcode?, ms?}
//   | raw {body, status? = 200, contentType?, ms? = latency} (exactly these bytes, the code untouched),
//   each with optional {endpoint?: WeChatEndpoint, times? = 1} (faults.ts).
// Control API (control-api.ts, JSON; 400 {error, message} on bad input): POST /__simulator/apps, POST /__simulator/codes
//   → {code, openid, unionid?}, POST /__simulator/codes/batch {appId, users[≤2000], scope?} → {codes} (same order),
//   POST /__simulator/phone-codes, POST /__simulator/access-tokens/invalidate,
//   PUT /__simulator/session-keys, POST /__simulator/legacy-data/encrypted|signed, POST|DELETE /__simulator/faults,
//   POST /__simulator/users/:user/flags {blocked?, snapshot?}, PUT /__simulator/users/:user/profile {nickname?, headimgurl?},
//   PUT /__simulator/settings {contentTypes?, latencyMs?, errmsgStyle?, userinfoChecksOpenId?},
//   GET|DELETE /__simulator/requests, GET /__simulator/requests/counts, GET /__simulator/store-sizes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAuthorizePath, serveAuthorizePage } from './authorize-pages.ts';
import { CONTROL_PREFIX, serveControlRequest } from './control-api.ts';
import { faultSchema } from './control-schemas.ts';
import type { Fault } from './faults.ts';
import { storeSizes, type StoreSizes } from './memory-sweep.ts';
import { createSimulatorServer } from './simulator-server.ts';
import * as sim from './simulator-state.ts';
import type { SimulatedApp, SimulatorRequest, WeChatEndpoint } from './simulator-types.ts';
import * as controls from './test-controls.ts';
import { invalidateAppTokens, type TokenInvalidation } from './token-guard.ts';
import type { UserFlags, UserProfile } from './user-directory.ts';
import { createWaiter, WaitCancelledError, type Waiter } from './waiter.ts';
import { serveWeChatRequest } from './wechat-handler.ts';
import type { ErrmsgStyle } from './wire.ts';

export type { Fault, FaultKind } from './faults.ts';
export type { StoreSizes } from './memory-sweep.ts';
export type { IssueCodeInput, SimulatorOptions } from './simulator-state.ts';
export type { UserFlags, UserProfile } from './user-directory.ts';
export { SimulatorUsageError } from './simulator-state.ts';
export type { AppKind, OAuthScope, RequestOutcome, SimulatedApp, SimulatorRequest, WeChatEndpoint } from './simulator-types.ts';
export type { ErrmsgStyle } from './wire.ts';
export type { IssuedPhone, IssuePhoneCodeInput, LegacyDataInput } from './test-controls.ts';
export type { TokenInvalidation } from './token-guard.ts';

export interface WeChatSimulator {
  registerApp(app: SimulatedApp): void;
  issueCode(input: sim.IssueCodeInput): string;
  issuePhoneCode(input: controls.IssuePhoneCodeInput): controls.IssuedPhone;
  openIdOf(appId: string, user: string): string;
  unionIdOf(openPlatformId: string, user: string): string;
  snapshotOpenIdOf(appId: string, user: string): string;
  findSessionKey(appId: string, user: string): string | null;
  setSessionKey(input: { appId: string; user: string; sessionKey: string }): void;
  encryptUserData(input: controls.LegacyDataInput): { encryptedData: string; iv: string; plaintext: string };
  signUserData(input: { appId: string; user: string; rawData?: string }): { rawData: string; signature: string };
  invalidateAccessTokens(input: { appId: string; token?: string; as?: TokenInvalidation }): number;
  setUserFlags(user: string, flags: UserFlags): void;
  setUserProfile(user: string, profile: Partial<UserProfile>): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  setContentType(endpoint: WeChatEndpoint, contentType: string): void;
  setLatency(ms: number): void;
  setErrmsgStyle(style: ErrmsgStyle): void;
  setUserinfoChecksOpenId(on: boolean): void;
  readonly requests: readonly SimulatorRequest[];
  clearRequests(): void;
  requestCounts(): Record<WeChatEndpoint, number>;
  storeSizes(): StoreSizes;
  handle(req: IncomingMessage, res: ServerResponse): void;
  listen(port?: number, host?: string): Promise<{ url: string }>;
  close(): Promise<void>;
}

function validFault(fault: Fault): Fault {
  const result = faultSchema.safeParse(fault);
  if (!result.success) throw new sim.SimulatorUsageError(`invalid fault: ${result.error.message}`);
  return result.data;
}

function failRequest(res: ServerResponse, error: unknown): void {
  if (error instanceof WaitCancelledError || res.headersSent) {
    res.destroy();
    return;
  }
  const body = `simulator error: ${error instanceof Error ? error.message : String(error)}`;
  res.writeHead(500, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function createHandler(state: sim.SimulatorState, waiter: Waiter): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://api.weixin.qq.com');
    const isControl = url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`);
    const served = isControl
      ? serveControlRequest(state, req, res, url)
      : isAuthorizePath(url.pathname)
        ? serveAuthorizePage(state, req, res, url)
        : serveWeChatRequest({ state, waiter }, req, res, url);
    served.catch((error: unknown) => failRequest(res, error));
  };
}

export function createWeChatSimulator(options: sim.SimulatorOptions = {}): WeChatSimulator {
  const state = sim.createSimulatorState(options);
  const waiter = createWaiter();
  const handle = createHandler(state, waiter);
  const server = createSimulatorServer({ handle, waiter });

  return {
    registerApp: (app) => sim.registerApp(state, app),
    issueCode: (input) => sim.issueCode(state, input),
    issuePhoneCode: (input) => controls.issuePhoneCode(state, input),
    openIdOf: (appId, user) => state.identities.openIdOf(appId, user),
    unionIdOf: (openPlatformId, user) => state.identities.unionIdOf(openPlatformId, user),
    snapshotOpenIdOf: (appId, user) => state.identities.snapshotOpenIdOf(appId, user),
    findSessionKey: (appId, user) => state.identities.findSessionKey(appId, state.identities.openIdOf(appId, user)),
    setSessionKey: (input) => controls.setSessionKey(state, input),
    encryptUserData: (input) => controls.encryptForUser(state, input),
    signUserData: (input) => controls.signForUser(state, input),
    invalidateAccessTokens: (input) => invalidateAppTokens(state, input),
    setUserFlags: (user, flags) => sim.setUserFlags(state, user, flags),
    setUserProfile: (user, profile) => state.users.setProfile(user, profile),
    injectFault: (fault) => state.faults.push(validFault(fault)),
    clearFaults: () => state.faults.clear(),
    setContentType: (endpoint, contentType) => {
      state.contentTypes[endpoint] = contentType;
    },
    setLatency: (ms) => {
      state.latencyMs = ms;
    },
    setErrmsgStyle: (style) => {
      state.errmsgStyle = style;
    },
    setUserinfoChecksOpenId: (on) => {
      state.userinfoChecksOpenId = on;
    },
    get requests() {
      return [...state.log];
    },
    clearRequests: () => sim.clearRequests(state),
    requestCounts: () => controls.requestCounts(state),
    storeSizes: () => storeSizes(state),
    handle,
    listen: (port, host) => server.listen(port, host),
    close: () => server.close(),
  };
}
