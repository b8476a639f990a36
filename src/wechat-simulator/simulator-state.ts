// The simulator's in-memory world (wechat-api.md §14): apps, users, codes, identities, quotas, tokens,
// faults, knobs and the request log. No I/O; the clock is injected so tests can move time.
import { randomBytes } from 'node:crypto';
import { createCodeStore, type CodeStore } from './code-store.ts';
import { createDailyQuota, type DailyQuota } from './daily-quota.ts';
import { createFaultQueue, type FaultQueue } from './faults.ts';
import { createIdentityStore, type IdentityStore } from './identity-store.ts';
import { sweepIfDue } from './memory-sweep.ts';
import { createMinuteQuota, type MinuteQuota } from './minute-quota.ts';
import { createPhoneCodeStore, type PhoneCodeStore } from './phone-code-store.ts';
import type { AppKind, OAuthScope, SimulatedApp, SimulatorRequest, WeChatEndpoint } from './simulator-types.ts';
import { createTokenTable, type TokenRecord, type TokenTable } from './token-table.ts';
import { createUserDirectory, type UserDirectory, type UserFlags } from './user-directory.ts';
import type { SimulatorOptions } from './simulator-options.ts';

export type { SimulatorOptions } from './simulator-options.ts';
import { defaultContentTypes, type ErrmsgStyle } from './wire.ts';

/** stable_token's per-app state (§6.2): the current token and the last force refresh. */
export interface StableTokenSlot {
  current: TokenRecord;
  lastForceAt: number | null;
}

/** Thrown when the simulator is driven wrongly (unknown app, bad fault); the control API answers 400. */
export class SimulatorUsageError extends Error {
  override readonly name = 'SimulatorUsageError';
}


export interface SimulatorState {
  readonly now: () => number;
  readonly codeTtlMs: number;
  readonly openPlatformCodeTtlMs: number;
  readonly requestLogLimit: number;
  readonly apps: Map<string, SimulatedApp>;
  readonly users: UserDirectory;
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
  userinfoChecksOpenId: boolean;
  readonly expiredRetentionMs: number;
  /** Simulator clock of the last memory sweep (memory-sweep.ts). */
  lastSweepAt: number;
  /** Signs the authorize pages' form tickets (authorize-ticket.ts); new per simulator. */
  readonly pageKey: Buffer;
}

export function createSimulatorState(options: SimulatorOptions = {}): SimulatorState {
  const now = options.now ?? Date.now;
  const expiredRetentionMs = options.expiredRetentionMs ?? 600_000;
  return {
    now,
    codeTtlMs: options.codeTtlMs ?? 300_000,
    openPlatformCodeTtlMs: options.openPlatformCodeTtlMs ?? 600_000,
    requestLogLimit: options.requestLogLimit ?? 10_000,
    apps: new Map(),
    users: createUserDirectory(),
    codes: createCodeStore(expiredRetentionMs),
    identities: createIdentityStore(options.sessionKeyRotationMs ?? 300_000),
    loginQuota: createMinuteQuota(options.perUserMinuteQuota ?? 100),
    tokens: createTokenTable(expiredRetentionMs),
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
    userinfoChecksOpenId: options.userinfoChecksOpenId ?? true,
    expiredRetentionMs,
    lastSweepAt: now(),
    pageKey: randomBytes(32),
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

/** §8.1: the scopes each kind of app may ask for (mobile apps: snsapi_userinfo only, §8.1 last paragraph). */
export const SCOPES_BY_KIND: Readonly<Record<Exclude<AppKind, 'miniprogram'>, readonly OAuthScope[]>> = {
  official_account: ['snsapi_base', 'snsapi_userinfo'],
  web: ['snsapi_login'],
  app: ['snsapi_userinfo'],
};

export function getApp(state: SimulatorState, appId: string): SimulatedApp {
  const app = state.apps.get(appId);
  if (!app) throw new SimulatorUsageError(`no simulated app with appId ${appId}; register it first`);
  return app;
}

export interface IssueCodeInput {
  readonly appId: string;
  readonly user: string;
  /** OAuth scope for non-mini-program apps (default by kind, must suit the kind); ignored for mini-programs. */
  readonly scope?: OAuthScope;
}

function scopeFor(app: SimulatedApp, requested: OAuthScope | undefined): OAuthScope | null {
  if (app.kind === 'miniprogram') return null;
  const scope = requested ?? DEFAULT_SCOPE[app.kind];
  if (!SCOPES_BY_KIND[app.kind].includes(scope)) throw new SimulatorUsageError(`a ${app.kind} app cannot be granted ${scope}`);
  return scope;
}

/** Mints a one-time code as `wx.login` or the OAuth redirect would (§3.3, §8.1). */
export function issueCode(state: SimulatorState, input: IssueCodeInput): string {
  const app = getApp(state, input.appId);
  const scope = scopeFor(app, input.scope);
  const now = state.now();
  sweepIfDue(state, now);
  const openPlatform = app.kind === 'web' || app.kind === 'app';
  return state.codes.issue({
    appId: app.appId,
    user: input.user,
    endpoint: codeEndpointFor(app.kind),
    scope,
    // §8.1: snapshot pages exist only inside WeChat, i.e. for official-account OAuth.
    snapshot: app.kind === 'official_account' && state.users.isSnapshot(input.user),
    expiresAt: now + (openPlatform ? state.openPlatformCodeTtlMs : state.codeTtlMs),
  });
}

/** The openid a code's exchange reveals: the user's own, or a virtual one for a snapshot-mode code (§8.1). */
export function openIdForCode(state: SimulatorState, issued: { appId: string; user: string; snapshot: boolean }): string {
  return issued.snapshot
    ? state.identities.snapshotOpenIdOf(issued.appId, issued.user)
    : state.identities.openIdOf(issued.appId, issued.user);
}

export function setUserFlags(state: SimulatorState, user: string, flags: UserFlags): void {
  state.users.setFlags(user, flags);
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
