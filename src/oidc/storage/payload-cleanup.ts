/**
 * PostgreSQL has no TTL: expired oidc-provider rows are deleted periodically (src/app.ts schedules
 * it), in small batches so that no long lock competes with token issuance (test-catalogue P-07).
 * Expired rows are already invisible to the adapter; this only reclaims space.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeStatement, sql } from '../../db/sql.ts';

const BATCH = 1000;

/** Deletes rows that expired before `now`; returns how many. */
export async function deleteExpiredPayloads(em: EntityManager, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await executeStatement(em, sql`
      delete from oidc_payloads where ctid = any(array(
        select ctid from oidc_payloads where expires_at < ${now} limit ${BATCH}))`);
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
