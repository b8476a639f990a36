/**
 * Discovery and the JWKS are the same bytes for every request until the signing keys change, yet
 * oidc-provider renders them anew each time. This middleware keeps the last 200 answer per path
 * and serves it to plain GETs — no query string, no Origin header (CORS requests still reach the
 * provider, which answers their headers) — until `version()` changes (a key reload). oidc-provider
 * names discovery's endpoints after the request's origin (Host, X-Forwarded-*), so answers are kept
 * per set of those headers, a bounded number of them. bench/README.md has the effect on throughput.
 */
import type { Middleware } from 'koa';

export const PROVIDER_DOCUMENTS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jwks'] as const;

interface Rendered {
  readonly version: number;
  /** Encoded once: writing a string answer re-encodes it as UTF-8 on every request (a third of a JWKS answer's CPU). */
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** The request headers an answer may depend on (oidc-provider's urlFor follows the request origin). */
const ORIGIN_HEADERS = ['host', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded'] as const;

/** Distinct origins remembered per path; more (a client inventing Host headers) are simply not cached. */
const MAX_ORIGINS = 16;

/** Headers recomputed for every answer by Node or koa; everything else the provider set is replayed. */
const PER_RESPONSE = new Set(['content-length', 'date', 'connection', 'keep-alive']);

export function createDocumentCache(deps: { version: () => number; paths?: readonly string[] }): Middleware {
  const paths = new Set<string>(deps.paths ?? PROVIDER_DOCUMENTS);
  const rendered = new Map<string, Rendered>();

  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !paths.has(ctx.path) || ctx.querystring !== '' || ctx.get('Origin') !== '') {
      await next();
      return;
    }
    const version = deps.version();
    const key = `${ctx.path}\u0000${ctx.protocol}\u0000${ORIGIN_HEADERS.map((name) => ctx.get(name)).join('\u0000')}`;
    const hit = rendered.get(key);
    if (hit?.version === version) {
      ctx.set(hit.headers);
      ctx.status = 200;
      // Content-Type is among the replayed headers, so koa keeps it for the Buffer.
      ctx.body = hit.body;
      return;
    }
    await next();
    if (ctx.status !== 200 || ctx.body === null || typeof ctx.body !== 'object' || Buffer.isBuffer(ctx.body)) return;
    const body = Buffer.from(JSON.stringify(ctx.body));
    const headers = Object.fromEntries(Object.entries(ctx.response.headers)
      .filter(([name, value]) => !PER_RESPONSE.has(name.toLowerCase()) && typeof value === 'string')) as Record<string, string>;
    if (rendered.size >= MAX_ORIGINS * paths.size && !rendered.has(key)) return;
    rendered.set(key, { version, body, headers });
  };
}
