/**
 * Errors of the /me/* endpoints as OAuth-style JSON `{ error, error_description }` (RFC 6750 §3 for the
 * bearer-token failures, with `WWW-Authenticate`), mapped once here (house-style §7). Messages of 5xx
 * are generic; the cause is logged.
 */
import type { Context, Middleware } from 'koa';
import { isDatabaseUnavailable } from '../db/database-errors.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import { answerTemporarilyUnavailable, logUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from '../temporarily-unavailable.ts';
import type { Logger } from '../logger.ts';

/** A failure already phrased for the client (bearer-token problems, wrong client kind). */
export class MeError extends Error {
  readonly status: number;
  readonly error: string;
  readonly scope: string | undefined;
  /** A bearer-token problem: answered with a `WWW-Authenticate` challenge (RFC 6750 §3). */
  readonly challenge: boolean;

  constructor(status: number, error: string, description: string, options: { scope?: string; challenge?: boolean } = {}) {
    super(description);
    this.name = 'MeError';
    this.status = status;
    this.error = error;
    this.scope = options.scope;
    this.challenge = options.challenge ?? false;
  }
}

/** A bearer-token failure (RFC 6750 §3.1): 400 invalid_request, 401 invalid_token, 403 insufficient_scope. */
export function bearerError(status: 400 | 401 | 403, error: string, description: string, scope?: string): MeError {
  return new MeError(status, error, description, { challenge: true, ...(scope === undefined ? {} : { scope }) });
}

export const PHONE_QUOTA_EXHAUSTED = "the WeChat app's phone-number quota is used up; the operator must top it up. Carry on without a phone number";

export const PHONE_CODE_INVALID = 'the phone code is invalid, expired, already used or from another app; get a new one from the getPhoneNumber button';

const MAPPED: Partial<Record<ErrorCode, { status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 503; error: string; description?: string }>> = {
  'request.invalid': { status: 400, error: 'invalid_request' },
  'request.too_large': { status: 413, error: 'invalid_request' },
  'legacy_data.invalid': { status: 400, error: 'invalid_request' },
  'phone.code_invalid': { status: 400, error: 'invalid_request', description: PHONE_CODE_INVALID },
  // Issue 17 #6: not the caller's mistake, and no retry helps until the operator acts: refused, distinctly.
  'phone.quota_exhausted': { status: 403, error: 'phone_quota_exhausted', description: PHONE_QUOTA_EXHAUSTED },
  'account.not_found': { status: 401, error: 'invalid_token', description: 'the account behind the token no longer exists' },
  'account.disabled': { status: 401, error: 'invalid_token', description: 'the account is disabled' },
  'wechat.rate_limited': { status: 429, error: 'temporarily_unavailable', description: 'WeChat is rate limiting; retry after the Retry-After interval' },
  'wechat.unavailable': { status: 503, error: 'temporarily_unavailable', description: 'WeChat did not answer in time or answered with an error; retry shortly' },
  // Issue 13 #3: a scene the phone cannot answer — each distinct, none a 5xx.
  'web_sign_in.unknown': { status: 404, error: 'web_sign_in_unknown' },
  'web_sign_in.wrong_app': { status: 403, error: 'web_sign_in_wrong_app' },
  'web_sign_in.expired': { status: 410, error: 'web_sign_in_expired' },
  'web_sign_in.used': { status: 409, error: 'web_sign_in_used' },
  'database.unavailable': { status: 503, error: 'temporarily_unavailable', description: 'temporarily unavailable; retry shortly' },
};

function authenticateHeader(error: MeError, realm: string): string {
  // RFC 6750 §3.1: no error attribute when the request carried no credentials at all.
  const parts = [`realm="${realm}"`];
  if (error.error !== 'unauthorized') parts.push(`error="${error.error}"`, `error_description="${error.message}"`);
  if (error.scope !== undefined) parts.push(`scope="${error.scope}"`);
  return `Bearer ${parts.join(', ')}`;
}

function render(ctx: Context, status: number, error: string, description: string): void {
  ctx.status = status;
  ctx.body = { error: error === 'unauthorized' ? 'invalid_token' : error, error_description: description };
}

/** `realm` is the issuer: the one oidc-provider's userinfo (GET /me) and the admin API name too. */
export function createMeErrorMiddleware(logger: Logger, realm: string): Middleware {
  return async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await next();
    } catch (error) {
      if (error instanceof MeError) {
        if (error.challenge) ctx.set('WWW-Authenticate', authenticateHeader(error, realm));
        render(ctx, error.status, error.error, error.message);
        return;
      }
      // An unreachable PostgreSQL is transient: 503 with Retry-After, not 500 (test-catalogue P-04).
      const mapped = error instanceof AppError ? MAPPED[error.code] : isDatabaseUnavailable(error) ? MAPPED['database.unavailable'] : undefined;
      if (mapped === undefined) {
        logger.error({ err: error, path: ctx.path }, '/me request failed');
        render(ctx, 500, 'server_error', 'internal error');
        return;
      }
      const description = mapped.description ?? (error as Error).message;
      if (mapped.status === 503) logUnavailable(logger, error, { path: ctx.path });
      if (mapped.status === 429 || mapped.status === 503) {
        const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
        answerTemporarilyUnavailable(ctx, { status: mapped.status, description, retryAfterSeconds: typeof retryAfter === 'number' ? retryAfter : OUTAGE_RETRY_AFTER_SECONDS });
        return;
      }
      render(ctx, mapped.status, mapped.error, description);
    }
  };
}
