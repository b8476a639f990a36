// `POST /wxa/business/getuserphonenumber?access_token=` (wechat-api.md §5.1, §14 item 14): JSON `{"code"}`
// (empty body → 44002, not a JSON object with `code` → 47001), the phone code of this app, fresh and
// unused (else 40029 for every case, §5.1 "不存在、已过期或者使用过"). An `openid` that is not the code's
// user also answers 40029 [UNCONFIRMED: the mismatch errcode is undocumented] and leaves the code unused.
import { errorReply, isReply, type EndpointReply, type ExchangeRequest } from './exchange-checks.ts';
import type { SimulatorState } from './simulator-state.ts';
import { requireAppToken } from './token-guard.ts';

function parsePhoneBody(body: string): { code: string; openid: string | undefined } | EndpointReply {
  if (body.trim() === '') return errorReply(44002);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return errorReply(47001);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return errorReply(47001);
  const { code, openid } = parsed as Record<string, unknown>;
  if (typeof code !== 'string') return errorReply(47001);
  return { code, openid: typeof openid === 'string' ? openid : undefined };
}

export function serveGetUserPhoneNumber(state: SimulatorState, request: ExchangeRequest): EndpointReply {
  const token = requireAppToken(state, request.params);
  if (isReply(token)) return token;
  const body = parsePhoneBody(request.body);
  if (isReply(body)) return body;
  const now = state.now();
  const lookup = state.phoneCodes.lookup(body.code, token.appId, now);
  if (lookup.status !== 'fresh') return errorReply(40029);
  const { issued } = lookup;
  if (body.openid !== undefined && body.openid !== state.identities.openIdOf(token.appId, issued.user)) return errorReply(40029);
  state.phoneCodes.consume(issued.code);
  // Key order as observed in §5.1; the watermark is the time the user tapped the button.
  return {
    kind: 'success',
    body: {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: issued.phoneNumber,
        purePhoneNumber: issued.purePhoneNumber,
        countryCode: issued.countryCode,
        watermark: { timestamp: Math.floor(issued.issuedAt / 1000), appid: token.appId },
      },
    },
  };
}
