/**
 * Answers oidc-provider renders that wxbridge corrects afterwards, all in one middleware inside the
 * provider (it runs after the library's error handler has rendered the body), in the order given.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';

/** The route oidc-provider matched (`token`, `jwks`, `userinfo`, …), when it matched one. */
export function routeOf(ctx: Context): string | undefined {
  return (ctx as { oidc?: { route?: string } }).oidc?.route;
}

/** Looks at one rendered answer and may replace its status, headers or body. */
export type ResponseRewrite = (ctx: Context) => void;

export function rewriteResponses(provider: Provider, rewrites: readonly ResponseRewrite[]): void {
  provider.use(async (ctx, next) => {
    await next();
    for (const rewrite of rewrites) rewrite(ctx);
  });
}
