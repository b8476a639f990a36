// The app access-token endpoints (wechat-api.md §6, §14 items 11–12):
// `GET /cgi-bin/token` issues a new token per call and keeps the previous one valid 300 s more;
// `POST /cgi-bin/stable_token` (JSON only) returns the same token in normal mode, pre-rotating 5 min
// before expiry, and with `force_refresh:true` replaces it at once, at most 20 times a day, 30 s apart.
import { checkAppCredentials, errorReply, isReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import type { SimulatorState, StableTokenSlot } from './simulator-state.ts';
import type { TokenRecord } from './token-table.ts';

const FORCE_SPACING_MS = 30_000;

function issueAppToken(state: SimulatorState, appId: string, kind: TokenRecord['kind'], now: number): TokenRecord {
  return state.tokens.issue({ kind, appId, openId: null, scope: null, issuedAt: now, expiresAt: now + state.accessTokenTtlMs });
}

function tokenBody(record: TokenRecord, now: number): EndpointReply {
  // `expires_in` is the remaining lifetime in whole seconds (§6.2).
  return { kind: 'success', body: { access_token: record.token, expires_in: Math.floor((record.expiresAt - now) / 1000) } };
}

export function serveCgiToken(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const { params, remoteAddress } = request;
  const app = checkAppCredentials(state, {
    appId: params.get('appid') || null,
    secret: params.get('secret') || null,
    remoteAddress,
    checkWhitelist: true,
    wrongSecretErrcode: state.cgiTokenWrongSecretErrcode,
  });
  if (isReply(app)) return app;
  if (params.get('grant_type') !== 'client_credential') return errorReply(40002);
  const now = state.now();
  if (!state.cgiTokenQuota.tryConsume(app.appId, now)) return errorReply(45009);
  const record = issueAppToken(state, app.appId, 'cgi_access', now);
  // §6.1: "新老access_token在5分钟内都可用".
  state.tokens.supersedeOthers(record, now, state.accessTokenOverlapMs);
  return tokenBody(record, now);
}

/** §6.2: the body must be a JSON object; a form-encoded or empty body reads as "appid missing". */
function parseStableBody(body: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function serveStableToken(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const body = parseStableBody(request.body);
  if (body === null) return errorReply(41002);
  const app = checkAppCredentials(state, {
    appId: text(body['appid']),
    secret: text(body['secret']),
    remoteAddress: request.remoteAddress,
    checkWhitelist: true,
  });
  if (isReply(app)) return app;
  if (body['grant_type'] !== 'client_credential') return errorReply(40002);
  const now = state.now();
  const slot = state.stableTokens.get(app.appId);
  return body['force_refresh'] === true ? forceRefresh(state, app.appId, slot, now) : normalMode(state, app.appId, slot, now);
}

function normalMode(state: SimulatorState, appId: string, slot: StableTokenSlot | undefined, now: number): EndpointReply {
  // §6.2: the same token while more than the overlap remains; then a new one while the old one lives on.
  // A token invalidated early (test control) stays "current" here [UNCONFIRMED]: only force_refresh replaces it.
  if (slot && slot.current.expiresAt - now > state.accessTokenOverlapMs) return tokenBody(slot.current, now);
  const current = issueAppToken(state, appId, 'stable_access', now);
  state.stableTokens.set(appId, { current, lastForceAt: slot?.lastForceAt ?? null });
  return tokenBody(current, now);
}

function forceRefresh(state: SimulatorState, appId: string, slot: StableTokenSlot | undefined, now: number): EndpointReply {
  // §6.2 "否则不会刷新": within 30 s of the last force refresh, nothing changes.
  if (slot && slot.lastForceAt !== null && now - slot.lastForceAt < FORCE_SPACING_MS) return tokenBody(slot.current, now);
  if (!state.forceRefreshQuota.tryConsume(appId, now)) return errorReply(45009);
  const current = issueAppToken(state, appId, 'stable_access', now);
  // "会导致上次获取的 access_token 失效": no grace period [UNCONFIRMED].
  state.tokens.supersedeOthers(current, now, 0);
  state.stableTokens.set(appId, { current, lastForceAt: now });
  return tokenBody(current, now);
}
