// How the simulator's bytes look on the wire (wechat-api.md §1.3–§1.6): compact JSON with `/` escaped
// as `\/`, `errmsg` stems with a ` rid: %08x-%08x-%08x` suffix, HTTP 200 for business errors,
// an explicit Content-Length and `Connection: keep-alive`.
import type { ServerResponse } from 'node:http';
import { newHintId, randomHexGroup } from './identifiers.ts';
import type { WeChatEndpoint } from './simulator-types.ts';

/** Which `errmsg` suffix to emit (§1.6 lists every era; all of them are real). */
export type ErrmsgStyle = 'rid' | 'rid_comma' | 'rid_no_comma' | 'hints_req_id' | 'hint_rid';

export const ERRMSG_STYLES = ['rid', 'rid_comma', 'rid_no_comma', 'hints_req_id', 'hint_rid'] as const;

interface Stem {
  readonly text: string;
  /** Whether the observed default spelling has a comma before `rid:` (§3.2 examples). */
  readonly comma: boolean;
}

// §2 error-code reference; the comma flags follow the §3.2 and §6 samples.
const STEMS: ReadonlyMap<number, Stem> = new Map([
  [-1, { text: 'system error', comma: false }],
  [40001, { text: 'invalid credential, access_token is invalid or not latest', comma: false }],
  [40002, { text: 'invalid grant_type', comma: true }],
  [40003, { text: 'invalid openid', comma: true }],
  [40013, { text: 'invalid appid', comma: true }],
  [40014, { text: 'invalid access_token', comma: true }],
  [40029, { text: 'invalid code', comma: true }],
  [40030, { text: 'invalid refresh_token', comma: true }],
  [40097, { text: 'invalid args', comma: false }],
  [40125, { text: 'invalid appsecret', comma: true }],
  [40163, { text: 'code been used', comma: true }],
  // The real text names the caller's address: see whitelistStem().
  [40164, { text: 'invalid ip, not in whitelist', comma: true }],
  // §8.6 [UNCONFIRMED text]: the errmsg SDKs quote for a bad scene.
  [40169, { text: 'invalid length for scene, or the data is not json string', comma: false }],
  [40226, { text: 'code blocked', comma: true }],
  // [UNCONFIRMED] §2 gives no observed text for 40243.
  [40243, { text: 'appsecret is frozen', comma: true }],
  [41002, { text: 'appid missing', comma: true }],
  [41004, { text: 'appsecret missing', comma: true }],
  [41001, { text: 'access_token missing', comma: true }],
  [41008, { text: 'missing code', comma: true }],
  [41009, { text: 'missing openid', comma: true }],
  [41030, { text: 'invalid page', comma: false }],
  [42001, { text: 'access_token expired', comma: true }],
  [42002, { text: 'refresh_token expired', comma: true }],
  [42003, { text: 'code expired', comma: true }],
  [43001, { text: 'require GET method', comma: true }],
  [43002, { text: 'require POST method', comma: true }],
  [44002, { text: 'empty post data', comma: false }],
  [45009, { text: 'reach max api daily quota limit', comma: false }],
  [45011, { text: 'api minute-quota reach limit mustslower retry next minute', comma: false }],
  [47001, { text: 'data format error', comma: false }],
  [48001, { text: 'api unauthorized', comma: true }],
  [87008, { text: 'invalid sig_method', comma: true }],
  [87009, { text: 'invalid signature', comma: true }],
]);

/** `%08x-%08x-%08x`, the first group being the current Unix time in hex (§1.6). */
export function newRid(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8);
  return `${seconds}-${randomHexGroup()}-${randomHexGroup()}`;
}

/** The full `errmsg` for `errcode`: its stem (or `stemOverride`) plus the suffix of `style`. */
export function formatErrmsg(errcode: number, nowMs: number, style: ErrmsgStyle, stemOverride?: string): string {
  const stem = STEMS.get(errcode) ?? { text: 'system error', comma: false };
  const text = stemOverride ?? stem.text;
  switch (style) {
    case 'rid':
      return `${text}${stem.comma ? ',' : ''} rid: ${newRid(nowMs)}`;
    case 'rid_comma':
      return `${text}, rid: ${newRid(nowMs)}`;
    case 'rid_no_comma':
      return `${text} rid: ${newRid(nowMs)}`;
    case 'hints_req_id':
      return `${text}, hints: [ req_id: ${newHintId()} ]`;
    case 'hint_rid':
      return `${text} hint: [${newHintId()}] rid: ${newRid(nowMs)}`;
  }
}

/** The 40164 text names the caller's IPv4 and its IPv4-mapped IPv6 form (§2, §9.2). */
export function whitelistStem(remoteAddress: string): string {
  const ipv4 = remoteAddress.startsWith('::ffff:') ? remoteAddress.slice('::ffff:'.length) : remoteAddress;
  const ipv6 = ipv4.includes(':') ? ipv4 : `::ffff:${ipv4}`;
  return `invalid ip ${ipv4} ipv6 ${ipv6}, not in whitelist`;
}

/**
 * §1.3: every /sns/* endpoint answers `text/plain` with no charset; /cgi-bin/* and /wxa/* are given
 * `application/json; encoding=utf-8` [UNCONFIRMED for success bodies].
 */
export function defaultContentTypes(): Record<WeChatEndpoint, string> {
  const json = 'application/json; encoding=utf-8';
  return {
    jscode2session: 'text/plain',
    oauth2_access_token: 'text/plain',
    cgi_token: json,
    stable_token: json,
    checksession: json,
    resetusersessionkey: json,
    getuserphonenumber: json,
    userinfo: 'text/plain',
    sns_auth: 'text/plain',
    getwxacodeunlimit: json,
  };
}

/** Compact JSON with every `/` written as `\/`; safe because `/` only ever occurs inside strings. */
export function toWeChatJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('/', '\\/');
}

export interface RawReply {
  readonly status: number;
  readonly contentType: string;
  /** Text is sent as UTF-8; bytes (an image, §8.6) as they are. */
  readonly body: string | Buffer;
}

/** Writes a complete response with the headers WeChat sends (§3.2): no chunking, keep-alive unless asked to close. */
export function writeRawReply(res: ServerResponse, reply: RawReply): void {
  const wantsClose = /\bclose\b/i.test(res.req.headers.connection ?? '');
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': typeof reply.body === 'string' ? Buffer.byteLength(reply.body, 'utf8') : reply.body.length,
    Connection: wantsClose ? 'close' : 'keep-alive',
  });
  res.end(typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body);
}
