// `GET /sns/jscode2session` (wechat-api.md §3, §14 items 1–7): mini-program login code → session_key,
// openid and, for apps bound to an Open Platform, unionid. Success carries no errcode.
import { checkExchangeRequest, errorReply, isReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import { unionIdFor, type SimulatorState } from './simulator-state.ts';

export function exchangeJsCode(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const checked = checkExchangeRequest(state, request, { codeParam: 'js_code', checkWhitelist: true });
  if (isReply(checked)) return checked;
  const { app, code } = checked;
  const now = state.now();
  const lookup = state.codes.lookup(code, app.appId, 'jscode2session', now);
  // §3.3: unknown, expired (no 42003 here) and other apps' codes all answer 40029.
  if (lookup.status === 'invalid' || lookup.status === 'expired') return errorReply(40029);
  const { issued } = lookup;
  // §3.2: 100 calls per user per minute; a refused call leaves the code as it was.
  if (!state.loginQuota.tryConsume(`${app.appId}\u0000${issued.user}`, now)) return errorReply(45011);
  if (lookup.status === 'used') return errorReply(40163);
  issued.used = true;
  if (state.users.isBlocked(issued.user)) return errorReply(40226);
  const openid = state.identities.openIdOf(app.appId, issued.user);
  const sessionKey = state.identities.sessionKeyForExchange(app.appId, openid, now);
  const unionid = unionIdFor(state, app, issued.user);
  // Key order as observed in §3.2: session_key, openid, unionid.
  return {
    kind: 'success',
    body: { session_key: sessionKey, openid, ...(unionid === null ? {} : { unionid }) },
  };
}
