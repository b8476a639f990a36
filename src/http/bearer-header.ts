/**
 * The one parser of `Authorization: Bearer <token>` headers (RFC 6750 §2.1): for /me/* and the
 * admin API alike. The token must be b64token characters; anything else is malformed, not absent.
 */

/** RFC 6750 §2.1: `Bearer` 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export type BearerHeader =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed' };

export function parseBearerHeader(header: string | undefined): BearerHeader {
  if (header === undefined || header === '') return { kind: 'missing' };
  const token = BEARER.exec(header)?.[1];
  return token === undefined ? { kind: 'malformed' } : { kind: 'token', token };
}
