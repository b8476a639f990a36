/**
 * Rate-limit counters in PostgreSQL (the default, docs/decisions/0013): one multi-row upsert per batch
 * that returns every new total, on the app's own pool. The table is UNLOGGED (migration
 * Migration20261125005135_rate_limit_counters): counters are worth no WAL, and losing them in a crash
 * only resets the current windows.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeStatement, queryRows, sql } from '../db/sql.ts';
import type { CounterStore } from './shared-counters.ts';

const CLEANUP_BATCH = 1000;

export function createPostgresCounterStore(deps: { em: () => EntityManager }): CounterStore {
  return {
    async add(increments) {
      const keys = increments.map((increment) => increment.key);
      const starts = increments.map((increment) => new Date(increment.windowStart).toISOString());
      const amounts = increments.map((increment) => increment.amount);
      // `order by` makes the row locks follow the caller's (sorted) order across instances: no deadlock.
      const rows = await queryRows<{ key: string; start_ms: string; count: number }>(deps.em(), sql`
        insert into rate_limit_counters (key, window_start, count)
        select key, window_start, amount from unnest(${keys}::text[], ${starts}::timestamptz[], ${amounts}::int[]) as t(key, window_start, amount)
        order by key, window_start
        on conflict (key, window_start) do update set count = rate_limit_counters.count + excluded.count
        returning key, (extract(epoch from window_start) * 1000)::bigint::text as start_ms, count`);
      const totals = new Map(rows.map((row) => [`${row.start_ms}|${row.key}`, row.count]));
      return increments.map((increment) => totals.get(`${String(increment.windowStart)}|${increment.key}`) ?? increment.amount);
    },
    async removeExpired(before) {
      // Small batches, as src/oidc/storage/payload-cleanup.ts: no long lock competes with the upserts.
      for (let deleted = CLEANUP_BATCH; deleted === CLEANUP_BATCH;) {
        deleted = await executeStatement(deps.em(), sql`
          delete from rate_limit_counters where ctid = any(array(
            select ctid from rate_limit_counters where window_start < ${new Date(before)} limit ${CLEANUP_BATCH}))`);
      }
    },
    close: () => Promise.resolve(),
  };
}
