/**
 * In front of oidc-provider: a request whose path, query or form parameters PostgreSQL can't store
 * (a NUL byte, an unpaired surrogate) is answered 400 invalid_request (RFC 6749 §5.2: "includes an
 * unsupported parameter value") before any client, token or resource lookup runs — not a database
 * error turned 500 or 503 (issue #15 finding 2). Refused token requests are still audited.
 */
import type { Middleware } from 'koa';
import { hasUnstorableTarget, hasUnstorableText, UNSTORABLE_INPUT_MESSAGE } from '../db/storable-text.ts';
import { peekForm } from './form-peek.ts';

export interface RefusedRequest {
  readonly path: string;
  readonly ip: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export function refuseUnstorableParameters(deps: { onRefused: (request: RefusedRequest) => void }): Middleware {
  return async (ctx, next) => {
    const form = await peekForm(ctx);
    if (!hasUnstorableTarget({ path: ctx.path, query: ctx.query }) && !hasUnstorableText(form)) {
      await next();
      return;
    }
    deps.onRefused({ path: ctx.path, ip: ctx.ip, params: { ...ctx.query, ...form } });
    ctx.status = 400;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { error: 'invalid_request', error_description: UNSTORABLE_INPUT_MESSAGE };
  };
}
