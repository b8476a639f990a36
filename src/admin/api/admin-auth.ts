/**
 * Admin API authentication (design.md §6): a bearer JWT access token that wxbridge issued for the admin
 * audience with scope `admin` — through client_credentials to an admin client, or to a person holding
 * the admin role through a client allowed that scope (the console, ADR 0025) — verified by the same core as any
 * resource server's @wxbridge/verifier (RFC 9068) against the keys this instance publishes.
 * Failures follow RFC 6750 §3.
 */
import type { Context, Next } from 'koa';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { VerifierError } from '../../../packages/verifier/src/verifier-error.ts';
import { isExpiry, verifyAccessToken } from '../../../packages/verifier/src/verify-access-token.ts';
import type { AccessTokenClaims } from '../../../packages/verifier/src/access-token-claims.ts';
import type { ResourceAccess } from '../../clients/client-registry.ts';
import type { Clock } from '../../clock.ts';
import { parseBearerHeader } from '../../http/bearer-header.ts';
import { ADMIN_SCOPE } from '../admin-audience.ts';
import type { AdminActor } from '../audited.ts';

export interface AdminAuthDeps {
  readonly issuer: string;
  readonly audience: string;
  /** The JWKS this instance publishes, current after every key reload. */
  readonly jwks: () => JSONWebKeySet;
  readonly clients: { findResourceAccess(clientId: string): Promise<ResourceAccess | null> };
  /** The time `exp` and `iat` are checked against. */
  readonly clock: Clock;
  /** Whether a person's account holds the admin role (ADR 0025), read on every request. */
  readonly admins: { isAdmin(sub: string): Promise<boolean> };
}

class Refusal {
  readonly status: 401 | 403;
  readonly error: 'unauthorized' | 'invalid_token' | 'insufficient_scope';
  readonly message: string;
  constructor(status: 401 | 403, error: Refusal['error'], message: string) {
    this.status = status;
    this.error = error;
    this.message = message;
  }
}

export function createAdminAuthentication(deps: AdminAuthDeps): (ctx: Context) => Promise<AdminActor | Refusal> {
  let published: JSONWebKeySet | undefined;
  let keySet: JWTVerifyGetKey | undefined;
  // The local JWKS is rebuilt only when a key reload published a new one.
  const currentKeys: JWTVerifyGetKey = (header, token) => {
    const jwks = deps.jwks();
    if (jwks !== published || keySet === undefined) [published, keySet] = [jwks, createLocalJWKSet(jwks)];
    return keySet(header, token);
  };
  // No leeway: this instance issued the tokens, on its own clock.
  const policy = { issuer: deps.issuer, audience: deps.audience, algorithms: ['RS256', 'ES256'] as const, clockTolerance: 0, currentDate: () => new Date(deps.clock.now()) };

  return async (ctx) => {
    const header = parseBearerHeader(ctx.get('Authorization'));
    if (header.kind !== 'token') return new Refusal(401, 'unauthorized', 'a bearer access token for the admin API is required');
    let claims: AccessTokenClaims;
    try {
      // RFC 9068 checks, kid required (OIDC Core §10.1, J-07), key-carrying headers refused (J-08).
      claims = await verifyAccessToken(header.token, currentKeys, policy);
    } catch (error) {
      if (!(error instanceof VerifierError)) throw error;
      return new Refusal(401, 'invalid_token', isExpiry(error) ? 'the access token has expired' : setupMismatch(error.cause, deps) ?? 'the access token is invalid');
    }
    const clientId = claims.client_id;
    if (!claims.scope.includes(ADMIN_SCOPE)) return new Refusal(403, 'insufficient_scope', `the access token lacks scope ${ADMIN_SCOPE}`);
    // JWTs cannot be revoked; checking the client on each call makes removing an admin client effective at once.
    const access = await deps.clients.findResourceAccess(clientId);
    if (access === null) return new Refusal(401, 'invalid_token', 'the client of this access token no longer exists');
    if (!(access.resourceScopes[deps.audience] ?? []).includes(ADMIN_SCOPE)) {
      return new Refusal(403, 'insufficient_scope', 'the client of this access token is no longer an admin client');
    }
    if (claims.sub === clientId) return { actor: clientId, clientId, ip: ctx.ip };
    // A person's token (the console, ADR 0025): the role is read on each call, so revoking it ends access at once.
    if (!(await deps.admins.isAdmin(claims.sub))) return new Refusal(403, 'insufficient_scope', 'this account does not hold the admin role');
    return { actor: claims.sub, clientId, ip: ctx.ip };
  };
}

/**
 * A genuine token of another issuer or for another audience: said plainly (no secret in it), since it
 * means the admin client was set up for another issuer, e.g. by a CLI that guessed it (issue 18 #1).
 */
function setupMismatch(cause: unknown, expected: { issuer: string; audience: string }): string | undefined {
  if (!(cause instanceof errors.JWTClaimValidationFailed)) return undefined;
  const { aud, iss } = cause.payload;
  if (cause.claim === 'aud') return `wrong audience: this admin API accepts tokens for ${expected.audience}, not ${[aud ?? 'none'].flat().join(' ')}`;
  if (cause.claim === 'iss') return `wrong issuer: this server is ${expected.issuer}, the token was issued by ${iss ?? 'nobody'}`;
  return undefined;
}

/** Koa middleware: authenticates, then runs `next` with the actor in ctx.state.adminActor; `realm` is the issuer, as on /me. */
export function requireAdmin(authenticate: (ctx: Context) => Promise<AdminActor | Refusal>, realmName: string) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const outcome = await authenticate(ctx);
    if (outcome instanceof Refusal) {
      const realm = `Bearer realm="${realmName}"`;
      ctx.set('WWW-Authenticate', outcome.error === 'unauthorized' ? realm : `${realm}, error="${outcome.error}", error_description="${outcome.message}"`);
      ctx.set('Cache-Control', 'no-store');
      ctx.status = outcome.status;
      ctx.body = { error: outcome.error, message: outcome.message };
      return;
    }
    ctx.state['adminActor'] = outcome;
    await next();
  };
}
