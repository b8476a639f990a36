/**
 * The one answer for "not now, try again" (design.md §1, RFC 6749 §5.2 / RFC 6750 shape): 429 or 503
 * `temporarily_unavailable` with `Retry-After`, which the client kits wait for and retry. Used by the
 * rate limits, the WeChat-outage and database-outage mappings of the token endpoint and by /me; each 503
 * logs its cause at warn, since the client is told only to retry (issue 18 #5).
 */
import type { Context } from 'koa';
import type { Logger } from './logger.ts';

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

/** The warn line of a 503: the client hears "retry shortly", the operator reads why (WeChat down, PostgreSQL unreachable, …). */
export function logUnavailable(logger: Logger, error: unknown, context: Readonly<Record<string, unknown>>): void {
  logger.warn({ err: error, ...context }, `answering 503 temporarily_unavailable: ${causeChain(error)}`);
}

/** "WeChat did not answer: fetch failed: getaddrinfo ENOTFOUND api.weixin.qq.com" (error messages never carry secrets here). */
function causeChain(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error && messages.length < 5; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    messages.push(current.message === '' && typeof code === 'string' ? code : current.message);
  }
  return messages.join(': ') || String(error);
}
