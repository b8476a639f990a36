/**
 * HTTP requests counted and timed by route (design.md §9, issue 19 #1). The route label is the
 * router's pattern (`/admin/v1/clients/:clientId`, oidc-provider's `/token`), never the raw path: a path
 * carries ids and a scanner invents paths without end. Paths answered before any router sees them (the
 * cached discovery documents, a rate-limited /token) are named by a fixed list of their own; everything
 * else is one `unmatched` series.
 */
import type { Middleware } from 'koa';
import { UNMATCHED_ROUTE, type Metrics } from './metrics.ts';

export function createHttpMetrics(deps: { metrics: Pick<Metrics, 'observeHttpRequest'>; fixedRoutes: readonly string[] }): Middleware {
  const fixed = new Set(deps.fixedRoutes);
  const routeOf = (ctx: { path: string; _matchedRoute?: unknown }): string => {
    // Set by @koa/router and by oidc-provider's router to the matched layer's pattern (prefix included).
    if (typeof ctx._matchedRoute === 'string') return ctx._matchedRoute;
    return fixed.has(ctx.path) ? ctx.path : UNMATCHED_ROUTE;
  };
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // Mounted outside the error middleware, which answers every error: ctx.status is the status sent.
      deps.metrics.observeHttpRequest({ route: routeOf(ctx), method: ctx.method, status: ctx.status, seconds: (performance.now() - started) / 1000 });
    }
  };
}
