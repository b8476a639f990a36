/**
 * createVerifier(): offline validation of wxbridge's RFC 9068 JWT access tokens for a resource
 * server, on jose. The JWKS comes from the issuer's discovery document, is cached, and is fetched
 * again when a token names an unknown `kid` (at most once per cooldown, jose's rule), so a key
 * rotation needs no restart. Anything wrong with a token is 401 `invalid_token`; an unreachable
 * issuer is 503 (fail closed); nothing else escapes.
 */
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { REQUIRED_CLAIMS, toAccessTokenClaims, type AccessTokenClaims } from './access-token-claims.ts';
import { discoverIssuer, type FetchLike } from './discovery.ts';
import { ASYMMETRIC_ALGORITHMS, headerProblem, type AsymmetricAlgorithm } from './token-header.ts';
import { invalidToken, unavailable, VerifierError } from './verifier-error.ts';

export interface VerifierOptions {
  /** The issuer exactly as in wxbridge's discovery document and the tokens' `iss` (no trailing slash). */
  readonly issuer: string;
  /** This resource server's URI: the tokens' `aud`. */
  readonly audience: string;
  /** Accepted signing algorithms (default ES256, RS256); asymmetric only. */
  readonly algorithms?: readonly AsymmetricAlgorithm[];
  /** Leeway for `exp`, `nbf` and `iat`, in seconds (default 60). */
  readonly clockTolerance?: number;
  /** Timeout of one discovery or JWKS request (default 5000 ms). */
  readonly fetchTimeoutMs?: number;
  /** Minimum time between two JWKS fetches caused by unknown `kid`s (default 30 000 ms). */
  readonly jwksCooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again (default 600 000 ms). */
  readonly jwksCacheMaxAgeMs?: number;
  /** Longer tokens are refused before parsing (default 16 KiB). */
  readonly maxTokenLength?: number;
  /** `realm` of the `WWW-Authenticate` challenges (default none). */
  readonly realm?: string;
  /** The fetch used for discovery and the JWKS (default globalThis.fetch). */
  readonly fetch?: FetchLike;
}

export interface Verifier {
  /** The claims of a valid access token; throws VerifierError (401 or 503) otherwise. */
  verify(token: string): Promise<AccessTokenClaims>;
  readonly realm: string | undefined;
}

export function createVerifier(options: VerifierOptions): Verifier {
  const settings = withDefaults(options);
  const signingKeys = createKeySource(settings);

  return {
    realm: settings.realm,
    async verify(token) {
      const problem = headerProblem(token, settings);
      if (problem !== undefined) throw invalidToken(problem, settings.realm);
      const getKey = await signingKeys();
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: settings.issuer,
          audience: settings.audience,
          algorithms: [...settings.algorithms],
          typ: 'at+jwt',
          clockTolerance: settings.clockTolerance,
          requiredClaims: [...REQUIRED_CLAIMS],
        });
        const claims = toAccessTokenClaims(payload);
        if (typeof claims === 'string') throw invalidToken(`invalid "${claims}" claim`, settings.realm);
        return claims;
      } catch (error) {
        throw error instanceof VerifierError ? error : invalidToken(describe(error), settings.realm, error);
      }
    },
  };
}

/** The issuer's remote JWKS, found through discovery on first use; a failed discovery is retried by the next call. */
function createKeySource(settings: Settings): () => Promise<JWTVerifyGetKey> {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  return () => {
    if (keys !== undefined) return keys;
    const created = discoverIssuer({ issuer: settings.issuer, fetch: settings.fetch, timeoutMs: settings.fetchTimeoutMs }).then((discovered) =>
      reportUnavailable(createRemoteJWKSet(discovered.jwksUri, {
        timeoutDuration: settings.fetchTimeoutMs,
        cooldownDuration: settings.jwksCooldownMs,
        cacheMaxAge: settings.jwksCacheMaxAgeMs,
        [customFetch]: settings.fetch,
      })));
    keys = created;
    created.catch(() => { if (keys === created) keys = undefined; });
    return created;
  };
}

type Settings = Required<Omit<VerifierOptions, 'realm'>> & { readonly realm: string | undefined };

function withDefaults(options: VerifierOptions): Settings {
  const algorithms = options.algorithms ?? ['ES256', 'RS256'];
  const refused = algorithms.filter((alg) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg));
  if (algorithms.length === 0 || refused.length > 0) {
    throw new TypeError(`algorithms must be asymmetric JWS algorithms; refused: ${refused.join(', ') || '(empty list)'}`);
  }
  return {
    issuer: options.issuer,
    audience: options.audience,
    algorithms,
    clockTolerance: options.clockTolerance ?? 60,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 5000,
    jwksCooldownMs: options.jwksCooldownMs ?? 30_000,
    jwksCacheMaxAgeMs: options.jwksCacheMaxAgeMs ?? 600_000,
    maxTokenLength: options.maxTokenLength ?? 16_384,
    realm: options.realm,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  };
}

/**
 * Key lookups that fail because the JWKS could not be fetched (timeout, network, non-200, not a
 * JWKS) become 503; a JWKS that simply lacks the token's key stays a token problem (401).
 */
function reportUnavailable(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      const fetchFailed = !(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout
        || error instanceof errors.JWKSInvalid || error.code === 'ERR_JOSE_GENERIC';
      throw fetchFailed ? unavailable('the issuer\'s signing keys are unavailable', error) : error;
    }
  };
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
