/**
 * Headers every answer carries (issue #15 finding 8): `X-Content-Type-Options: nosniff`, so a
 * browser never runs a JSON or text answer as script or style (Fetch standard §3.5), and, when the
 * issuer is https, `Strict-Transport-Security` (RFC 6797 §6.1): a browser that met the issuer once
 * never downgrades it to plain http. Set before the handlers run, so error answers carry them too.
 */
import type { Middleware } from 'koa';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

export function securityHeaders(issuer: string): Middleware {
  const hsts = new URL(issuer).protocol === 'https:' ? `max-age=${String(ONE_YEAR_SECONDS)}` : undefined;
  return async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    if (hsts !== undefined) ctx.set('Strict-Transport-Security', hsts);
    await next();
  };
}
