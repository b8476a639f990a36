/**
 * The token-endpoint rate limits at the protocol edge (docs/decisions/0013): a Koa middleware in front
 * of oidc-provider checks the caller's address on every endpoint that authenticates clients and counts
 * failed authentications, and a guard before each grant handler checks the authenticated client. Both
 * answer 429 `temporarily_unavailable` with Retry-After, as a WeChat 45011 is answered (design.md §1).
 */
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { answerTemporarilyUnavailable } from '../../temporarily-unavailable.ts';
import type { LimitName, TokenRateLimits, Verdict } from '../../rate-limits/token-rate-limits.ts';
import { claimedClientId } from './claimed-client-id.ts';
import { guardGrantHandlers } from '../oidc-provider-seam.ts';
import { temporarilyUnavailableError } from './temporarily-unavailable-error.ts';

/** The WeChat grant's view of the failed-code limit. */
export interface FailedCodeLimit {
  /** Throws 429 temporarily_unavailable when the address or the client is over its limit. */
  before(ctx: KoaContextWithOIDC, clientId: string): void;
  /** WeChat refused the code. */
  failed(ctx: KoaContextWithOIDC, clientId: string): Promise<void>;
}

export const RATE_LIMITED_DESCRIPTION = 'too many requests; retry after the Retry-After interval';

/** oidc-provider's default routes that authenticate clients (configuration.routes). */
export const CLIENT_AUTH_ROUTES = ['/token', '/token/introspection', '/token/revocation'] as const;
const CLIENT_AUTH_PATHS = new Set<string>(CLIENT_AUTH_ROUTES);

/** Told of every request a limit refused (metrics). */
export type OnRejected = (limit: LimitName) => void;

/**
 * In front of oidc-provider: the per-address limit, and failed client authentications counted per address
 * and client id (issue #15 finding 7b). A known client's bucket is checked before its secret is compared;
 * an unknown id is only known to be unknown once the provider looked it up, so the shared bucket of
 * unknown ids turns that 401 into a 429 — the caller learns nothing, there is no secret to guess.
 */
export function guardClientAddresses(limits: TokenRateLimits, onRejected: OnRejected): Middleware {
  const refuse = (ctx: Context, verdict: Verdict & { limited: true }): void => {
    onRejected(verdict.limit);
    ctx.remove('WWW-Authenticate');
    // In the shape oidc-provider renders (RFC 6749 §5.2).
    answerTemporarilyUnavailable(ctx, { status: 429, description: RATE_LIMITED_DESCRIPTION, retryAfterSeconds: verdict.retryAfterSeconds });
  };
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || !CLIENT_AUTH_PATHS.has(ctx.path)) {
      await next();
      return;
    }
    const address = await limits.checkAddress(ctx.ip);
    if (address.limited) {
      refuse(ctx, address);
      return;
    }
    const claimed = await claimedClientId(ctx);
    const failures = limits.checkAuthFailures(ctx.ip, claimed);
    if (failures.limited) {
      refuse(ctx, failures);
      return;
    }
    await next();
    if (ctx.status !== 401 || (ctx.body as { error?: unknown } | undefined)?.error !== 'invalid_client') return;
    const known = (ctx as { oidc?: { client?: { clientId: string } } }).oidc?.client?.clientId;
    if (known === undefined) {
      const unknown = limits.checkAuthFailures(ctx.ip, undefined);
      if (unknown.limited) {
        refuse(ctx, unknown);
        return;
      }
    }
    await limits.recordAuthFailure(ctx.ip, known);
  };
}

/**
 * Around the WeChat grant's code exchange (issue #15 finding 7a): a made-up code costs a WeChat call
 * and a ledger row, so failed exchanges are limited per address and per client by default, checked
 * before WeChat is called. Only codes WeChat refused count; a successful login never does.
 */
export function limitFailedCodeExchanges(limits: TokenRateLimits, onRejected: OnRejected): FailedCodeLimit {
  return {
    before(ctx, clientId) {
      const verdict = limits.checkFailedCodes(ctx.ip, clientId);
      if (!verdict.limited) return;
      onRejected(verdict.limit);
      throw temporarilyUnavailableError(ctx, { status: 429, description: RATE_LIMITED_DESCRIPTION, retryAfterSeconds: verdict.retryAfterSeconds });
    },
    failed: (ctx, clientId) => limits.recordFailedCode(ctx.ip, clientId),
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
