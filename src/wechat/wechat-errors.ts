// WeChat `errcode` → WeChatError kind: the one place that knows what each code means for us
// (shared/docs/wechat-api.md §2 table, §1.6 errmsg/rid format, §8.4/§8.6 endpoint-specific codes, §12 rule 4 mapping).
import { AppError } from '../errors.ts';

export type WeChatErrorCode =
  | 'wechat.code_invalid'
  | 'wechat.user_blocked'
  | 'wechat.rate_limited'
  | 'wechat.unavailable'
  | 'wechat.misconfigured'
  | 'wechat.rejected'
  | 'wechat.insufficient_scope'
  | 'wechat.page_invalid'
  | 'wechat.scene_invalid'
  | 'wechat.quota_exhausted';

export type WeChatErrorKind = WeChatErrorCode extends `wechat.${infer Kind}` ? Kind : never;

export type WeChatErrorDetails = {
  errcode?: number;
  rid?: string;
  retryAfterSeconds?: number;
  cause?: unknown;
};

/** Seconds a caller should wait before asking again, by kind (45011: "retry next minute"). */
const defaultRetryAfterSeconds: Partial<Record<WeChatErrorCode, number>> = {
  'wechat.rate_limited': 60,
  'wechat.unavailable': 5,
};

/**
 * A failed WeChat call. `message` is built only from the errcode and our own wording: never the
 * raw errmsg (it may carry our egress IP, §1.6), the AppSecret, the code or a session_key.
 */
export class WeChatError extends AppError {
  declare readonly code: WeChatErrorCode;
  readonly errcode?: number;
  /** WeChat's request id from errmsg, for logs and support tickets only (§1.6). */
  readonly rid?: string;
  readonly retryAfterSeconds?: number;

  constructor(code: WeChatErrorCode, message: string, details: WeChatErrorDetails = {}) {
    super(code, message, 'cause' in details ? { cause: details.cause } : undefined);
    const retryAfterSeconds = details.retryAfterSeconds ?? defaultRetryAfterSeconds[code];
    if (details.errcode !== undefined) this.errcode = details.errcode;
    if (details.rid !== undefined) this.rid = details.rid;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type ErrcodeEntry = { readonly kind: WeChatErrorKind; readonly meaning: string };

export const entry = (kind: WeChatErrorKind, meaning: string): ErrcodeEntry => ({ kind, meaning });

/** What an errcode means at one endpoint when that differs from §2's general meaning (e.g. 48001 at sns/userinfo). */
export type ErrcodeOverrides = ReadonlyMap<number, ErrcodeEntry>;

/**
 * Every non-zero errcode of wechat-api.md §2 (plus 43001/43003 from §1.1). `0` is success and is
 * deliberately absent. "misconfigured" = our request or our app setup is wrong (alert, 5xx);
 * "rejected" = WeChat refused for a reason that is neither the user's code nor our config.
 */
export const weChatErrcodes: ReadonlyMap<number, ErrcodeEntry> = new Map([
  [-1, entry('unavailable', 'system busy, transient')],
  [40001, entry('misconfigured', 'invalid credential (wrong AppSecret or access_token)')],
  [40002, entry('misconfigured', 'invalid grant_type')],
  [40003, entry('rejected', 'invalid openid for this app')],
  [40013, entry('misconfigured', 'invalid appid')],
  [40014, entry('misconfigured', 'invalid access_token')],
  [40029, entry('code_invalid', 'code invalid, expired or issued for another app')],
  [40030, entry('rejected', 'invalid refresh_token')],
  [40097, entry('misconfigured', 'invalid request arguments')],
  [40125, entry('misconfigured', 'invalid AppSecret')],
  [40163, entry('code_invalid', 'code already used')],
  [40164, entry('misconfigured', 'caller IP not in the API IP whitelist')],
  [40169, entry('scene_invalid', 'mini-program code scene too long or with characters WeChat refuses')],
  [40226, entry('user_blocked', 'user blocked by WeChat risk control')],
  [40243, entry('misconfigured', 'AppSecret frozen')],
  [41002, entry('misconfigured', 'appid missing')],
  [41004, entry('misconfigured', 'AppSecret missing')],
  [41008, entry('misconfigured', 'code missing from our request')],
  [41009, entry('misconfigured', 'openid missing from our request')],
  [41030, entry('page_invalid', 'mini-program code page not in the published version')],
  [42001, entry('misconfigured', 'access_token expired')],
  [42002, entry('rejected', 'refresh_token expired')],
  [42003, entry('code_invalid', 'code expired')],
  [42007, entry('rejected', 'user tokens revoked (password changed)')],
  [43001, entry('misconfigured', 'GET method required')],
  [43002, entry('misconfigured', 'POST method required')],
  [43003, entry('misconfigured', 'HTTPS required')],
  [43104, entry('rejected', 'appid and openid mismatch')],
  [44002, entry('misconfigured', 'empty POST body')],
  [45009, entry('misconfigured', 'daily API quota exhausted')],
  [45011, entry('rate_limited', 'per-minute rate limit reached')],
  [47001, entry('misconfigured', 'POST body is not valid JSON')],
  [48001, entry('misconfigured', 'API not authorised for this app')],
  [50002, entry('user_blocked', 'user limited by WeChat')],
  [61004, entry('misconfigured', 'client IP not registered')],
  [61010, entry('rejected', 'no recent visit by this user')],
  [76001, entry('rejected', 'rid not found')],
  [76002, entry('rejected', 'rid lookup failed')],
  [76003, entry('rejected', 'rid lookup failed')],
  [76004, entry('rejected', 'rid expired')],
  [87008, entry('misconfigured', 'invalid sig_method')],
  [87009, entry('rejected', 'invalid signature (stale session_key)')],
  [89002, entry('misconfigured', 'app not bound to an Open Platform account')],
  [89300, entry('rejected', 'invalid trade')],
  [89501, entry('misconfigured', 'caller IP awaiting admin confirmation')],
  [89503, entry('misconfigured', 'caller IP awaiting admin confirmation')],
  [89506, entry('misconfigured', 'caller IP rejected by admin')],
  [89507, entry('misconfigured', 'caller IP blocked by admin')],
]);

const unknownErrcode = entry('rejected', 'unknown errcode');

// Both current (`rid: 8-8-8 hex`) and legacy (`req_id: X`, `hint: [X]`) spellings, §1.6. Only the
// id's own characters are captured, so nothing else of errmsg (e.g. an IP) ends up in `rid`.
const ridPatterns = [
  /\brid:\s*([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})\b/i,
  /\breq_id:\s*([\w-]{1,64})/,
  /\bhints?:\s*\[\s*([\w-]{1,64})\s*\]/,
];

/** Extracts WeChat's request id from a free-text errmsg, or undefined. */
export function ridFrom(errmsg: string | undefined): string | undefined {
  if (errmsg === undefined) return undefined;
  for (const pattern of ridPatterns) {
    const id = pattern.exec(errmsg)?.[1];
    if (id !== undefined) return id;
  }
  return undefined;
}

/** §6.3: the errcodes that mean "this access_token is no good" on a token-protected call (WxJava, wechatpy). */
export const ACCESS_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** Whether a token-protected call failed because of its access_token (refresh once and retry, §12 rule 3). */
export function isAccessTokenRejected(error: unknown): boolean {
  return error instanceof WeChatError && error.errcode !== undefined && ACCESS_TOKEN_ERRCODES.has(error.errcode);
}

/** Builds the WeChatError for a non-zero errcode from a WeChat response body (`overrides`: the endpoint's own meanings). */
export function weChatErrorFor(errcode: number, errmsg?: string, overrides?: ErrcodeOverrides): WeChatError {
  const { kind, meaning } = overrides?.get(errcode) ?? weChatErrcodes.get(errcode) ?? unknownErrcode;
  const rid = ridFrom(errmsg);
  return new WeChatError(`wechat.${kind}`, `WeChat errcode ${String(errcode)}: ${meaning}`, {
    errcode,
    ...(rid === undefined ? {} : { rid }),
  });
}
