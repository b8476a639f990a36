/**
 * One span per token request (issue 19 #2), around everything wxbridge and oidc-provider do for it, so
 * the WeChat call and the database queries it causes are its children. Its attributes are bounded and
 * carry no secret, code or token: the grant as one of a fixed list, the client id only once the registry
 * found the client, the status and the OAuth error code. A no-op unless tracing is on (src/tracing/).
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { grantLabel } from './token-metrics.ts';

export function traceTokenRequests(): Middleware {
  const tracer = trace.getTracer('wxbridge');
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/token') {
      await next();
      return;
    }
    await tracer.startActiveSpan('wxbridge.token', { kind: SpanKind.INTERNAL }, async (span) => {
      try {
        await next();
      } finally {
        const oidc = (ctx as { oidc?: { params?: Record<string, unknown>; client?: { clientId: string } } }).oidc;
        const body = ctx.body as { error?: unknown } | undefined;
        span.setAttributes({
          'oauth.grant': grantLabel(oidc?.params?.['grant_type']),
          'http.response.status_code': ctx.status,
          ...(oidc?.client === undefined ? {} : { 'oauth.client_id': oidc.client.clientId }),
          ...(typeof body?.error === 'string' ? { 'oauth.error': body.error.slice(0, 64) } : {}),
        });
        if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
  };
}
