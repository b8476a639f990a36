/** Liveness and readiness (design.md §9): /healthz answers from the process, /readyz checks the database and keys. */
import Router from '@koa/router';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<boolean>;
}

export function createHealthRoutes(checks: readonly ReadinessCheck[]): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await withinDeadline(c.check())] as const));
    const ready = results.every(([, ok]) => ok);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'failing'])) };
  });
  return router;
}

/** A check that fails or hangs is failing (P-04: readiness must answer while PostgreSQL is down or stuck). */
async function withinDeadline(check: Promise<boolean>, ms = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => { timer = setTimeout(() => { resolve(false); }, ms); });
  try {
    return await Promise.race([check.catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}
