/**
 * oidc-provider Adapter over PostgreSQL (house-style §8): one oidc_payloads table for every model,
 * expiry honoured on read, and `consume` as a conditional UPDATE so a token is consumed at most
 * once even under concurrency (design.md §5). The Client model is served from the clients table.
 * Bearer artifacts are stored under a hash of their value, without it in the payload (stored-token-id.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { executeStatement, queryRows, sql, toDate } from '../../db/sql.ts';
import { isHashedModel, storedTokenId } from './stored-token-id.ts';

export interface ClientSource {
  findProviderMetadata(clientId: string): Promise<AdapterPayload | undefined>;
}

export interface AdapterDeps {
  readonly em: () => EntityManager;
  readonly clients: ClientSource;
  /** Expiry of stored rows is computed and checked against this clock. */
  readonly clock: Clock;
}

interface PayloadRow { payload: unknown; expires_at: Date | string | null; consumed_at: Date | string | null }

const StoredPayload = z.record(z.string(), z.unknown());

/** Returns the `adapter` option for oidc-provider: a factory called once per model name. */
export function createAdapterFactory(deps: AdapterDeps): (model: string) => Adapter {
  return (model) => (model === 'Client' ? createClientAdapter(deps.clients) : createPayloadAdapter(model, deps));
}

function toPayload(row: PayloadRow | undefined, now: number): AdapterPayload | undefined {
  if (row === undefined) return undefined;
  const expiresAt = toDate(row.expires_at);
  if (expiresAt !== null && expiresAt.getTime() <= now) return undefined;
  const payload = StoredPayload.parse(row.payload) as AdapterPayload;
  const consumedAt = toDate(row.consumed_at);
  return consumedAt === null ? payload : { ...payload, consumed: Math.floor(consumedAt.getTime() / 1000) };
}

function stringField(payload: AdapterPayload, key: 'grantId' | 'uid' | 'userCode'): string | null {
  const value = payload[key];
  return typeof value === 'string' ? value : null;
}

/** The payload as stored: for a hashed model without `jti`, which is the token value itself. */
function storablePayload(model: string, payload: AdapterPayload): AdapterPayload {
  if (!isHashedModel(model)) return payload;
  const { jti: _value, ...rest } = payload;
  return rest;
}

function createPayloadAdapter(model: string, { em, clock }: Pick<AdapterDeps, 'em' | 'clock'>): Adapter {
  const hashed = isHashedModel(model);
  const rowId = (id: string): string => storedTokenId(model, id);
  const findBy = async (column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> => {
    const rows = await queryRows<PayloadRow>(em(), sql`
      select payload, expires_at, consumed_at from oidc_payloads
      where model = ${model} and ${sql.ref(column)} = ${value} limit 1`);
    return toPayload(rows[0], clock.now());
  };

  return {
    async upsert(id, payload, expiresIn) {
      const expiresAt = expiresIn !== undefined && expiresIn > 0 ? new Date(clock.now() + expiresIn * 1000) : null;
      // consumed_at is deliberately kept on conflict: a consumed token never becomes usable again.
      await executeStatement(em(), sql`
        insert into oidc_payloads (model, id, payload, grant_id, uid, user_code, expires_at)
        values (${model}, ${rowId(id)}, ${JSON.stringify(storablePayload(model, payload))}::jsonb, ${stringField(payload, 'grantId')},
                ${stringField(payload, 'uid')}, ${stringField(payload, 'userCode')}, ${expiresAt})
        on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id,
          uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`);
    },
    async find(id) {
      const payload = await findBy('id', rowId(id));
      // The presenter holds the value; oidc-provider expects it back as `jti` (lib/models/base_model.js).
      return payload === undefined || !hashed ? payload : { ...payload, jti: id };
    },
    findByUid: (uid) => findBy('uid', uid),
    findByUserCode: (userCode) => findBy('user_code', userCode),
    async consume(id) {
      const manager = em();
      const stored = rowId(id);
      const won = await queryRows<{ grant_id: string | null }>(manager, sql`
        update oidc_payloads set consumed_at = ${new Date(clock.now())}
        where model = ${model} and id = ${stored} and consumed_at is null returning grant_id`);
      if (won.length === 1) return;
      // Lost the race (or replayed): RFC 9700 §4.14.2 treats a second use as a breach, so the whole
      // grant is revoked and this caller gets invalid_grant (docs/decisions/0003-refresh-token-reuse.md).
      // The Grant row goes too: the winner may store its new refresh token after this delete, and that
      // token must die with its grant (oidc-provider refuses a refresh or userinfo whose Grant is gone).
      await executeStatement(manager, sql`
        with revoked as (select grant_id from oidc_payloads where model = ${model} and id = ${stored})
        delete from oidc_payloads where grant_id = (select grant_id from revoked)
          or (model = 'Grant' and id = (select grant_id from revoked))`);
      throw new errors.InvalidGrant(`${model === 'RefreshToken' ? 'refresh token' : 'token'} already used`);
    },
    async destroy(id) {
      await executeStatement(em(), sql`delete from oidc_payloads where model = ${model} and id = ${rowId(id)}`);
    },
    async revokeByGrantId(grantId) {
      await executeStatement(em(), sql`delete from oidc_payloads where grant_id = ${grantId}`);
    },
  };
}

function createClientAdapter(clients: ClientSource): Adapter {
  const readOnly = (): Promise<never> => Promise.reject(new Error('clients are managed by wxbridge, not by oidc-provider'));
  return {
    find: (id) => clients.findProviderMetadata(id),
    upsert: readOnly,
    destroy: readOnly,
    consume: readOnly,
    findByUid: () => Promise.resolve(undefined),
    findByUserCode: () => Promise.resolve(undefined),
    revokeByGrantId: () => Promise.resolve(),
  };
}
