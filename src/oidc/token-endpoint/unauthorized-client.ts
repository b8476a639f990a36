/**
 * RFC 6749 §5.2 names the error for "the authenticated client is not authorized to use this grant
 * type" `unauthorized_client`; oidc-provider's allowedGrantTypeCheck (lib/actions/token.js) answers
 * `invalid_request` with this text (test-catalogue T-08).
 */
import { routeOf, type ResponseRewrite } from '../response-rewrites.ts';

const GRANT_TYPE_NOT_ALLOWED = 'requested grant type is not allowed for this client';

export const unauthorizedClientForDisallowedGrants: ResponseRewrite = (ctx) => {
  const body = ctx.body as { error?: unknown; error_description?: unknown } | undefined;
  if (routeOf(ctx) === 'token' && ctx.status === 400 && body?.error === 'invalid_request' && body.error_description === GRANT_TYPE_NOT_ALLOWED) {
    ctx.body = { ...body, error: 'unauthorized_client' };
  }
};
