/** How the PostgreSQL connection pool is used right now (metrics, design.md §9): pg's own counters. */
import type { Orm } from './orm.ts';

export interface PoolUsage { readonly idle: number; readonly used: number; readonly waiting: number }

/** pg.Pool's counters; the pool MikroORM created (getNativeClient connects it if no query ran yet). */
export async function readPoolUsage(orm: Orm): Promise<PoolUsage> {
  const pool = await orm.em.getConnection().getNativeClient();
  return { idle: pool.idleCount, used: pool.totalCount - pool.idleCount, waiting: pool.waitingCount };
}
