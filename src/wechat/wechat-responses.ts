// zod guards for WeChat response bodies and the success-vs-error rule (shared/docs/wechat-api.md §1.4–1.5
// envelope, §3.2 jscode2session, §8.2 sns/oauth2/access_token, §8.4 sns/userinfo, §6.2 stable_token,
// §5.1 getuserphonenumber).
import { z } from 'zod';
import { WeChatError, weChatErrorFor, type ErrcodeOverrides } from './wechat-errors.ts';

const nonEmptyString = z.string().min(1);
/**
 * openid / unionid: stored and compared as text (varchar(64)). Real ones are 28 URL-safe characters;
 * anything with a control character (PostgreSQL refuses NUL) or longer than the column is a garbled
 * answer, not an identity (test-catalogue C-06: found by test/reliability/wechat-response-fuzz.test.ts).
 */
const identifier = z.string().regex(/^[\x21-\x7e]{1,64}$/);

// `errcode: 0` is a doc artifact on these endpoints but must be accepted (§1.5); extra keys such as
// the pre-2018 `expires_in` are tolerated by loose objects.
const successEnvelope = { errcode: z.literal(0).optional(), errmsg: z.unknown().optional() };

/** `GET /sns/jscode2session` success, §3.2. `unionid` only for Open-Platform-bound apps. */
export const jscode2SessionSuccess = z.looseObject({
  ...successEnvelope,
  session_key: nonEmptyString,
  openid: identifier,
  unionid: identifier.optional(),
});
export type Jscode2SessionSuccess = z.infer<typeof jscode2SessionSuccess>;

/** `GET /sns/oauth2/access_token` success, §8.2. `is_snapshotuser: 1` marks a virtual account. */
export const oauthAccessTokenSuccess = z.looseObject({
  ...successEnvelope,
  access_token: nonEmptyString,
  // Not used by us; tolerate the string spelling rather than fail a login over it.
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  refresh_token: nonEmptyString,
  openid: identifier,
  scope: z.string(),
  unionid: identifier.optional(),
  // Anything but a recognised 0/1 fails the parse: an unreadable flag must not let a snapshot in.
  is_snapshotuser: z.union([z.literal([0, 1, '0', '1']), z.boolean()]).optional(),
});
export type OAuthAccessTokenSuccess = z.infer<typeof oauthAccessTokenSuccess>;

/**
 * `GET /sns/userinfo` success, §8.4 (sex/region are no longer filled since 2021, §10). The nickname is raw
 * UTF-8 and may carry control characters (§1.4), which are dropped: they are neither displayable nor
 * storable (PostgreSQL refuses NUL). `headimgurl` is '' without an avatar; anything but an http(s) URL counts as none.
 */
export const userInfoSuccess = z.looseObject({
  ...successEnvelope,
  openid: identifier,
  nickname: z.string().transform((nickname) => nickname.replaceAll(/[\u0000-\u001f\u007f]/g, '')),
  headimgurl: z.string().optional().transform((url) => (url !== undefined && /^https?:\/\/[^\s]+$/.test(url) ? url : undefined)),
  unionid: identifier.optional(),
});

const seconds = z.union([z.int().positive(), z.string().regex(/^\d{1,9}$/).transform(Number)]);

/** `POST /cgi-bin/stable_token` success, §6.2: `expires_in` is the remaining lifetime (>= 300 s). */
export const stableTokenSuccess = z.looseObject({
  ...successEnvelope,
  access_token: nonEmptyString,
  expires_in: seconds,
});

/** `POST /wxa/business/getuserphonenumber` success, §5.1 ([CONFLICT] countryCode string or number: accept both). */
export const phoneNumberSuccess = z.looseObject({
  ...successEnvelope,
  phone_info: z.looseObject({
    phoneNumber: nonEmptyString,
    purePhoneNumber: nonEmptyString,
    countryCode: z.union([nonEmptyString, z.int().nonnegative().transform(String)]),
    watermark: z.looseObject({ appid: nonEmptyString }),
  }),
});

/** Any body carrying a non-zero errcode. wechatpy casts errcode with int(), so accept "40029". */
export const weChatErrorEnvelope = z.looseObject({
  errcode: z.union([z.int(), z.string().regex(/^-?\d{1,9}$/).transform(Number)]).refine((n) => n !== 0),
  errmsg: z.string().optional().catch(undefined),
});

/**
 * Applies §1.5: an error ⇔ errcode present and non-zero; a success ⇔ errcode absent or 0 AND the
 * payload parses. Anything else (wrong types, missing fields, non-object) is `wechat.unavailable`:
 * a garbled answer, never an identity (test catalogue C-06).
 */
export function parseWeChatPayload<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  overrides?: ErrcodeOverrides,
): z.infer<Schema> {
  const failure = weChatErrorEnvelope.safeParse(body);
  if (failure.success) throw weChatErrorFor(failure.data.errcode, failure.data.errmsg, overrides);
  const success = schema.safeParse(body);
  if (success.success) return success.data;
  // The zod issues name fields and expectations only; WeChatError keeps them as cause for debugging.
  throw new WeChatError('wechat.unavailable', 'WeChat answered an unexpected payload', {
    cause: new Error(z.prettifyError(success.error)),
  });
}
