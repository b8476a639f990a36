// `GET /wxa/checksession` and `GET /wxa/resetusersessionkey` (wechat-api.md §4, §14 items 9–10): a valid
// app token, `sig_method=hmac_sha256` (else 87008) and `signature = hex(HMAC-SHA256(session_key text, ""))`
// of the user's *current* session_key (else 87009). An openid the app never saw answers 40003 [UNCONFIRMED].
import { timingSafeEqual } from 'node:crypto';
import { errorReply, isReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import { sessionSignature } from './legacy-crypto.ts';
import type { SimulatorState } from './simulator-state.ts';
import { requireAppToken } from './token-guard.ts';

interface SignedUser {
  readonly appId: string;
  readonly openId: string;
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkSignedUser(state: SimulatorState, params: URLSearchParams): SignedUser | EndpointReply {
  const token = requireAppToken(state, params);
  if (isReply(token)) return token;
  if (params.get('sig_method') !== 'hmac_sha256') return errorReply(87008);
  const openId = params.get('openid') ?? '';
  if (state.identities.userOf(token.appId, openId) === null) return errorReply(40003);
  const sessionKey = state.identities.findSessionKey(token.appId, openId);
  if (sessionKey === null || !sameHex(params.get('signature') ?? '', sessionSignature(sessionKey))) return errorReply(87009);
  return { appId: token.appId, openId };
}

export function serveCheckSession(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const checked = checkSignedUser(state, request.params);
  if (isReply(checked)) return checked;
  return { kind: 'success', body: { errcode: 0, errmsg: 'ok' } };
}

export function serveResetSessionKey(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const checked = checkSignedUser(state, request.params);
  if (isReply(checked)) return checked;
  const now = state.now();
  const userKey = `${checked.appId}\u0000${checked.openId}`;
  const last = state.lastSessionKeyReset.get(userKey);
  // §4.3: 60 000/min per app, and "frequent resets of the same user are not allowed" (threshold undisclosed).
  if (last !== undefined && now - last < state.sessionKeyResetCooldownMs) return errorReply(45011);
  if (!state.sessionKeyResetQuota.tryConsume(checked.appId, now)) return errorReply(45011);
  const sessionKey = state.identities.resetSessionKey(checked.appId, checked.openId);
  if (sessionKey === null) return errorReply(87009);
  state.lastSessionKeyReset.set(userKey, now);
  return { kind: 'success', body: { errcode: 0, errmsg: 'ok', openid: checked.openId, session_key: sessionKey } };
}
