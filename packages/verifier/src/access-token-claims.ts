/**
 * The claims of a verified RFC 9068 access token (§2.2), typed, with `scope` split into a list, and
 * the scope check a resource applies after verification (RFC 6750 §3.1 `insufficient_scope`).
 */
import type { JWTPayload } from 'jose';
import { VerifierError } from './verifier-error.ts';

export interface AccessTokenClaims {
  readonly iss: string;
  /** The user's stable wxbridge account id, or the client id for client_credentials tokens. */
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly client_id: string;
  /** The granted scopes of this resource (the `scope` claim, split on spaces; empty when absent). */
  readonly scope: readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly [claim: string]: unknown;
}

/** RFC 9068 §2.2 requires these; jose has already checked iss, aud, exp, iat and nbf. */
export const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id'] as const;

/** Typed claims, or the name of the claim that has the wrong type. */
export function toAccessTokenClaims(payload: JWTPayload): AccessTokenClaims | string {
  const { iss, aud, exp, iat, jti } = payload;
  const subject = payload.sub;
  const clientId = payload['client_id'];
  const scope = payload['scope'] ?? '';
  if (typeof iss !== 'string') return 'iss';
  if (typeof subject !== 'string' || subject === '') return 'sub';
  if (aud === undefined) return 'aud';
  if (typeof exp !== 'number' || typeof iat !== 'number') return 'exp';
  if (typeof jti !== 'string') return 'jti';
  if (typeof clientId !== 'string') return 'client_id';
  if (typeof scope !== 'string') return 'scope';
  // Built as a typed constant: against the union return type, `sub` would resolve to String#sub.
  const claims: AccessTokenClaims = { ...payload, iss, sub: subject, aud, exp, iat, jti, client_id: clientId, scope: scope.split(' ').filter((s) => s !== '') };
  return claims;
}

/** Throws 403 `insufficient_scope` (naming the needed scopes) unless every one of `scopes` was granted. */
export function requireScopes(claims: Pick<AccessTokenClaims, 'scope'>, ...scopes: string[]): void {
  checkScopes(claims, scopes);
}

export function checkScopes(claims: Pick<AccessTokenClaims, 'scope'>, scopes: readonly string[], realm?: string): void {
  const missing = scopes.filter((scope) => !claims.scope.includes(scope));
  if (missing.length > 0) {
    throw new VerifierError({ status: 403, error: 'insufficient_scope', description: `missing scope ${missing.join(' ')}`, scope: scopes, realm });
  }
}
