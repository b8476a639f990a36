/**
 * oidc-provider Adapter over PostgreSQL (house-style §8): one oidc_payloads table for every model,
 * expiry honoured on read, and `consume` as a conditional UPDATE so a token is consumed at most
 * once even under concurrency (design.md §5). The Client model is served from the clients table.
 * Bearer artifacts are stored under a hash of their value, without it in the payload (stored-token-id.ts).
 * Inside a token request's batch (token-request-batch.ts) writes are held and reads remembered (issue 16).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { createPreparedRunner } from '../../db/prepared-statement.ts';
import { toDate } from '../../db/sql.ts';
import {
  consumePayload, deleteGrantPayloads, deletePayload, revokeReusedToken, selectPayload, selectTokenWithGrant, upsertPayloads,
  type PayloadRow, type PayloadWrite,
} from './payload-statements.ts';
import { isHashedModel, storedTokenId } from './stored-token-id.ts';
import { rowKey, type TokenRequestBatch, type TokenRequestBatching } from './token-request-batch.ts';

export interface ClientSource {
  findProviderMetadata(clientId: string): Promise<AdapterPayload | undefined>;
}

export interface AdapterDeps {
  readonly em: () => EntityManager;
  readonly clients: ClientSource;
  /** Expiry of stored rows is computed and checked against this clock. */
  readonly clock: Clock;
  /** Batches a token request's writes and reads (absent: every call is its own statement). */
  readonly batching?: Pick<TokenRequestBatching, 'current' | 'flush'>;
}

const StoredPayload = z.record(z.string(), z.unknown());

/** Returns the `adapter` option for oidc-provider: a factory called once per model name. */
export function createAdapterFactory(deps: AdapterDeps): (model: string) => Adapter {
  return (model) => (model === 'Client' ? createClientAdapter(deps.clients) : createPayloadAdapter(model, deps));
}

function toPayload(row: PayloadRow | undefined | null, now: number): AdapterPayload | undefined {
  if (row === undefined || row === null) return undefined;
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

function createPayloadAdapter(model: string, { em, clock, batching }: Pick<AdapterDeps, 'em' | 'clock' | 'batching'>): Adapter {
  const hashed = isHashedModel(model);
  const run = createPreparedRunner(em);
  const rowId = (id: string): string => storedTokenId(model, id);
  /** The request's held writes, written before anything reads or deletes around them. */
  const settle = async (batch: TokenRequestBatch): Promise<void> => {
    if (batch.writes.size > 0 || batch.consume !== undefined) await batching?.flush(batch);
  };
  const findBy = async (column: 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> => {
    const batch = batching?.current();
    if (batch !== undefined) await settle(batch);
    return toPayload(await selectPayload(run, model, column, value), clock.now());
  };
  const findById = async (stored: string): Promise<PayloadRow | undefined | null> => {
    const batch = batching?.current();
    if (batch === undefined) return selectPayload(run, model, 'id', stored);
    await settle(batch);
    const key = rowKey(model, stored);
    const remembered = batch.reads.get(key);
    if (remembered !== undefined) return remembered;
    if (!hashed) {
      const row = await selectPayload(run, model, 'id', stored);
      batch.reads.set(key, row ?? null);
      return row;
    }
    // A token is read with its Grant, which oidc-provider asks for next (refresh, userinfo).
    const found = await selectTokenWithGrant(run, model, stored);
    batch.reads.set(key, found?.token ?? null);
    if (found?.grantId !== undefined && found.grantId !== null) batch.reads.set(rowKey('Grant', found.grantId), found.grant ?? null);
    return found?.token;
  };

  return {
    async upsert(id, payload, expiresIn) {
      const write: PayloadWrite = {
        model,
        id: rowId(id),
        payload: JSON.stringify(storablePayload(model, payload)),
        grantId: stringField(payload, 'grantId'),
        uid: stringField(payload, 'uid'),
        userCode: stringField(payload, 'userCode'),
        expiresAt: expiresIn !== undefined && expiresIn > 0 ? new Date(clock.now() + expiresIn * 1000) : null,
      };
      const batch = batching?.current();
      if (batch === undefined) return upsertPayloads(run, [write]);
      const key = rowKey(model, write.id);
      batch.reads.delete(key);
      batch.writes.set(key, write);
      return undefined;
    },
    async find(id) {
      const payload = toPayload(await findById(rowId(id)), clock.now());
      // The presenter holds the value; oidc-provider expects it back as `jti` (lib/models/base_model.js).
      return payload === undefined || !hashed ? payload : { ...payload, jti: id };
    },
    findByUid: (uid) => findBy('uid', uid),
    findByUserCode: (userCode) => findBy('user_code', userCode),
    async consume(id) {
      const consume = { model, id: rowId(id), at: new Date(clock.now()) };
      const batch = batching?.current();
      if (batch !== undefined) {
        // What was held before the consume does not depend on it: written on its own first.
        await settle(batch);
        batch.consume = consume;
        return;
      }
      if (await consumePayload(run, consume)) return;
      // Lost the race (or replayed): the whole grant is revoked and this caller gets invalid_grant.
      await revokeReusedToken(em(), model, consume.id);
      throw new errors.InvalidGrant(`${model === 'RefreshToken' ? 'refresh token' : 'token'} already used`);
    },
    async destroy(id) {
      const batch = batching?.current();
      if (batch !== undefined) await settle(batch);
      batch?.reads.clear();
      await deletePayload(em(), model, rowId(id));
    },
    async revokeByGrantId(grantId) {
      const batch = batching?.current();
      if (batch !== undefined) await settle(batch);
      batch?.reads.clear();
      await deleteGrantPayloads(em(), grantId);
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
