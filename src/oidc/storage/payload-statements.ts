/**
 * The SQL of the oidc_payloads adapter (adapter.ts) and of its per-request write batch
 * (token-request-batch.ts): reads by column, the read of a token together with its Grant, multi-row
 * upserts, the conditional consume and the revocation that answers a reused token (design.md §5).
 * Every statement is one round trip; issue 16 counts them per login and per refresh. Those of every
 * token request are named statements (src/db/prepared-statement.ts); the rare deletes are not.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { QueryResultRow } from 'pg';
import type { PreparedRunner, PreparedStatement } from '../../db/prepared-statement.ts';
import { executeStatement, sql } from '../../db/sql.ts';

export interface PayloadRow { payload: unknown; expires_at: Date | string | null; consumed_at: Date | string | null }

/** One row to write, as stored: `id` already hashed for bearer models, `payload` JSON text. */
export interface PayloadWrite {
  readonly model: string;
  readonly id: string;
  readonly payload: string;
  readonly grantId: string | null;
  readonly uid: string | null;
  readonly userCode: string | null;
  readonly expiresAt: Date | null;
}

/** A consume waiting to be written: `model`'s row `id` (stored id) marked consumed at `at`. */
export interface PayloadConsume { readonly model: string; readonly id: string; readonly at: Date }

const SELECT_BY: Record<'id' | 'uid' | 'user_code', PreparedStatement> = {
  id: { name: 'oidc_payloads_by_id', text: 'select payload, expires_at, consumed_at from oidc_payloads where model = $1 and id = $2 limit 1' },
  uid: { name: 'oidc_payloads_by_uid', text: 'select payload, expires_at, consumed_at from oidc_payloads where model = $1 and uid = $2 limit 1' },
  user_code: { name: 'oidc_payloads_by_user_code', text: 'select payload, expires_at, consumed_at from oidc_payloads where model = $1 and user_code = $2 limit 1' },
};

export async function selectPayload(run: PreparedRunner, model: string, column: 'id' | 'uid' | 'user_code', value: string): Promise<PayloadRow | undefined> {
  const rows = await run<PayloadRow & QueryResultRow>(SELECT_BY[column], [model, value]);
  return rows[0];
}

export interface TokenWithGrant { token: PayloadRow; grantId: string | null; grant: PayloadRow | undefined }

/**
 * A token row and, in the same round trip, the Grant it belongs to: oidc-provider reads both, one
 * after the other, at every refresh (lib/actions/grants/refresh_token.js: RefreshToken.find, then
 * validateGrant's Grant.find).
 */
const SELECT_TOKEN_WITH_GRANT: PreparedStatement = {
  name: 'oidc_payloads_token_with_grant',
  text: `select t.payload, t.expires_at, t.consumed_at, t.grant_id,
           g.payload as grant_payload, g.expires_at as grant_expires_at, g.consumed_at as grant_consumed_at
    from oidc_payloads t left join oidc_payloads g on g.model = 'Grant' and g.id = t.grant_id
    where t.model = $1 and t.id = $2 limit 1`,
};

export async function selectTokenWithGrant(run: PreparedRunner, model: string, id: string): Promise<TokenWithGrant | undefined> {
  const rows = await run<PayloadRow & { grant_id: string | null; grant_payload: unknown; grant_expires_at: Date | string | null; grant_consumed_at: Date | string | null }>(
    SELECT_TOKEN_WITH_GRANT, [model, id]);
  const row = rows[0];
  if (row === undefined) return undefined;
  const grant = row.grant_payload === null ? undefined : { payload: row.grant_payload, expires_at: row.grant_expires_at, consumed_at: row.grant_consumed_at };
  return { token: { payload: row.payload, expires_at: row.expires_at, consumed_at: row.consumed_at }, grantId: row.grant_id, grant };
}

const COLUMNS = 'model, id, payload, grant_id, uid, user_code, expires_at';
// consumed_at is deliberately kept on conflict: a consumed token never becomes usable again.
const ON_CONFLICT = `on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
  uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`;

/** `count` rows of placeholders from $`first` on, typed: in `select … from (values …)` PostgreSQL can't infer them from the columns. */
function placeholders(count: number, first: number): string {
  return Array.from({ length: count }, (_, row) => {
    const at = first + row * 7;
    return `($${at}::text, $${at + 1}::text, $${at + 2}::jsonb, $${at + 3}::text, $${at + 4}::text, $${at + 5}::text, $${at + 6}::timestamptz)`;
  }).join(', ');
}

const valuesOf = (writes: readonly PayloadWrite[]): unknown[] =>
  writes.flatMap((w) => [w.model, w.id, w.payload, w.grantId, w.uid, w.userCode, w.expiresAt]);

/** One statement per row count (a request writes 1–3 rows), each prepared once per connection. */
const upsertStatements = new Map<number, PreparedStatement>();
const consumeThenUpsertStatements = new Map<number, PreparedStatement>();

function upsertStatement(count: number): PreparedStatement {
  let statement = upsertStatements.get(count);
  if (statement === undefined) {
    statement = { name: `oidc_payloads_upsert_${String(count)}`, text: `insert into oidc_payloads (${COLUMNS}) values ${placeholders(count, 1)} ${ON_CONFLICT}` };
    upsertStatements.set(count, statement);
  }
  return statement;
}

function consumeThenUpsertStatement(count: number): PreparedStatement {
  let statement = consumeThenUpsertStatements.get(count);
  if (statement === undefined) {
    statement = {
      name: `oidc_payloads_consume_then_upsert_${String(count)}`,
      text: `with consumed as (
        update oidc_payloads set consumed_at = $1 where model = $2 and id = $3 and consumed_at is null returning 1
      ), written as (
        insert into oidc_payloads (${COLUMNS})
        select * from (values ${placeholders(count, 4)}) as v (${COLUMNS})
        where exists (select 1 from consumed)
        ${ON_CONFLICT}
        returning 1
      )
      select count(*)::int as won from consumed`,
    };
    consumeThenUpsertStatements.set(count, statement);
  }
  return statement;
}

/** Upserts every row in one statement. Each (model, id) may appear once. */
export async function upsertPayloads(run: PreparedRunner, writes: readonly PayloadWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await run(upsertStatement(writes.length), valuesOf(writes));
}

const CONSUME: PreparedStatement = {
  name: 'oidc_payloads_consume',
  text: 'update oidc_payloads set consumed_at = $1 where model = $2 and id = $3 and consumed_at is null returning 1 as one',
};

/** Marks the row consumed unless it already is; true when this call consumed it (the conditional UPDATE decides races). */
export async function consumePayload(run: PreparedRunner, consume: PayloadConsume): Promise<boolean> {
  const won = await run(CONSUME, [consume.at, consume.model, consume.id]);
  return won.length === 1;
}

/**
 * The consume and the rows that follow from it (the rotated refresh token, a new access token, …) in
 * one statement: the rows are written only when this statement consumed the token, so a request that
 * lost the race writes nothing. None of `writes` may be the consumed row itself.
 */
export async function consumeThenUpsert(run: PreparedRunner, consume: PayloadConsume, writes: readonly PayloadWrite[]): Promise<boolean> {
  if (writes.length === 0) return consumePayload(run, consume);
  const rows = await run<{ won: number }>(consumeThenUpsertStatement(writes.length), [consume.at, consume.model, consume.id, ...valuesOf(writes)]);
  return rows[0]?.won === 1;
}

/**
 * A second use of a consumed token: RFC 9700 §4.14.2 treats it as a breach, so its whole grant is
 * revoked (docs/decisions/0003-refresh-token-reuse.md). The Grant row goes too: the winner may store
 * its new refresh token after this delete, and that token must die with its grant (oidc-provider
 * refuses a refresh or userinfo whose Grant is gone).
 */
export async function revokeReusedToken(em: EntityManager, model: string, id: string): Promise<void> {
  await executeStatement(em, sql`
    with revoked as (select grant_id from oidc_payloads where model = ${model} and id = ${id})
    delete from oidc_payloads where grant_id = (select grant_id from revoked)
      or (model = 'Grant' and id = (select grant_id from revoked))`);
}

export async function deletePayload(em: EntityManager, model: string, id: string): Promise<void> {
  await executeStatement(em, sql`delete from oidc_payloads where model = ${model} and id = ${id}`);
}

export async function deleteGrantPayloads(em: EntityManager, grantId: string): Promise<void> {
  await executeStatement(em, sql`delete from oidc_payloads where grant_id = ${grantId}`);
}
