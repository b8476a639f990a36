/**
 * oidc-provider answers every error it did not raise itself with 500 server_error. While PostgreSQL is
 * unreachable (restart, failover) that would tell clients "broken, do not retry"; the outage is
 * transient, so it becomes 503 `temporarily_unavailable` with Retry-After (test-catalogue P-04), which
 * the client kits retry. Detected through the provider's own server_error event, rewritten after its
 * error handler has rendered the body.
 */
import type Provider from 'oidc-provider';

export const DATABASE_OUTAGE_DESCRIPTION = 'the service is temporarily unavailable; retry after the Retry-After interval';
const RETRY_AFTER_SECONDS = 5;

export function answerDatabaseOutagesWith503(provider: Provider, isUnavailable: (error: unknown) => boolean): void {
  const outages = new WeakSet<object>();
  provider.on('server_error', (ctx, error) => {
    if (isUnavailable(error)) outages.add(ctx);
  });
  provider.use(async (ctx, next) => {
    await next();
    if (!outages.has(ctx)) return;
    ctx.status = 503;
    ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
    ctx.body = { error: 'temporarily_unavailable', error_description: DATABASE_OUTAGE_DESCRIPTION };
  });
}
