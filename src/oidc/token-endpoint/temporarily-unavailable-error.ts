/**
 * temporarily_unavailable thrown inside oidc-provider (a grant handler or guard), which renders it.
 * oidc-provider only exposes an error's description when the status is set after construction
 * (test-catalogue C.0); the headers are those of every temporarily_unavailable answer.
 */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { setRetryHeaders, type TemporarilyUnavailable } from '../../temporarily-unavailable.ts';

export function temporarilyUnavailableError(ctx: KoaContextWithOIDC, answer: TemporarilyUnavailable): Error {
  const error = new errors.TemporarilyUnavailable(answer.description);
  Object.assign(error, { status: answer.status, statusCode: answer.status });
  setRetryHeaders(ctx, answer.retryAfterSeconds);
  return error;
}
