/**
 * The signed-in user's own account (issue 17 #5; PIPL art. 45, 47): `GET /me/export` answers every
 * stored field about the account in one JSON document (no secret, no session key); `DELETE /me`
 * deletes the account — identities, phone, profile, session keys, grants — and pseudonymises its audit
 * entries; the token used is dead afterwards and a later login creates a new `sub`. Any opaque access
 * token of the user with `openid` will do (docs/decisions/0007). `GET /me` stays oidc-provider's userinfo.
 */
import Router from '@koa/router';
import type { AccountDeletion } from '../accounts/account-deletion.ts';
import type { AccountExporter } from '../accounts/account-export.ts';
import type { Logger } from '../logger.ts';
import { callerOf, requireBearer, type BearerDeps } from './bearer-token.ts';
import { bearerError, createMeErrorMiddleware } from './me-errors.ts';

export interface AccountRouteDeps extends BearerDeps {
  readonly deletion: AccountDeletion;
  readonly exporter: AccountExporter;
  readonly logger: Logger;
  readonly issuer: string;
}

export function createAccountRoutes(deps: AccountRouteDeps): Router {
  const router = new Router();
  const errors = createMeErrorMiddleware(deps.logger, deps.issuer);
  const noTokenInQuery = requireBearer(deps, 'openid');

  router.get('/me/export', errors, noTokenInQuery, async (ctx) => {
    ctx.body = await deps.exporter.export(callerOf(ctx).accountId);
  });

  router.delete('/me', errors, async (ctx, next) => {
    // A body is never needed; a token in it is refused like everywhere on /me (RFC 6750 §2.2).
    if (ctx.request.length) throw bearerError(400, 'invalid_request', 'DELETE /me takes no body; send the access token in the Authorization header');
    await next();
  }, noTokenInQuery, async (ctx) => {
    const { accountId, clientId } = callerOf(ctx);
    const { pseudonym } = await deps.deletion.delete({ sub: accountId, actor: clientId, clientId });
    deps.logger.info({ event: 'account_deleted', pseudonym, clientId }, 'account deleted by its user');
    ctx.body = { deleted: true };
  });

  return router;
}
