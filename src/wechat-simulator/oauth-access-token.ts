// `GET /sns/oauth2/access_token` (wechat-api.md §8.2, §14 item 20): official-account, website and mobile-app
// code → user access_token, refresh_token, openid, scope and (userinfo/login scopes of bound apps) unionid.
import { checkExchangeRequest, errorReply, isReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import { unionIdFor, type SimulatorState } from './simulator-state.ts';

const ACCESS_TOKEN_SECONDS = 7200;
// §8.3: 30 days for official accounts; [CONFLICT] 30 or 180 days for apps and websites — 30 here.
const REFRESH_TOKEN_MS = 30 * 24 * 3_600_000;

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
  const { issued } = lookup;
  issued.used = true;
  const openid = state.identities.openIdOf(app.appId, issued.user);
  const scope = issued.scope ?? 'snsapi_base';
  const common = { appId: app.appId, openId: openid, scope, issuedAt: now };
  const access = state.tokens.issue({ ...common, kind: 'sns_access', expiresAt: now + ACCESS_TOKEN_SECONDS * 1000 });
  const refresh = state.tokens.issue({ ...common, kind: 'sns_refresh', expiresAt: now + REFRESH_TOKEN_MS });
  // §7: unionid only with snsapi_userinfo / snsapi_login, and only for apps bound to an Open Platform.
  const unionid = scope === 'snsapi_base' ? null : unionIdFor(state, app, issued.user);
  return {
    kind: 'success',
    body: {
      access_token: access.token,
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: refresh.token,
      openid,
      scope,
      ...(unionid === null ? {} : { unionid }),
    },
  };
}
