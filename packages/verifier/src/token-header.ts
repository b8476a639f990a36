/**
 * Cheap structural checks before any key lookup (RFC 8725 §3.1, §3.10, §3.11; RFC 9068 §4): a
 * compact JWS of bounded size, an allowed asymmetric `alg`, `typ: at+jwt`, a string `kid`, no
 * header that names or carries a key (`jku`, `x5u`, `jwk`, `x5c`): keys come only from the JWKS, and
 * no `crit`: wxbridge never sets one, so no extension has to be understood (RFC 7515 §4.1.11).
 */
import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';

/** Asymmetric JWS algorithms only: `none` and HS* are never accepted (RFC 8725 §3.1, CVE-2016-10555). */
export const ASYMMETRIC_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const KEY_CARRYING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const;
const MAX_KID_LENGTH = 256;

export interface HeaderPolicy {
  readonly algorithms: readonly AsymmetricAlgorithm[];
  readonly maxTokenLength: number;
}

/** The problem with the token's shape or header, or undefined when it may go on to verification. */
export function headerProblem(token: string, policy: HeaderPolicy): string | undefined {
  if (token.length > policy.maxTokenLength) return 'token too large';
  if (!COMPACT_JWS.test(token)) return 'not a signed compact JWT';
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return 'malformed JOSE header';
  }
  if (typeof header.alg !== 'string' || !(policy.algorithms as readonly string[]).includes(header.alg)) return 'signing algorithm not allowed';
  if (!isAccessTokenType(header.typ)) return 'not an access token (typ must be at+jwt)';
  if (typeof header.kid !== 'string' || header.kid === '' || header.kid.length > MAX_KID_LENGTH) return 'missing or invalid kid';
  if (KEY_CARRYING_HEADERS.some((name) => name in header)) return 'key-carrying JOSE header not allowed';
  if ('crit' in header) return 'critical JOSE header extensions not allowed';
  return undefined;
}

/** RFC 9068 §4: `at+jwt`, also as `application/at+jwt` (RFC 7515 §4.1.9 media-type shorthand). */
function isAccessTokenType(typ: unknown): boolean {
  return typeof typ === 'string' && /^(application\/)?at\+jwt$/i.test(typ);
}
