/**
 * Named (prepared) statements for the few queries every token request runs (issue 16): pg parses and
 * plans a named statement once per connection and afterwards sends only its parameters (Bind/Execute),
 * and the call skips the query builder (Kysely's compile-and-freeze per query was ≈ 1 % of a login in
 * the profile). They run on the ORM's own pg pool, so the pool's size and error handling are the same.
 * Inside a transaction the same text runs unnamed on the transaction's connection.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';
import type { QueryResultRow } from 'pg';

export interface PreparedStatement {
  /** Unique per distinct text: pg keys its per-connection cache by name. */
  readonly name: string;
  readonly text: string;
}

export async function runPrepared<Row extends QueryResultRow>(em: EntityManager, statement: PreparedStatement, values: readonly unknown[]): Promise<Row[]> {
  if (em.isInTransaction()) return (await em.getKysely().executeQuery<Row>(CompiledQuery.raw(statement.text, [...values]))).rows;
  const pool = await em.getConnection().getNativeClient();
  const result = await pool.query<Row>({ name: statement.name, text: statement.text, values: [...values] });
  return result.rows;
}

export type PreparedRunner = <Row extends QueryResultRow>(statement: PreparedStatement, values: readonly unknown[]) => Promise<Row[]>;

/**
 * runPrepared for callers that never run in a transaction, without an EntityManager fork per call:
 * the fork was only a way to the connection (MikroORM's fork and its configuration sync were ≈ 3 % of
 * a login's busy time, self time of @mikro-orm/core, issue 16). The connection object is resolved once;
 * its pool is asked for at every call, as a fork would.
 */
export function createPreparedRunner(em: () => EntityManager): PreparedRunner {
  let connection: ReturnType<EntityManager['getConnection']> | undefined;
  return async <Row extends QueryResultRow>(statement: PreparedStatement, values: readonly unknown[]): Promise<Row[]> => {
    connection ??= em().getConnection();
    const pool = await connection.getNativeClient();
    const result = await pool.query<Row>({ name: statement.name, text: statement.text, values: [...values] });
    return result.rows;
  };
}
