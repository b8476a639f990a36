/**
 * Express (connect-style) middleware: `app.use(expressBearerAuth(verifier, { scopes }))` puts the
 * verified claims in `req.auth` or answers 400/401/403/503 itself. Typed structurally against
 * node:http's request and response, so it runs under express, connect or a bare http server.
 */
import type { AccessTokenClaims } from './access-token-claims.ts';
import { authenticate, type AuthOptions } from './bearer-request.ts';
import type { Verifier } from './create-verifier.ts';

/** The part of an express Request the middleware uses (`body` only when a body parser ran). */
export interface ExpressLikeRequest {
  readonly headers: { readonly authorization?: string | undefined };
  readonly url?: string | undefined;
  readonly originalUrl?: string | undefined;
  readonly body?: unknown;
  auth?: AccessTokenClaims;
}

export interface ExpressLikeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type NextFunction = (error?: unknown) => void;

export function expressBearerAuth(verifier: Verifier, options: AuthOptions = {}): (req: ExpressLikeRequest, res: ExpressLikeResponse, next: NextFunction) => void {
  return (req, res, next) => {
    const url = req.originalUrl ?? req.url ?? '';
    const queryStart = url.indexOf('?');
    authenticate(verifier, {
      authorization: req.headers.authorization,
      query: queryStart === -1 ? '' : url.slice(queryStart + 1),
      body: req.body,
    }, options).then((outcome) => {
      if ('claims' in outcome) {
        req.auth = outcome.claims;
        next();
        return;
      }
      res.statusCode = outcome.failure.status;
      for (const [name, value] of Object.entries(outcome.failure.headers)) res.setHeader(name, value);
      res.end(outcome.failure.body);
    }, next);
  };
}
