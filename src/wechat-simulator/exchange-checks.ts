// The parameter and credential checks shared by the code-exchange endpoints, in the order WeChat applies
// them (wechat-api.md §2, §3.1–§3.2, §8.2, §9.2): 41002, 41004, 41008, 40013, 40125, 40243, 40164, 40002.
import type { SimulatorState } from './simulator-state.ts';
import type { SimulatedApp } from './simulator-types.ts';
import { whitelistStem } from './wire.ts';

/** What an endpoint decided: a JSON success body (keys in wire order) or a business error. */
export type EndpointReply =
  | { readonly kind: 'success'; readonly body: Readonly<Record<string, unknown>> }
  | { readonly kind: 'error'; readonly errcode: number; readonly stem?: string };

export function errorReply(errcode: number, stem?: string): EndpointReply {
  return stem === undefined ? { kind: 'error', errcode } : { kind: 'error', errcode, stem };
}

export interface ExchangeRequest {
  readonly params: URLSearchParams;
  readonly remoteAddress: string;
}

interface ExchangeRules {
  /** `js_code` for jscode2session, `code` for sns/oauth2/access_token. */
  readonly codeParam: string;
  /** §9.2: the API IP whitelist covers jscode2session (and the token APIs), not sns/oauth2. */
  readonly checkWhitelist: boolean;
}

export interface CheckedExchange {
  readonly app: SimulatedApp;
  readonly code: string;
}

// An empty value counts as missing, like an absent one.
function param(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  return value === null || value === '' ? null : value;
}

function isWhitelisted(app: SimulatedApp, remoteAddress: string): boolean {
  const ipv4 = remoteAddress.replace(/^::ffff:/, '');
  return (app.ipWhitelist ?? []).includes(ipv4);
}

/** Runs the checks before the code itself is looked at; returns the app and code, or the first failure. */
export function checkExchangeRequest(
  state: SimulatorState,
  request: ExchangeRequest,
  rules: ExchangeRules,
): CheckedExchange | EndpointReply {
  const { params, remoteAddress } = request;
  const appId = param(params, 'appid');
  const secret = param(params, 'secret');
  const code = param(params, rules.codeParam);
  if (appId === null) return errorReply(41002);
  // §3.1: the parameter must be called `secret`; `appsecret=` still yields 41004.
  if (secret === null) return errorReply(41004);
  if (code === null) return errorReply(41008);
  const app = state.apps.get(appId);
  if (!app) return errorReply(40013);
  if (secret !== app.secret) return errorReply(40125);
  if (app.secretFrozen === true) return errorReply(40243);
  if (rules.checkWhitelist && app.ipWhitelistEnabled === true && !isWhitelisted(app, remoteAddress)) {
    return errorReply(40164, whitelistStem(remoteAddress));
  }
  // [UNCONFIRMED] for jscode2session (§3.2); only the literal `authorization_code` is accepted.
  if (params.get('grant_type') !== 'authorization_code') return errorReply(40002);
  return { app, code };
}

export function isReply(value: CheckedExchange | EndpointReply): value is EndpointReply {
  return 'kind' in value;
}
