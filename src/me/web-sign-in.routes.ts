/**
 * The phone's side of "scan with the mini-program" (issue 13 #3, ADR 0019): the mini-program opened by
 * the code reads the ticket (`GET /me/web-sign-ins/{scene}`: marks it scanned, names the client to show
 * "Sign in to ‹client›?"), then confirms or rejects it with the user's own opaque access token. Only a
 * client of the mini-program the code was made for may answer (docs/decisions/0007 for the bearer rules).
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { WebSignInTickets } from '../web-sign-ins/web-sign-in-tickets.ts';
import type { Logger } from '../logger.ts';
import { callerOf, requireBearer, type BearerDeps } from './bearer-token.ts';
import { bearerError, createMeErrorMiddleware } from './me-errors.ts';

export interface WebSignInRouteDeps extends BearerDeps {
  readonly webSignIns: Pick<WebSignInTickets, 'inspect' | 'answer'>;
  readonly logger: Logger;
  readonly issuer: string;
}

/** Nothing is read from a body; a token sent in one is refused as on every /me route (RFC 6750 §2.2). */
const noBody: Middleware = async (ctx, next) => {
  if (ctx.request.length) throw bearerError(400, 'invalid_request', 'this endpoint takes no body; send the access token in the Authorization header');
  await next();
};

export function createWebSignInRoutes(deps: WebSignInRouteDeps): Router {
  const router = new Router({ prefix: '/me/web-sign-ins' });
  const guarded = [createMeErrorMiddleware(deps.logger, deps.issuer), noBody, requireBearer(deps, 'openid')];

  router.get('/:scene', ...guarded, async (ctx) => {
    const ticket = await deps.webSignIns.inspect(ctx.params['scene'] ?? '', callerOf(ctx).wechatAppId);
    ctx.body = { status: ticket.status, client_id: ticket.clientId, client_name: ticket.clientName };
  });

  for (const [path, answer] of [['confirm', 'confirmed'], ['reject', 'rejected']] as const) {
    router.post(`/:scene/${path}`, ...guarded, async (ctx) => {
      const { accountId, clientId, wechatAppId } = callerOf(ctx);
      const ticket = await deps.webSignIns.answer(ctx.params['scene'] ?? '', { appId: wechatAppId, accountId, callerClientId: clientId, answer });
      deps.logger.info({ event: `web_sign_in_${answer}`, sub: accountId, clientId, webClientId: ticket.clientId }, `web sign-in ${answer} on the phone`);
      ctx.body = { status: answer, client_id: ticket.clientId, client_name: ticket.clientName };
    });
  }

  return router;
}
