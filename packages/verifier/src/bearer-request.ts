/**
 * The transport-neutral half of the middlewares: take the bearer token from the Authorization
 * header only (RFC 6750 §2.1), refuse tokens sent in the query string or a form body (RFC 9700
 * §4.3.2, RFC 6750 §2.2/§2.3: 400 invalid_request), verify it, check scopes, and turn every
 * failure into a status, headers and a JSON body.
 */
import { checkScopes, type AccessTokenClaims } from './access-token-claims.ts';
import type { Verifier } from './create-verifier.ts';
import { invalidRequest, missingToken, VerifierError } from './verifier-error.ts';

export interface BearerRequest {
  readonly authorization: string | undefined;
  /** The raw query string (without `?`). */
  readonly query: string;
  /** A parsed body, when a body parser ran before the middleware. */
  readonly body: unknown;
}

export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface AuthOptions {
  /** Scopes every request must have been granted (403 insufficient_scope otherwise). */
  readonly scopes?: readonly string[];
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export type AuthOutcome = { readonly claims: AccessTokenClaims } | { readonly failure: ErrorResponse };

/** Verified claims, or the error response to send; throws only on bugs, never on bad input. */
export async function authenticate(verifier: Verifier, request: BearerRequest, options: AuthOptions = {}): Promise<AuthOutcome> {
  try {
    const claims = await verifier.verify(bearerToken(request, verifier.realm));
    checkScopes(claims, options.scopes ?? [], verifier.realm);
    return { claims };
  } catch (error) {
    if (error instanceof VerifierError) return { failure: errorResponse(error) };
    throw error;
  }
}

function bearerToken(request: BearerRequest, realm: string | undefined): string {
  if (new URLSearchParams(request.query).has('access_token')) {
    throw invalidRequest('access tokens are accepted only in the Authorization header, not in the query string', realm);
  }
  if (typeof request.body === 'object' && request.body !== null && 'access_token' in request.body) {
    throw invalidRequest('access tokens are accepted only in the Authorization header, not in the body', realm);
  }
  const authorization = request.authorization?.trim() ?? '';
  if (!/^Bearer(\s|$)/i.test(authorization)) throw missingToken(realm);
  const match = BEARER.exec(authorization);
  if (match?.[1] === undefined) throw invalidRequest('malformed Bearer Authorization header', realm);
  return match[1];
}

export function errorResponse(error: VerifierError): ErrorResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...error.headers };
  if (error.status === 503) headers['retry-after'] = '5';
  return { status: error.status, headers, body: JSON.stringify(error.toJSON()) };
}
