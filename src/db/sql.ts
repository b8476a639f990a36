/**
 * Parameterised SQL on the ORM's own pool and transaction (Kysely's `sql` tag: real bind
 * parameters, never string interpolation). Hot paths (the oidc-provider adapter, sign-in) use it
 * for conditional updates and INSERT … ON CONFLICT that the unit of work cannot express.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { RawBuilder } from 'kysely';

export { sql } from 'kysely';

/** Runs `query` on `em` (inside its transaction, if any) and returns the rows. */
export async function queryRows<Row>(em: EntityManager, query: RawBuilder<Row>): Promise<Row[]> {
  const result = await query.execute(em.getKysely());
  return result.rows;
}

/** Runs a statement and returns how many rows it changed. */
export async function executeStatement(em: EntityManager, query: RawBuilder<unknown>): Promise<number> {
  const result = await query.execute(em.getKysely());
  return Number(result.numAffectedRows ?? 0);
}

/** Timestamps come back from raw queries as strings on the ORM's pg connection: parse them once here. */
export function toDate(value: Date | string): Date;
export function toDate(value: Date | string | null): Date | null;
export function toDate(value: Date | string | null): Date | null {
  if (value === null || value instanceof Date) return value;
  return new Date(value);
}
