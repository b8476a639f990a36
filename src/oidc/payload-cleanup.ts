/**
 * PostgreSQL has no TTL: expired oidc-provider rows are deleted periodically, in small batches so
 * that no long lock competes with token issuance (test-catalogue P-07). Expired rows are already
 * invisible to the adapter; this only reclaims space.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeStatement, sql } from '../db/sql.ts';
import type { Logger } from '../logger.ts';

const BATCH = 1000;

export async function deleteExpiredPayloads(em: EntityManager): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await executeStatement(em, sql`
      delete from oidc_payloads where ctid = any(array(
        select ctid from oidc_payloads where expires_at < now() limit ${BATCH}))`);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

export function schedulePayloadCleanup(deps: { em: () => EntityManager; intervalMs: number; logger: Logger }): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = deleteExpiredPayloads(deps.em().fork())
      .then((deleted) => { if (deleted > 0) deps.logger.debug({ deleted }, 'deleted expired oidc payloads'); })
      .catch((error: unknown) => { deps.logger.warn({ err: error }, 'expired payload cleanup failed; will retry'); });
  }, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
