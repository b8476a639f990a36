// The simulator's in-memory world (wechat-api.md §14): apps, users, codes, identities, quotas, tokens,
// faults, knobs and the request log. No I/O; the clock is injected so tests can move time.
import { createCodeStore, type CodeStore } from './code-store.ts';
import { createDailyQuota, type DailyQuota } from './daily-quota.ts';
import { createFaultQueue, type FaultQueue } from './faults.ts';
import { createIdentityStore, type IdentityStore } from './identity-store.ts';
import { createMinuteQuota, type MinuteQuota } from './minute-quota.ts';
import { createPhoneCodeStore, type PhoneCodeStore } from './phone-code-store.ts';
import type { AppKind, OAuthScope, SimulatedApp, SimulatorRequest, WeChatEndpoint } from './simulator-types.ts';
import { createTokenTable, type TokenRecord, type TokenTable } from './token-table.ts';
import { defaultContentTypes, type ErrmsgStyle } from './wire.ts';

export interface SimulatorOptions {
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
  /** Minimum session_key age before a new code exchange rotates it (default 300 000, §3.3). */
  readonly sessionKeyRotationMs?: number;
  /** Lifetime of mini-program and official-account codes (default 300 000, §3.3, §8.1). */
  readonly codeTtlMs?: number;
  /** Lifetime of Open Platform (web/app) codes (default 600 000, §8.1). */
  readonly openPlatformCodeTtlMs?: number;
  /** jscode2session calls per (appid, user) per minute before 45011 (default 100, §11). */
  readonly perUserMinuteQuota?: number;
  /** Request-log entries kept, oldest dropped first (default 10 000). */
  readonly requestLogLimit?: number;
  /** Lifetime of cgi-bin and stable access tokens (default 7 200 000, §6.1 `expires_in` 7200). */
  readonly accessTokenTtlMs?: number;
  /** Old/new token overlap: cgi-bin/token's 5-minute grace, stable_token's pre-rotation window (default 300 000, §6). */
  readonly accessTokenOverlapMs?: number;
  /** cgi-bin/token calls per app per day before 45009 (default 2000, §6.1). */
  readonly cgiTokenDailyQuota?: number;
  /** §6.1 [CONFLICT]: what cgi-bin/token says to a wrong secret (default 40125; older docs: 40001). */
  readonly cgiTokenWrongSecretErrcode?: 40125 | 40001;
  /** What a token-protected API says to an unknown token (default 40001; option 40014, §14 item 13). */
  readonly unknownTokenErrcode?: 40001 | 40014;
  /** Lifetime of getPhoneNumber codes (default 300 000, §5.1). */
  readonly phoneCodeTtlMs?: number;
  /** Minimum time between two resetusersessionkey calls for one user (default 60 000, §4.3 [UNCONFIRMED]). */
  readonly sessionKeyResetCooldownMs?: number;
}

/** stable_token's per-app state (§6.2): the current token and the last force refresh. */
export interface StableTokenSlot {
  current: TokenRecord;
  lastForceAt: number | null;
}

/** Thrown when the simulator is driven wrongly (unknown app, bad fault); the control API answers 400. */
export class SimulatorUsageError extends Error {
  override readonly name = 'SimulatorUsageError';
}

export interface UserFlags {
  readonly blocked?: boolean;
}

export interface SimulatorState {
  readonly now: () => number;
  readonly codeTtlMs: number;
  readonly openPlatformCodeTtlMs: number;
  readonly requestLogLimit: number;
  readonly apps: Map<string, SimulatedApp>;
  readonly blockedUsers: Set<string>;
  readonly codes: CodeStore;
  readonly identities: IdentityStore;
  readonly loginQuota: MinuteQuota;
  readonly tokens: TokenTable;
  readonly accessTokenTtlMs: number;
  readonly accessTokenOverlapMs: number;
  readonly cgiTokenQuota: DailyQuota;
  readonly cgiTokenWrongSecretErrcode: number;
  /** §6.2: force_refresh at most 20 times a day per app. */
  readonly forceRefreshQuota: DailyQuota;
  readonly stableTokens: Map<string, StableTokenSlot>;
  readonly unknownTokenErrcode: number;
  readonly phoneCodes: PhoneCodeStore;
  readonly phoneCodeTtlMs: number;
  /** §4.3: 60 000 resetusersessionkey calls per minute per app, and a per-user cooldown. */
  readonly sessionKeyResetQuota: MinuteQuota;
  readonly sessionKeyResetCooldownMs: number;
  readonly lastSessionKeyReset: Map<string, number>;
  readonly faults: FaultQueue;
  readonly contentTypes: Record<WeChatEndpoint, string>;
  readonly log: SimulatorRequest[];
  latencyMs: number;
  errmsgStyle: ErrmsgStyle;
}

export function createSimulatorState(options: SimulatorOptions = {}): SimulatorState {
  return {
    now: options.now ?? Date.now,
    codeTtlMs: options.codeTtlMs ?? 300_000,
    openPlatformCodeTtlMs: options.openPlatformCodeTtlMs ?? 600_000,
    requestLogLimit: options.requestLogLimit ?? 10_000,
    apps: new Map(),
    blockedUsers: new Set(),
    codes: createCodeStore(),
    identities: createIdentityStore(options.sessionKeyRotationMs ?? 300_000),
    loginQuota: createMinuteQuota(options.perUserMinuteQuota ?? 100),
    tokens: createTokenTable(),
    accessTokenTtlMs: options.accessTokenTtlMs ?? 7_200_000,
    accessTokenOverlapMs: options.accessTokenOverlapMs ?? 300_000,
    cgiTokenQuota: createDailyQuota(options.cgiTokenDailyQuota ?? 2000),
    cgiTokenWrongSecretErrcode: options.cgiTokenWrongSecretErrcode ?? 40125,
    forceRefreshQuota: createDailyQuota(20),
    stableTokens: new Map(),
    unknownTokenErrcode: options.unknownTokenErrcode ?? 40001,
    phoneCodes: createPhoneCodeStore(),
    phoneCodeTtlMs: options.phoneCodeTtlMs ?? 300_000,
    sessionKeyResetQuota: createMinuteQuota(60_000),
    sessionKeyResetCooldownMs: options.sessionKeyResetCooldownMs ?? 60_000,
    lastSessionKeyReset: new Map(),
    faults: createFaultQueue(),
    contentTypes: defaultContentTypes(),
    log: [],
    latencyMs: 0,
    errmsgStyle: 'rid',
  };
}

/** The endpoint that accepts codes of an app of this kind. */
export function codeEndpointFor(kind: AppKind): WeChatEndpoint {
  return kind === 'miniprogram' ? 'jscode2session' : 'oauth2_access_token';
}

const DEFAULT_SCOPE: Readonly<Record<Exclude<AppKind, 'miniprogram'>, OAuthScope>> = {
  official_account: 'snsapi_base',
  web: 'snsapi_login',
  app: 'snsapi_userinfo',
};

export function getApp(state: SimulatorState, appId: string): SimulatedApp {
  const app = state.apps.get(appId);
  if (!app) throw new SimulatorUsageError(`no simulated app with appId ${appId}; register it first`);
  return app;
}

export interface IssueCodeInput {
  readonly appId: string;
  readonly user: string;
  /** OAuth scope for non-mini-program apps (default by kind); ignored for mini-programs. */
  readonly scope?: OAuthScope;
}

/** Mints a one-time code as `wx.login` or the OAuth redirect would (§3.3, §8.1). */
export function issueCode(state: SimulatorState, input: IssueCodeInput): string {
  const app = getApp(state, input.appId);
  const now = state.now();
  const openPlatform = app.kind === 'web' || app.kind === 'app';
  return state.codes.issue(
    {
      appId: app.appId,
      user: input.user,
      endpoint: codeEndpointFor(app.kind),
      scope: app.kind === 'miniprogram' ? null : (input.scope ?? DEFAULT_SCOPE[app.kind]),
      expiresAt: now + (openPlatform ? state.openPlatformCodeTtlMs : state.codeTtlMs),
    },
    now,
  );
}

export function setUserFlags(state: SimulatorState, user: string, flags: UserFlags): void {
  if (flags.blocked === true) state.blockedUsers.add(user);
  if (flags.blocked === false) state.blockedUsers.delete(user);
}

export function recordRequest(state: SimulatorState, entry: SimulatorRequest): void {
  state.log.push(entry);
  if (state.log.length > state.requestLogLimit) state.log.splice(0, state.log.length - state.requestLogLimit);
}

/** The unionid a response carries for `user` of `app`, or null when the app is not bound (§7). */
export function unionIdFor(state: SimulatorState, app: SimulatedApp, user: string): string | null {
  return app.openPlatformId === undefined ? null : state.identities.unionIdOf(app.openPlatformId, user);
}

/** Adds an app, or replaces the one with the same appId (e.g. binding it to an Open Platform later, §7). */
export function registerApp(state: SimulatorState, app: SimulatedApp): void {
  state.apps.set(app.appId, app);
}

export function clearRequests(state: SimulatorState): void {
  state.log.length = 0;
}
