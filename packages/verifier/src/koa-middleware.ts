/**
 * Koa middleware: `app.use(koaBearerAuth(verifier, { scopes }))` puts the verified claims in
 * `ctx.state.auth` or answers 400/401/403/503 itself. Typed structurally, so this package does not
 * depend on koa.
 */
import type { AccessTokenClaims } from './access-token-claims.ts';
import { authenticate, type AuthOptions } from './bearer-request.ts';
import type { Verifier } from './create-verifier.ts';

/** The part of a koa Context the middleware uses. */
export interface KoaLikeContext {
  get(field: string): string;
  readonly querystring: string;
  /** `ctx.request`; its `body` is read when a body parser set one. */
  readonly request: object;
  readonly state: Record<string, unknown>;
  status: number;
  body: unknown;
  set(field: string, value: string): void;
}

/** The state the middleware adds: `new Koa<AuthState>()` or `Router<AuthState>` types `ctx.state.auth`. */
export interface AuthState {
  auth: AccessTokenClaims;
}

export function koaBearerAuth(verifier: Verifier, options: AuthOptions = {}): (ctx: KoaLikeContext, next: () => Promise<unknown>) => Promise<void> {
  return async (ctx, next) => {
    const outcome = await authenticate(verifier, {
      authorization: ctx.get('authorization') || undefined,
      query: ctx.querystring,
      body: 'body' in ctx.request ? ctx.request.body : undefined,
    }, options);
    if ('failure' in outcome) {
      ctx.status = outcome.failure.status;
      for (const [name, value] of Object.entries(outcome.failure.headers)) ctx.set(name, value);
      ctx.body = outcome.failure.body;
      return;
    }
    ctx.state['auth'] = outcome.claims;
    await next();
  };
}
