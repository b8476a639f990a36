/**
 * @wxbridge/verifier: validate wxbridge's JWT access tokens in a resource server (RFC 9068, RFC 6750).
 */
export { createVerifier, type Verifier, type VerifierOptions } from './create-verifier.ts';
export { verifyAccessToken, type AccessTokenPolicy } from './verify-access-token.ts';
export { requireScopes, type AccessTokenClaims } from './access-token-claims.ts';
export { VerifierError, type BearerErrorCode, type VerifierErrorCode } from './verifier-error.ts';
export { authenticate, errorResponse, type AuthOptions, type AuthOutcome, type BearerRequest, type ErrorResponse } from './bearer-request.ts';
export { koaBearerAuth, type AuthState, type KoaLikeContext } from './koa-middleware.ts';
export { expressBearerAuth, type ExpressLikeRequest, type ExpressLikeResponse, type NextFunction } from './express-middleware.ts';
export { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm } from './token-header.ts';
export type { FetchLike } from './discovery.ts';
