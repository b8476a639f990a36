/**
 * The one answer for "not now, try again" (design.md §1, RFC 6749 §5.2 / RFC 6750 shape): 429 or 503
 * `temporarily_unavailable` with `Retry-After`, which the client kits wait for and retry. Used by the
 * rate limits, the WeChat-outage and database-outage mappings of the token endpoint and by /me.
 */
import type { Context } from 'koa';

/** Seconds a client waits after a transient outage (WeChat or PostgreSQL) before retrying. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

export interface TemporarilyUnavailable {
  readonly status: 429 | 503;
  readonly description: string;
  readonly retryAfterSeconds: number;
}

/** Sets the Retry-After and no-store headers of a temporarily_unavailable answer. */
export function setRetryHeaders(ctx: Pick<Context, 'set'>, retryAfterSeconds: number): void {
  ctx.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  ctx.set('Cache-Control', 'no-store');
}

/** Answers the request with the JSON error body itself (routes outside oidc-provider, and rewrites after it). */
export function answerTemporarilyUnavailable(ctx: Context, answer: TemporarilyUnavailable): void {
  setRetryHeaders(ctx, answer.retryAfterSeconds);
  ctx.status = answer.status;
  ctx.body = { error: 'temporarily_unavailable', error_description: answer.description };
}
