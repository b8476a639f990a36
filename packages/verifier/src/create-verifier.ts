/**
 * createVerifier(): offline validation of wxbridge's RFC 9068 JWT access tokens for a resource
 * server, on jose. The JWKS comes from the issuer's discovery document, is cached, and is fetched
 * again when a token names an unknown `kid` (at most once per cooldown, jose's rule), so a key
 * rotation needs no restart. Anything wrong with a token is 401 `invalid_token`; an unreachable
 * issuer is 503 (fail closed); nothing else escapes.
 */
import { createRemoteJWKSet, customFetch, errors, type JWTVerifyGetKey } from 'jose';
import type { AccessTokenClaims } from './access-token-claims.ts';
import { checkedJwksOrigins, discoverIssuer, type FetchLike } from './discovery.ts';
import type { AsymmetricAlgorithm } from './token-header.ts';
import { unavailable } from './verifier-error.ts';
import { checkedAlgorithms, DEFAULT_ALGORITHMS, verifyAccessToken } from './verify-access-token.ts';

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
  /**
   * Origins besides the issuer's own that discovery's `jwks_uri` may name (default none): a JWKS
   * elsewhere is refused (500) unless listed here, e.g. `['https://keys.example']`.
   */
  readonly allowedJwksOrigins?: readonly string[];
  /** The fetch used for discovery and the JWKS (default globalThis.fetch). */
  readonly fetch?: FetchLike;
  /** The clock `exp`, `nbf` and `iat` are checked against, in ms since the epoch (default Date.now). */
  readonly now?: () => number;
}

export interface Verifier {
  /** The claims of a valid access token; throws VerifierError (401 or 503) otherwise. */
  verify(token: string): Promise<AccessTokenClaims>;
  readonly realm: string | undefined;
}

export function createVerifier(options: VerifierOptions): Verifier {
  const settings = withDefaults(options);
  const signingKeys = createKeySource(settings);
  // Discovery happens on the first key lookup, so a token refused by the pre-checks fetches nothing.
  const getKey: JWTVerifyGetKey = async (header, token) => (await signingKeys())(header, token);
  const policy = { ...settings, currentDate: () => new Date(settings.now()) };

  return {
    realm: settings.realm,
    verify: (token) => verifyAccessToken(token, getKey, policy),
  };
}

/** The issuer's remote JWKS, found through discovery on first use; a failed discovery is retried by the next call. */
function createKeySource(settings: Settings): () => Promise<JWTVerifyGetKey> {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  return () => {
    if (keys !== undefined) return keys;
    const created = discoverIssuer({ issuer: settings.issuer, fetch: settings.fetch, timeoutMs: settings.fetchTimeoutMs, allowedJwksOrigins: settings.allowedJwksOrigins }).then((discovered) =>
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
  return {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: checkedAlgorithms(options.algorithms ?? DEFAULT_ALGORITHMS),
    clockTolerance: options.clockTolerance ?? 60,
    fetchTimeoutMs: options.fetchTimeoutMs ?? 5000,
    jwksCooldownMs: options.jwksCooldownMs ?? 30_000,
    jwksCacheMaxAgeMs: options.jwksCacheMaxAgeMs ?? 600_000,
    maxTokenLength: options.maxTokenLength ?? 16_384,
    allowedJwksOrigins: checkedJwksOrigins(options.allowedJwksOrigins ?? []),
    realm: options.realm,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    now: options.now ?? Date.now,
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
