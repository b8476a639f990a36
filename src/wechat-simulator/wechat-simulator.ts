// A faithful fake of api.weixin.qq.com on a real `node:http` socket (wechat-api.md §14 items 1–15, 20, 24, 25):
// used by integration tests, by the sandbox mode (mount `handle` in-process) and as its own process (main.ts).
//
// API:
//   createWeChatSimulator(options?: SimulatorOptions): WeChatSimulator
//     options: { now?: () => number, sessionKeyRotationMs? = 300_000, codeTtlMs? = 300_000,
//                openPlatformCodeTtlMs? = 600_000, perUserMinuteQuota? = 100, requestLogLimit? = 10_000,
//                accessTokenTtlMs? = 7_200_000, accessTokenOverlapMs? = 300_000, cgiTokenDailyQuota? = 2000,
//                cgiTokenWrongSecretErrcode? = 40125, unknownTokenErrcode? = 40001, phoneCodeTtlMs? = 300_000,
//                sessionKeyResetCooldownMs? = 60_000 }
//   registerApp(app: SimulatedApp): void                  replaces an app with the same appId
//   issueCode({ appId, user, scope? }): string             32-char one-time code; mini-program codes work only on
//                                                          /sns/jscode2session, other kinds' only on /sns/oauth2/access_token
//   issuePhoneCode({ appId, user, phoneNumber?, countryCode? = '86' }): { code, phoneNumber, purePhoneNumber,
//                                                          countryCode }  64-hex getPhoneNumber code, 300 s, single use
//   openIdOf(appId, user): string / unionIdOf(openPlatformId, user): string      stable, 28 chars
//   findSessionKey(appId, user): string | null             the current session_key, if a login happened
//   setSessionKey({ appId, user, sessionKey }): void       pins the current session_key (official vectors, §5.2)
//   encryptUserData({ appId, user, data?, watermarkAppId? }): { encryptedData, iv, plaintext }   §5.2, current key
//   signUserData({ appId, user, rawData? }): { rawData, signature }                              §5.3, current key
//   invalidateAccessTokens({ appId, token?, as? = 'revoked' | 'expired' }): number
//                                                          live cgi-bin/stable tokens answer 40001 / 42001 from now on
//   setUserFlags(user, { blocked? }): void                 blocked → 40226 `code blocked`
//   injectFault(fault: Fault): void / clearFaults(): void  queued; each applies to the next matching request(s)
//   setContentType(endpoint, contentType) / setLatency(ms) / setErrmsgStyle(style): void
//   requests: readonly SimulatorRequest[] (a snapshot) / clearRequests(): void
//   requestCounts(): Record<WeChatEndpoint, number>       logged calls per endpoint
//   handle(req, res): void                                 the request listener (WeChat paths + /__simulator/ control API)
//   listen(port = 0, host = '127.0.0.1'): Promise<{ url }>
//   close(): Promise<void>                                 clears pending delays and destroys open sockets; final
// Endpoints: jscode2session, oauth2_access_token, cgi_token (GET /cgi-bin/token), stable_token (POST JSON),
//   checksession, resetusersessionkey, getuserphonenumber (POST JSON); official vectors in official-vectors.ts,
//   the client-side crypto in legacy-crypto.ts.
// Fault = errcode {errcode, errmsg?} | empty_body | non_json_body | html_body | truncated_json | connection_reset
//   | http_status {status? = 502} | delay {ms} | burn_code_then {then: errcode|delay|connection_reset, errcode?, ms?}
//   | raw {body, status? = 200, contentType?, ms? = latency} (exactly these bytes, the code untouched),
//   each with optional {endpoint?: WeChatEndpoint, times? = 1} (faults.ts).
// Control API (control-api.ts, JSON; 400 {error, message} on bad input): POST /__simulator/apps, POST /__simulator/codes
//   → {code, openid, unionid?}, POST /__simulator/codes/batch {appId, users[≤2000], scope?} → {codes} (same order),
//   POST /__simulator/phone-codes, POST /__simulator/access-tokens/invalidate,
//   PUT /__simulator/session-keys, POST /__simulator/legacy-data/encrypted|signed, POST|DELETE /__simulator/faults,
//   POST /__simulator/users/:user/flags, PUT /__simulator/settings {contentTypes?, latencyMs?, errmsgStyle?},
//   GET|DELETE /__simulator/requests, GET /__simulator/requests/counts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL_PREFIX, serveControlRequest } from './control-api.ts';
import { faultSchema } from './control-schemas.ts';
import type { Fault } from './faults.ts';
import { createSimulatorServer } from './simulator-server.ts';
import * as sim from './simulator-state.ts';
import type { SimulatedApp, SimulatorRequest, WeChatEndpoint } from './simulator-types.ts';
import * as controls from './test-controls.ts';
import { invalidateAppTokens, type TokenInvalidation } from './token-guard.ts';
import { createWaiter, WaitCancelledError, type Waiter } from './waiter.ts';
import { serveWeChatRequest } from './wechat-handler.ts';
import type { ErrmsgStyle } from './wire.ts';

export type { Fault, FaultKind } from './faults.ts';
export type { IssueCodeInput, SimulatorOptions, UserFlags } from './simulator-state.ts';
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
  findSessionKey(appId: string, user: string): string | null;
  setSessionKey(input: { appId: string; user: string; sessionKey: string }): void;
  encryptUserData(input: controls.LegacyDataInput): { encryptedData: string; iv: string; plaintext: string };
  signUserData(input: { appId: string; user: string; rawData?: string }): { rawData: string; signature: string };
  invalidateAccessTokens(input: { appId: string; token?: string; as?: TokenInvalidation }): number;
  setUserFlags(user: string, flags: sim.UserFlags): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  setContentType(endpoint: WeChatEndpoint, contentType: string): void;
  setLatency(ms: number): void;
  setErrmsgStyle(style: ErrmsgStyle): void;
  readonly requests: readonly SimulatorRequest[];
  clearRequests(): void;
  requestCounts(): Record<WeChatEndpoint, number>;
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
    const served = isControl ? serveControlRequest(state, req, res, url) : serveWeChatRequest({ state, waiter }, req, res, url);
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
    findSessionKey: (appId, user) => state.identities.findSessionKey(appId, state.identities.openIdOf(appId, user)),
    setSessionKey: (input) => controls.setSessionKey(state, input),
    encryptUserData: (input) => controls.encryptForUser(state, input),
    signUserData: (input) => controls.signForUser(state, input),
    invalidateAccessTokens: (input) => invalidateAppTokens(state, input),
    setUserFlags: (user, flags) => sim.setUserFlags(state, user, flags),
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
    get requests() {
      return [...state.log];
    },
    clearRequests: () => sim.clearRequests(state),
    requestCounts: () => controls.requestCounts(state),
    handle,
    listen: (port, host) => server.listen(port, host),
    close: () => server.close(),
  };
}
