// `GET /sns/oauth2/access_token` (wechat-api.md §8.2, §14 item 20): official-account, website and mobile-app
// code → user access_token, refresh_token, openid, scope and (userinfo/login scopes of bound apps) unionid;
// a snapshot-mode code (§8.1) answers `is_snapshotuser: 1` with a virtual openid and never a unionid.
import { checkExchangeRequest, errorReply, isReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import type { IssuedCode } from './code-store.ts';
import { openIdForCode, unionIdFor, type SimulatorState } from './simulator-state.ts';

const ACCESS_TOKEN_SECONDS = 7200;
// §8.3: 30 days for official accounts; [CONFLICT] 30 or 180 days for apps and websites — 30 here.
const REFRESH_TOKEN_MS = 30 * 24 * 3_600_000;

function tokenBody(state: SimulatorState, issued: IssuedCode, now: number): Record<string, unknown> {
  const openid = openIdForCode(state, issued);
  const scope = issued.scope ?? 'snsapi_base';
  const common = { appId: issued.appId, openId: openid, scope, issuedAt: now, ...(issued.snapshot ? { snapshot: true as const } : {}) };
  const access = state.tokens.issue({ ...common, kind: 'sns_access', expiresAt: now + ACCESS_TOKEN_SECONDS * 1000 });
  const refresh = state.tokens.issue({ ...common, kind: 'sns_refresh', expiresAt: now + REFRESH_TOKEN_MS });
  // §7: unionid only with snsapi_userinfo / snsapi_login, only for apps bound to an Open Platform,
  // and never for a virtual account.
  const app = state.apps.get(issued.appId);
  const unionid = scope === 'snsapi_base' || issued.snapshot || !app ? null : unionIdFor(state, app, issued.user);
  // Key order as observed in §8.2; `is_snapshotuser` sits before unionid [UNCONFIRMED position].
  return {
    access_token: access.token,
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: refresh.token,
    openid,
    scope,
    ...(issued.snapshot ? { is_snapshotuser: 1 } : {}),
    ...(unionid === null ? {} : { unionid }),
  };
}

export function exchangeOAuthCode(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const checked = checkExchangeRequest(state, request, { codeParam: 'code', checkWhitelist: false });
  if (isReply(checked)) return checked;
  const { app, code } = checked;
  const now = state.now();
  const lookup = state.codes.lookup(code, app.appId, 'oauth2_access_token', now);
  if (lookup.status === 'invalid') return errorReply(40029);
  // §2: unlike jscode2session, an expired OAuth code says 42003.
  if (lookup.status === 'expired') return errorReply(42003);
  if (lookup.status === 'used') return errorReply(40163);
  lookup.issued.used = true;
  return { kind: 'success', body: tokenBody(state, lookup.issued, now) };
}
