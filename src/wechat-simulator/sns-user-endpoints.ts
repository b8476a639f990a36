// The user-token endpoints (wechat-api.md §8.4 `GET /sns/userinfo`, §8.5 `GET /sns/auth`, §14 items 22–23):
// a token from sns/oauth2/access_token, the openid it was issued for (userinfo: a knob, §8.4 logto saw it
// ignored), and for userinfo a userinfo-capable scope (snsapi_base → 48001).
import { errorReply, isReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import { unionIdFor, type SimulatorState } from './simulator-state.ts';
import type { TokenRecord } from './token-table.ts';
import { VIRTUAL_PROFILE } from './user-directory.ts';

// §1.7: `<n>_<opaque>`; anything else is "malformed" (40014) rather than merely unknown (40001) [UNCONFIRMED split].
const TOKEN_SHAPE = /^\d{1,3}_[0-9A-Za-z_-]{20,200}$/;

function requireUserToken(state: SimulatorState, params: URLSearchParams): TokenRecord | EndpointReply {
  const token = params.get('access_token') ?? '';
  if (token === '') return errorReply(41001);
  const check = state.tokens.check(token, 'sns_access', state.now());
  switch (check.status) {
    case 'valid':
      return check.record;
    case 'expired':
      return errorReply(42001);
    case 'unknown':
    case 'superseded':
      return errorReply(TOKEN_SHAPE.test(token) ? 40001 : 40014);
  }
}

/** §8.4: 41009 without an openid, 40003 for one the token was not issued for. */
function checkOpenId(record: TokenRecord, params: URLSearchParams): EndpointReply | null {
  const openid = params.get('openid') ?? '';
  if (openid === '') return errorReply(41009);
  return openid === record.openId ? null : errorReply(40003);
}

export function serveUserInfo(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const record = requireUserToken(state, request.params);
  if (isReply(record)) return record;
  // §8.4: only snsapi_userinfo (official account), snsapi_login (website) and app tokens may read the profile.
  if (record.scope === 'snsapi_base') return errorReply(48001);
  const openIdProblem = state.userinfoChecksOpenId ? checkOpenId(record, request.params) : null;
  if (openIdProblem) return openIdProblem;
  const user = record.snapshot === true || record.openId === null ? null : state.identities.userOf(record.appId, record.openId);
  const profile = user === null ? VIRTUAL_PROFILE : state.users.profileOf(user);
  const app = state.apps.get(record.appId);
  const unionid = user === null || !app ? null : unionIdFor(state, app, user);
  // Key order and the empty post-2021 fields as observed in §8.4 (sex/region are no longer returned).
  return {
    kind: 'success',
    body: {
      openid: record.openId,
      nickname: profile.nickname,
      sex: 0,
      language: '',
      city: '',
      province: '',
      country: '',
      headimgurl: profile.headimgurl,
      privilege: [],
      ...(unionid === null ? {} : { unionid }),
    },
  };
}

export function serveSnsAuth(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const record = requireUserToken(state, request.params);
  if (isReply(record)) return record;
  // §8.5: the doc example answers 40003 for an openid the token does not belong to.
  if ((request.params.get('openid') ?? '') !== record.openId) return errorReply(40003);
  return { kind: 'success', body: { errcode: 0, errmsg: 'ok' } };
}
