/**
 * The token-endpoint rate limits at the protocol edge (docs/decisions/0013): a Koa middleware in front
 * of oidc-provider checks the caller's address on every endpoint that authenticates clients and counts
 * failed authentications, and a guard before each grant handler checks the authenticated client. Both
 * answer 429 `temporarily_unavailable` with Retry-After, as a WeChat 45011 is answered (design.md §1).
 */
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import type { TokenRateLimits } from '../rate-limits/token-rate-limits.ts';
import { guardGrantHandlers } from './oidc-provider-seam.ts';

export const RATE_LIMITED_DESCRIPTION = 'too many requests; retry after the Retry-After interval';

/** oidc-provider's default routes that authenticate clients (configuration.routes). */
const CLIENT_AUTH_PATHS = new Set(['/token', '/token/introspection', '/token/revocation']);

export function applyTokenRateLimits(provider: Provider, limits: TokenRateLimits): Middleware {
  guardGrantHandlers(provider, async (ctx) => {
    const clientId = ctx.oidc.client?.clientId;
    const verdict = clientId === undefined ? { limited: false as const } : await limits.checkClient(clientId);
    if (!verdict.limited) return;
    // Exposed only when status is set after construction (test-catalogue C.0).
    const error = new errors.TemporarilyUnavailable(RATE_LIMITED_DESCRIPTION);
    Object.assign(error, { status: 429, statusCode: 429 });
    ctx.set('Retry-After', String(verdict.retryAfterSeconds));
    throw error;
  });

  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !CLIENT_AUTH_PATHS.has(ctx.path)) {
      await next();
      return;
    }
    const verdict = await limits.checkAddress(ctx.ip);
    if (verdict.limited) {
      refuse(ctx, verdict.retryAfterSeconds);
      return;
    }
    await next();
    if (ctx.status === 401 && (ctx.body as { error?: unknown } | undefined)?.error === 'invalid_client') await limits.recordAuthFailure(ctx.ip);
  };
}

/** The same JSON error oidc-provider renders (RFC 6749 §5.2 shape), without reading the body. */
function refuse(ctx: Context, retryAfterSeconds: number): void {
  ctx.status = 429;
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Retry-After', String(retryAfterSeconds));
  ctx.body = { error: 'temporarily_unavailable', error_description: RATE_LIMITED_DESCRIPTION };
}
