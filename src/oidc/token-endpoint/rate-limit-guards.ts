/**
 * The token-endpoint rate limits at the protocol edge (docs/decisions/0013): a Koa middleware in front
 * of oidc-provider checks the caller's address on every endpoint that authenticates clients and counts
 * failed authentications, and a guard before each grant handler checks the authenticated client. Both
 * answer 429 `temporarily_unavailable` with Retry-After, as a WeChat 45011 is answered (design.md §1).
 */
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';
import { answerTemporarilyUnavailable } from '../../temporarily-unavailable.ts';
import type { LimitName, TokenRateLimits } from '../../rate-limits/token-rate-limits.ts';
import { guardGrantHandlers } from '../oidc-provider-seam.ts';
import { temporarilyUnavailableError } from './temporarily-unavailable-error.ts';

export const RATE_LIMITED_DESCRIPTION = 'too many requests; retry after the Retry-After interval';

/** oidc-provider's default routes that authenticate clients (configuration.routes). */
export const CLIENT_AUTH_ROUTES = ['/token', '/token/introspection', '/token/revocation'] as const;
const CLIENT_AUTH_PATHS = new Set<string>(CLIENT_AUTH_ROUTES);

/** In front of oidc-provider: per-address limit, and failed client authentications counted per address. */
/** Told of every request a limit refused (metrics). */
export type OnRejected = (limit: LimitName) => void;

export function guardClientAddresses(limits: TokenRateLimits, onRejected: OnRejected): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !CLIENT_AUTH_PATHS.has(ctx.path)) {
      await next();
      return;
    }
    const verdict = await limits.checkAddress(ctx.ip);
    if (verdict.limited) {
      onRejected(verdict.limit);
      // Answered without reading the body, in the shape oidc-provider renders (RFC 6749 §5.2).
      answerTemporarilyUnavailable(ctx, { status: 429, description: RATE_LIMITED_DESCRIPTION, retryAfterSeconds: verdict.retryAfterSeconds });
      return;
    }
    await next();
    if (ctx.status === 401 && (ctx.body as { error?: unknown } | undefined)?.error === 'invalid_client') await limits.recordAuthFailure(ctx.ip);
  };
}

/** Before every registered grant handler (call after the last grant is registered): the per-client limit. */
export function guardClientGrants(provider: Provider, limits: TokenRateLimits, onRejected: OnRejected): void {
  guardGrantHandlers(provider, async (ctx) => {
    const clientId = ctx.oidc.client?.clientId;
    const verdict = clientId === undefined ? { limited: false as const } : await limits.checkClient(clientId);
    if (!verdict.limited) return;
    onRejected(verdict.limit);
    throw temporarilyUnavailableError(ctx, { status: 429, description: RATE_LIMITED_DESCRIPTION, retryAfterSeconds: verdict.retryAfterSeconds });
  });
}
