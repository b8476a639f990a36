/**
 * The verification core: one RFC 9068 access token checked against a given key resolver (a remote
 * JWKS for createVerifier, the server's own published JWKS for its admin API), with the same
 * pre-checks, claim rules and error classification wherever wxbridge tokens are verified.
 */
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { REQUIRED_CLAIMS, toAccessTokenClaims, type AccessTokenClaims } from './access-token-claims.ts';
import { ASYMMETRIC_ALGORITHMS, headerProblem, type AsymmetricAlgorithm } from './token-header.ts';
import { invalidToken, VerifierError } from './verifier-error.ts';

export interface AccessTokenPolicy {
  /** The exact `iss` (no trailing-slash normalisation, RFC 9068 §4). */
  readonly issuer: string;
  /** The exact `aud` this verifier stands for. */
  readonly audience: string;
  /** Accepted signing algorithms, asymmetric only (default ES256, RS256). */
  readonly algorithms?: readonly AsymmetricAlgorithm[] | undefined;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds (default 60). */
  readonly clockTolerance?: number | undefined;
  /** Longer tokens are refused before parsing (default 16 KiB). */
  readonly maxTokenLength?: number | undefined;
  /** `realm` of the `WWW-Authenticate` challenges (default none). */
  readonly realm?: string | undefined;
  /** The clock the time claims are checked against, read once per token (jose's `currentDate`; default now). */
  readonly currentDate?: (() => Date) | undefined;
}

export const DEFAULT_ALGORITHMS: readonly AsymmetricAlgorithm[] = ['ES256', 'RS256'];

/**
 * The claims of `token` if it is a valid access token for `policy`, its key found by `getKey`.
 * Token problems throw 401 invalid_token; a VerifierError thrown by `getKey` (e.g. 503 when the
 * keys cannot be fetched) passes through unchanged; the jose error is the `cause`.
 */
export async function verifyAccessToken(token: string, getKey: JWTVerifyGetKey, policy: AccessTokenPolicy): Promise<AccessTokenClaims> {
  const algorithms = checkedAlgorithms(policy.algorithms ?? DEFAULT_ALGORITHMS);
  // Shape, alg, typ, kid and key-carrying headers first: a garbage token never reaches a key lookup.
  const problem = headerProblem(token, { algorithms, maxTokenLength: policy.maxTokenLength ?? 16_384 });
  if (problem !== undefined) throw invalidToken(problem, policy.realm);
  try {
    const { payload } = await jwtVerify(token, getKey, {
      issuer: policy.issuer,
      audience: policy.audience,
      algorithms: [...algorithms],
      typ: 'at+jwt',
      clockTolerance: policy.clockTolerance ?? 60,
      requiredClaims: [...REQUIRED_CLAIMS],
      ...(policy.currentDate === undefined ? {} : { currentDate: policy.currentDate() }),
    });
    const claims = toAccessTokenClaims(payload);
    if (typeof claims === 'string') throw invalidToken(`invalid "${claims}" claim`, policy.realm);
    return claims;
  } catch (error) {
    throw error instanceof VerifierError ? error : invalidToken(describe(error), policy.realm, error);
  }
}

/** `algorithms` if it is a non-empty list of asymmetric JWS algorithms; none and HS* are a configuration error (RFC 8725 §3.1). */
export function checkedAlgorithms(algorithms: readonly string[]): readonly AsymmetricAlgorithm[] {
  const refused = algorithms.filter((alg) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg));
  if (algorithms.length === 0 || refused.length > 0) {
    throw new TypeError(`algorithms must be asymmetric JWS algorithms; refused: ${refused.join(', ') || '(empty list)'}`);
  }
  return algorithms as readonly AsymmetricAlgorithm[];
}

/** Whether a rejection was only about time: the token was genuine but has expired. */
export function isExpiry(error: VerifierError): boolean {
  return error.cause instanceof errors.JWTExpired;
}

function describe(error: unknown): string {
  if (!(error instanceof errors.JOSEError)) return 'invalid token';
  switch (error.code) {
    case 'ERR_JWT_EXPIRED': return 'token expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': return error instanceof errors.JWTClaimValidationFailed ? `"${error.claim}" claim check failed` : 'claim check failed';
    case 'ERR_JWKS_NO_MATCHING_KEY': return 'unknown signing key';
    case 'ERR_JOSE_ALG_NOT_ALLOWED': return 'signing algorithm not allowed';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED': return 'signature verification failed';
    default: return 'invalid token';
  }
}
