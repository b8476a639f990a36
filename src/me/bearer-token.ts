/**
 * Bearer-token authentication for /me/* (RFC 6750, docs/decisions/0007): the token only in the
 * Authorization header (in the query or body it would land in logs and caches: 400), an opaque
 * wxbridge access token with `openid` plus the route's scope, for an active account.
 */
import type { Context, Middleware } from 'koa';
import type { AccountRepository } from '../accounts/account.repository.ts';
import { parseBearerHeader } from '../http/bearer-header.ts';
import { bearerError } from './me-errors.ts';

/** What the routes know of the caller (src/oidc/bearer-authentication.ts produces it). */
export interface MeCaller {
  readonly accountId: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  readonly wechatAppId: string | undefined;
}

export interface BearerDeps {
  readonly authenticate: (token: string) => Promise<MeCaller | null>;
  readonly accounts: Pick<AccountRepository, 'findById'>;
}

function tokenFrom(ctx: Context): string {
  if (ctx.query['access_token'] !== undefined) throw bearerError(400, 'invalid_request', 'send the access token in the Authorization header, not in the query');
  const header = parseBearerHeader(ctx.get('Authorization'));
  if (header.kind === 'missing') throw bearerError(401, 'unauthorized', 'a bearer access token is required');
  if (header.kind === 'malformed') throw bearerError(400, 'invalid_request', 'the Authorization header must be `Bearer <access token>`');
  return header.token;
}

/** Authenticates the request and stores the caller in `ctx.state.caller`; `scope` is required besides openid. */
export function requireBearer(deps: BearerDeps, scope: string): Middleware {
  return async (ctx, next) => {
    const caller = await deps.authenticate(tokenFrom(ctx));
    if (caller === null) throw bearerError(401, 'invalid_token', 'the access token is invalid, expired or not for this endpoint');
    if ((await deps.accounts.findById(caller.accountId))?.status !== 'active') throw bearerError(401, 'invalid_token', 'the account behind the token is disabled or gone');
    for (const needed of ['openid', scope]) {
      if (!caller.scopes.has(needed)) throw bearerError(403, 'insufficient_scope', `the access token lacks the ${needed} scope`, needed);
    }
    ctx.state['caller'] = caller;
    await next();
  };
}

export function callerOf(ctx: Context): MeCaller {
  return ctx.state['caller'] as MeCaller;
}
