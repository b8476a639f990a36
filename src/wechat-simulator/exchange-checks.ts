// The parameter and credential checks shared by the code-exchange and token endpoints, in the order WeChat
// applies them (wechat-api.md §2, §3.1–§3.2, §6, §8.2, §9.2): 41002, 41004, 41008, 40013, 40125, 40243, 40164, 40002.
import type { SimulatorState } from './simulator-state.ts';
import type { SimulatedApp } from './simulator-types.ts';
import { whitelistStem } from './wire.ts';

/** What an endpoint decided: a JSON success body (keys in wire order), an image (§8.6) or a business error. */
export type EndpointReply =
  | { readonly kind: 'success'; readonly body: Readonly<Record<string, unknown>> }
  | { readonly kind: 'image'; readonly contentType: string; readonly bytes: Buffer }
  | { readonly kind: 'error'; readonly errcode: number; readonly stem?: string };

export function errorReply(errcode: number, stem?: string): EndpointReply {
  return stem === undefined ? { kind: 'error', errcode } : { kind: 'error', errcode, stem };
}

export interface ExchangeRequest {
  readonly params: URLSearchParams;
  readonly remoteAddress: string;
  /** The raw request body ('' for GET). */
  readonly body: string;
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
  const code = param(params, rules.codeParam);
  const app = checkAppCredentials(state, {
    appId: param(params, 'appid'),
    secret: param(params, 'secret'),
    remoteAddress,
    checkWhitelist: rules.checkWhitelist,
    // §3.1: 41008 comes after 41002/41004 and before the appid is looked up.
    missingParam: code === null ? 41008 : null,
  });
  if (isReply(app)) return app;
  // [UNCONFIRMED] for jscode2session (§3.2); only the literal `authorization_code` is accepted.
  if (params.get('grant_type') !== 'authorization_code') return errorReply(40002);
  return { app, code: code ?? '' };
}

export interface CredentialInput {
  readonly appId: string | null;
  readonly secret: string | null;
  readonly remoteAddress: string;
  readonly checkWhitelist: boolean;
  /** An endpoint-specific missing parameter, reported after 41002/41004 (e.g. 41008). */
  readonly missingParam?: number | null;
  /** §6.1 [CONFLICT]: cgi-bin/token may answer 40001 instead of 40125 for a wrong secret. */
  readonly wrongSecretErrcode?: number;
}

/** appid/secret presence, app, secret, frozen secret and IP whitelist (§2, §6.1, §9.2), in that order. */
export function checkAppCredentials(state: SimulatorState, input: CredentialInput): SimulatedApp | EndpointReply {
  if (input.appId === null) return errorReply(41002);
  // §3.1: the parameter must be called `secret`; `appsecret=` still yields 41004.
  if (input.secret === null) return errorReply(41004);
  if (input.missingParam !== undefined && input.missingParam !== null) return errorReply(input.missingParam);
  const app = state.apps.get(input.appId);
  if (!app) return errorReply(40013);
  if (input.secret !== app.secret) return errorReply(input.wrongSecretErrcode ?? 40125);
  if (app.secretFrozen === true) return errorReply(40243);
  if (input.checkWhitelist && app.ipWhitelistEnabled === true && !isWhitelisted(app, input.remoteAddress)) {
    return errorReply(40164, whitelistStem(input.remoteAddress));
  }
  return app;
}

/** Tells a reply from a checked value (a SimulatedApp also has a `kind`, but never these three). */
export function isReply(value: object): value is EndpointReply {
  const { kind } = value as { kind?: unknown };
  return kind === 'success' || kind === 'image' || kind === 'error';
}
