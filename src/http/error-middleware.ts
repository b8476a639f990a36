/**
 * Errors of our own (non-OIDC) routes become `{ error, message }` JSON (house-style §7) with the
 * status from one table; messages are shown only below 500, everything else is logged.
 */
import type { Middleware } from 'koa';
import { AppError, type ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { logUnavailable, OUTAGE_RETRY_AFTER_SECONDS, setRetryHeaders } from '../temporarily-unavailable.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  'request.invalid': 400,
  'client.invalid_metadata': 400,
  'client.not_found': 404,
  'account.not_found': 404,
  'resource_server.not_found': 404,
  'wechat.app_unknown': 404,
  'client.conflict': 409,
  'account.merge_conflict': 409,
  'request.too_large': 413,
  'wechat.rate_limited': 429,
  'wechat.unavailable': 503,
  'database.unavailable': 503,
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

/**
 * `isUnavailable` recognises errors of an unreachable database (src/db/database-errors.ts, wired by
 * app.ts): they are answered 503 `database.unavailable` with Retry-After, not 500 (test-catalogue P-04).
 */
export function createErrorMiddleware(logger: Logger, isUnavailable: (error: unknown) => boolean = () => false): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const code: ErrorCode | 'server_error' = error instanceof AppError ? error.code : isUnavailable(error) ? 'database.unavailable' : 'server_error';
      const status = code === 'server_error' ? 500 : statusFor(code);
      if (status === 503) logUnavailable(logger, error, { path: ctx.path });
      else if (status >= 500) logger.error({ err: error, path: ctx.path }, 'request failed');
      ctx.status = status;
      ctx.set('Cache-Control', 'no-store');
      if (status === 503) setRetryHeaders(ctx, OUTAGE_RETRY_AFTER_SECONDS);
      ctx.body = { error: code, message: status < 500 && error instanceof Error ? error.message : 'internal error' };
    }
  };
}
