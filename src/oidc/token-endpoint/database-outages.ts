/**
 * oidc-provider answers every error it did not raise itself with 500 server_error. While PostgreSQL is
 * unreachable (restart, failover) that would tell clients "broken, do not retry"; the outage is
 * transient, so it becomes 503 `temporarily_unavailable` with Retry-After (test-catalogue P-04), which
 * the client kits retry. Recognised through the provider's own server_error event; rewritten after its
 * error handler has rendered the body.
 */
import type Provider from 'oidc-provider';
import { answerTemporarilyUnavailable, OUTAGE_RETRY_AFTER_SECONDS } from '../../temporarily-unavailable.ts';
import type { ResponseRewrite } from '../response-rewrites.ts';

export const DATABASE_OUTAGE_DESCRIPTION = 'the service is temporarily unavailable; retry after the Retry-After interval';

export function databaseOutagesAs503(provider: Provider, isUnavailable: (error: unknown) => boolean): ResponseRewrite {
  const outages = new WeakSet<object>();
  provider.on('server_error', (ctx, error) => {
    if (isUnavailable(error)) outages.add(ctx);
  });
  return (ctx) => {
    if (!outages.has(ctx)) return;
    answerTemporarilyUnavailable(ctx, { status: 503, description: DATABASE_OUTAGE_DESCRIPTION, retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS });
  };
}
