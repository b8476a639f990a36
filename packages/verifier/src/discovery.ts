/**
 * OpenID Connect Discovery 1.0 §4: fetch `{issuer}/.well-known/openid-configuration` once and take
 * its `jwks_uri`, after checking that the document's `issuer` is exactly the configured one (§4.3)
 * and that the `jwks_uri` is on the issuer's origin, or on one the caller allowed explicitly: a
 * discovery document with the right issuer but someone else's key set (a forged Host reflected by a
 * proxy, a tampered cache) must not make its keys trusted (wxbridge issue #15 finding 6).
 */
import { VerifierError, unavailable } from './verifier-error.ts';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface DiscoveryOptions {
  readonly issuer: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  /** Origins besides the issuer's that may serve the JWKS (normalised, e.g. `https://keys.example`). */
  readonly allowedJwksOrigins: readonly string[];
}

export interface DiscoveredIssuer {
  readonly issuer: string;
  readonly jwksUri: URL;
}

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/** A discovery document for `issuer`; 503 when it cannot be fetched, 500 when it names another issuer. */
export async function discoverIssuer(options: DiscoveryOptions): Promise<DiscoveredIssuer> {
  let document: unknown;
  try {
    const response = await options.fetch(discoveryUrl(options.issuer), {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (response.status !== 200) throw new Error(`discovery answered HTTP ${response.status}`);
    document = await response.json();
  } catch (error) {
    throw unavailable('the issuer\'s discovery document is unavailable', error);
  }
  const { issuer, jwks_uri: jwksUri } = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  if (issuer !== options.issuer) {
    throw misconfigured(`discovery names issuer ${JSON.stringify(issuer)}, expected ${JSON.stringify(options.issuer)}`);
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri) || !/^https?:$/.test(new URL(jwksUri).protocol)) {
    throw misconfigured('discovery has no usable jwks_uri');
  }
  const { origin } = new URL(jwksUri);
  if (origin !== new URL(options.issuer).origin && !options.allowedJwksOrigins.includes(origin)) {
    throw misconfigured(`discovery's jwks_uri ${JSON.stringify(jwksUri)} is not on the issuer's origin (allow it with allowedJwksOrigins)`);
  }
  return { issuer, jwksUri: new URL(jwksUri) };
}

/** `allowedJwksOrigins` as origins; anything but a bare http(s) origin is a programming error. */
export function checkedJwksOrigins(origins: readonly string[]): readonly string[] {
  return origins.map((entry) => {
    const url = URL.canParse(entry) ? new URL(entry) : undefined;
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      throw new TypeError(`allowedJwksOrigins: ${JSON.stringify(entry)} is not an http(s) origin such as https://keys.example`);
    }
    return url.origin;
  });
}

function misconfigured(description: string): VerifierError {
  return new VerifierError({ status: 500, error: 'server_error', description });
}
