/**
 * The SQL of the oidc_payloads adapter (adapter.ts) and of its per-request write batch
 * (token-request-batch.ts): reads by column, the read of a token together with its Grant, multi-row
 * upserts, the conditional consume and the revocation that answers a reused token (design.md §5).
 * Every statement is one round trip; issue 16 counts them per login and per refresh.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeStatement, queryRows, sql } from '../../db/sql.ts';

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

export async function selectPayload(em: EntityManager, model: string, column: 'id' | 'uid' | 'user_code', value: string): Promise<PayloadRow | undefined> {
  const rows = await queryRows<PayloadRow>(em, sql`
    select payload, expires_at, consumed_at from oidc_payloads
    where model = ${model} and ${sql.ref(column)} = ${value} limit 1`);
  return rows[0];
}

export interface TokenWithGrant { token: PayloadRow; grantId: string | null; grant: PayloadRow | undefined }

/**
 * A token row and, in the same round trip, the Grant it belongs to: oidc-provider reads both, one
 * after the other, at every refresh (lib/actions/grants/refresh_token.js: RefreshToken.find, then
 * validateGrant's Grant.find).
 */
export async function selectTokenWithGrant(em: EntityManager, model: string, id: string): Promise<TokenWithGrant | undefined> {
  const rows = await queryRows<PayloadRow & { grant_id: string | null; grant_payload: unknown; grant_expires_at: Date | string | null; grant_consumed_at: Date | string | null }>(em, sql`
    select t.payload, t.expires_at, t.consumed_at, t.grant_id,
           g.payload as grant_payload, g.expires_at as grant_expires_at, g.consumed_at as grant_consumed_at
    from oidc_payloads t left join oidc_payloads g on g.model = 'Grant' and g.id = t.grant_id
    where t.model = ${model} and t.id = ${id} limit 1`);
  const row = rows[0];
  if (row === undefined) return undefined;
  const grant = row.grant_payload === null ? undefined : { payload: row.grant_payload, expires_at: row.grant_expires_at, consumed_at: row.grant_consumed_at };
  return { token: { payload: row.payload, expires_at: row.expires_at, consumed_at: row.consumed_at }, grantId: row.grant_id, grant };
}

function valuesOf(writes: readonly PayloadWrite[]): ReturnType<typeof sql.join> {
  // Typed casts: in `select … from (values …)` PostgreSQL cannot infer the parameters' types from the target columns.
  return sql.join(writes.map((w) => sql`(${w.model}::text, ${w.id}::text, ${w.payload}::jsonb, ${w.grantId}::text, ${w.uid}::text, ${w.userCode}::text, ${w.expiresAt}::timestamptz)`));
}

// consumed_at is deliberately kept on conflict: a consumed token never becomes usable again.
const ON_CONFLICT = sql`on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
  uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`;

/** Upserts every row in one statement. Each (model, id) may appear once. */
export async function upsertPayloads(em: EntityManager, writes: readonly PayloadWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await executeStatement(em, sql`
    insert into oidc_payloads (model, id, payload, grant_id, uid, user_code, expires_at)
    values ${valuesOf(writes)} ${ON_CONFLICT}`);
}

/** Marks the row consumed unless it already is; true when this call consumed it (the conditional UPDATE decides races). */
export async function consumePayload(em: EntityManager, consume: PayloadConsume): Promise<boolean> {
  const won = await queryRows<{ one: number }>(em, sql`
    update oidc_payloads set consumed_at = ${consume.at}
    where model = ${consume.model} and id = ${consume.id} and consumed_at is null returning 1 as one`);
  return won.length === 1;
}

/**
 * The consume and the rows that follow from it (the rotated refresh token, a new access token, …) in
 * one statement: the rows are written only when this statement consumed the token, so a request that
 * lost the race writes nothing. None of `writes` may be the consumed row itself.
 */
export async function consumeThenUpsert(em: EntityManager, consume: PayloadConsume, writes: readonly PayloadWrite[]): Promise<boolean> {
  if (writes.length === 0) return consumePayload(em, consume);
  const rows = await queryRows<{ won: number }>(em, sql`
    with consumed as (
      update oidc_payloads set consumed_at = ${consume.at}
      where model = ${consume.model} and id = ${consume.id} and consumed_at is null returning 1
    ), written as (
      insert into oidc_payloads (model, id, payload, grant_id, uid, user_code, expires_at)
      select * from (values ${valuesOf(writes)}) as v (model, id, payload, grant_id, uid, user_code, expires_at)
      where exists (select 1 from consumed)
      ${ON_CONFLICT}
      returning 1
    )
    select count(*)::int as won from consumed`);
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
