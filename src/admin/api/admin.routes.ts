/**
 * The admin HTTP API under /admin/v1 (design.md §6): JSON in and out, errors as `{error, message}`
 * (src/http/error-middleware.ts), every request authenticated first — unknown paths included, so
 * the API reveals nothing to an anonymous caller. No CORS: it is for scripts, not browsers.
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { AppError } from '../../errors.ts';
import { hasUnstorableTarget, UNSTORABLE_INPUT_MESSAGE } from '../../db/storable-text.ts';
import { ADMIN_API_PREFIX } from '../admin-audience.ts';
import type { AdminServices } from '../admin-services.ts';
import { createAdminAuthentication, requireAdmin, type AdminAuthDeps } from './admin-auth.ts';
import { registerAccountLifecycleRoutes } from './account-lifecycle.routes.ts';
import { registerAppRoutes } from './apps.routes.ts';
import { registerClientRoutes } from './clients.routes.ts';
import { registerKeyUserAuditRoutes } from './keys-users-audit.routes.ts';
import { registerOverviewRoutes } from './overview.routes.ts';
import { registerResourceRoutes } from './resources.routes.ts';

export function createAdminApi(deps: { services: AdminServices; auth: Omit<AdminAuthDeps, 'audience'> }): Middleware {
  const router = new Router({ prefix: ADMIN_API_PREFIX });
  registerAppRoutes(router, deps.services);
  registerClientRoutes(router, deps.services);
  registerResourceRoutes(router, deps.services);
  registerKeyUserAuditRoutes(router, deps.services);
  registerAccountLifecycleRoutes(router, deps.services);
  registerOverviewRoutes(router, deps.services);
  const authenticate = requireAdmin(createAdminAuthentication({ ...deps.auth, audience: deps.services.adminAudience }), deps.auth.issuer);
  // The router's middleware is typed for a router context; it is an ordinary Koa middleware.
  const routes = router.routes() as unknown as Middleware;
  const methods = router.allowedMethods() as unknown as Middleware;

  return async (ctx, next) => {
    if (ctx.path !== ADMIN_API_PREFIX && !ctx.path.startsWith(`${ADMIN_API_PREFIX}/`)) {
      await next();
      return;
    }
    await authenticate(ctx, async () => {
      ctx.set('Cache-Control', 'no-store');
      // Paths and queries PostgreSQL can't store never reach a lookup (issue #15 finding 2).
      if (hasUnstorableTarget({ path: ctx.path, query: ctx.query })) throw new AppError('request.invalid', UNSTORABLE_INPUT_MESSAGE);
      await routes(ctx, async () => { await methods(ctx, () => Promise.resolve()); });
      if (ctx.body === undefined && ctx.status === 404) {
        ctx.body = { error: 'not_found', message: `no admin endpoint ${ctx.method} ${ctx.path}` };
        ctx.status = 404; // assigning a body set 200 (issue #15 finding 8)
      }
    });
  };
}
