/**
 * Maps sign-in failures to OAuth errors, once, at the token endpoint (design.md §1 table).
 * oidc-provider hides an InvalidGrant's detail behind "grant request is invalid", so the
 * descriptions are set explicitly; 429/503 are set after construction so the error stays exposed
 * (test-catalogue C.0). Our own misconfiguration becomes a generic server_error, logged loudly.
 */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { AppError } from '../../errors.ts';
import { logUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from '../../temporarily-unavailable.ts';
import type { Logger } from '../../logger.ts';
import { temporarilyUnavailableError } from './temporarily-unavailable-error.ts';

export const DESCRIPTIONS = {
  codeInvalid: 'the WeChat login code is invalid, expired or already used; call wx.login again and retry with the new code',
  userBlocked: 'WeChat risk control blocked this WeChat user from logging in',
  snapshotUser: 'WeChat returned a virtual snapshot-mode user; open the page in WeChat and log in again',
  accountDisabled: 'the account is disabled',
  rateLimited: 'WeChat is rate limiting logins for this user; retry after the Retry-After interval',
  unavailable: 'WeChat did not answer in time or answered with an error; retry shortly',
  phoneCodeInvalid: 'the phone code is invalid, expired, already used or from another app; get a new one from the getPhoneNumber button and log in again with a new wx.login code',
  phoneUnsupported: 'phone_code is only available to mini-program clients',
  phoneQuotaExhausted: "the WeChat app's phone-number quota is used up; log in again without phone_code (the operator must top the quota up)",
  creationRefused: 'this app signs in existing accounts only, and this WeChat user has none yet; sign in first where accounts are created',
  linkRefused: "this WeChat user's unionid already belongs to another account and this app refuses to merge them; ask the operator to merge the accounts",
} as const;

function invalidGrant(description: string): Error {
  const error = new errors.InvalidGrant();
  error.error_description = description;
  return error;
}

export function toOAuthError(error: unknown, ctx: KoaContextWithOIDC, logger: Logger): unknown {
  if (!(error instanceof AppError)) return error;
  const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
  switch (error.code) {
    case 'wechat.code_invalid': return invalidGrant(DESCRIPTIONS.codeInvalid);
    case 'wechat.user_blocked': return invalidGrant(DESCRIPTIONS.userBlocked);
    case 'wechat.snapshot_user': return invalidGrant(DESCRIPTIONS.snapshotUser);
    case 'account.disabled': return invalidGrant(DESCRIPTIONS.accountDisabled);
    // A refused phone code fails the whole login (docs/decisions/0008): both codes are single-use, so retry with new ones.
    case 'phone.code_invalid': return invalidGrant(DESCRIPTIONS.phoneCodeInvalid);
    case 'phone.unsupported': return new errors.InvalidRequest(DESCRIPTIONS.phoneUnsupported);
    // Issue 17 #6: an extension error code (RFC 6749 §8.5), so a client can tell it from a bad phone code.
    case 'phone.quota_exhausted': return new errors.CustomOIDCProviderError('phone_quota_exhausted', DESCRIPTIONS.phoneQuotaExhausted);
    // Issue 17 #4, refuse policy: the identity is fine, linking it is not (docs/decisions/0022).
    case 'account.link_refused': return invalidGrant(DESCRIPTIONS.linkRefused);
    // Issue 17 #2: a per-app setting; nothing is written (the transaction rolls back).
    case 'account.creation_refused':
    // Never from the token endpoint (only the browser sign-in holds a new identity); refused like the setting, if ever.
    case 'account.identity_new': return invalidGrant(DESCRIPTIONS.creationRefused);
    case 'wechat.rate_limited': return temporarilyUnavailableError(ctx, { status: 429, description: DESCRIPTIONS.rateLimited, retryAfterSeconds: retryAfter ?? 60 });
    case 'wechat.unavailable':
    case 'database.unavailable':
      logUnavailable(logger, error, { path: ctx.path, clientId: ctx.oidc.client?.clientId });
      return temporarilyUnavailableError(ctx, { status: 503, description: DESCRIPTIONS.unavailable, retryAfterSeconds: retryAfter ?? OUTAGE_RETRY_AFTER_SECONDS });
    case 'wechat.misconfigured':
    case 'wechat.rejected':
    // Browser sign-in and mini-program-code kinds: never the outcome of a mini-program login.
    case 'wechat.insufficient_scope':
    case 'wechat.page_invalid':
    case 'wechat.scene_invalid':
    case 'wechat.quota_exhausted':
    case 'account.merge_conflict':
    case 'wechat.app_unknown':
    case 'keys.decrypt_failed':
    case 'keys.master_key_invalid':
    case 'config.invalid':
    case 'config.unsafe_for_production':
    case 'database.migrations_pending':
    case 'account.not_found':
    case 'client.not_found':
    case 'client.conflict':
    case 'resource_server.not_found':
    case 'client.invalid_metadata':
    case 'request.invalid':
    case 'request.too_large':
    // Web sign-in tickets: answered at /me/web-sign-ins, never at the token endpoint.
    case 'web_sign_in.unknown':
    case 'web_sign_in.expired':
    case 'web_sign_in.used':
    case 'web_sign_in.wrong_app':
    case 'legacy_data.invalid':
      // 40013/40125/40164/… or an unknown app: our configuration is wrong, not the user's request.
      logger.error({ err: error, code: error.code, errcode: (error as { errcode?: number }).errcode }, 'WeChat login failed because of server configuration');
      return error;
  }
}
