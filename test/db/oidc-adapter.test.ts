import { createHash, randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { createResourceServerRegistry } from '../../src/clients/resource-server-registry.ts';
import { initOrm } from '../../src/db/orm.ts';
import { createAdapterFactory } from '../../src/oidc/storage/adapter.ts';
import { deleteExpiredPayloads } from '../../src/oidc/storage/payload-cleanup.ts';
import { storedTokenId } from '../../src/oidc/storage/stored-token-id.ts';
import { createTokenRequestBatching } from '../../src/oidc/storage/token-request-batch.ts';
import { describeAdapterConformance } from '../support/adapter-conformance.ts';
import { createTestClock } from '../support/test-clock.ts';
import { createTestDatabase } from '../support/test-database.ts';

const database = await createTestDatabase();
const orm = await initOrm({ url: database.url, poolSize: 5 });
afterAll(() => orm.close());
const em = () => orm.em.fork();
const clients = createClientRegistry({ em, resourceServers: createResourceServerRegistry({ em }) });
const clock = createTestClock();
const adapterFor = createAdapterFactory({ em, clients, clock });

describeAdapterConformance('PostgreSQL (src/oidc/storage/adapter.ts)', { factory: adapterFor, atomicConsume: true, advanceClock: (ms) => { clock.advance(ms); } });

// Issue 16: inside a token request the adapter holds writes and remembers reads (token-request-batch.ts).
// The contract must hold when every call is a request of its own, its held work written as it ends.
const batching = createTokenRequestBatching({ em });
const batchedAdapterFor = createAdapterFactory({ em, clients, clock, batching });
const inOwnRequest = <T>(call: () => Promise<T>): Promise<T> => {
  let result: T | undefined;
  return batching.run(async () => { result = await call(); }).then(() => result as T);
};
describeAdapterConformance('PostgreSQL, each call in its own token request batch', {
  factory: (model) => {
    const adapter = batchedAdapterFor(model);
    return {
      upsert: (id, payload, expiresIn) => inOwnRequest(() => adapter.upsert(id, payload, expiresIn)),
      find: (id) => inOwnRequest(() => adapter.find(id)),
      findByUid: (uid) => inOwnRequest(() => adapter.findByUid(uid)),
      findByUserCode: (userCode) => inOwnRequest(() => adapter.findByUserCode(userCode)),
      consume: (id) => inOwnRequest(() => adapter.consume(id)),
      destroy: (id) => inOwnRequest(() => adapter.destroy(id)),
      revokeByGrantId: (grantId) => inOwnRequest(() => adapter.revokeByGrantId(grantId)),
    };
  },
  atomicConsume: true,
  advanceClock: (ms) => { clock.advance(ms); },
});

// The reference. oidc-provider documents its in-memory adapter as development-only: its consume()
// just stamps `consumed` on the stored object, so concurrent consumes all "succeed" (atomicConsume: false
// skips only that case); oidc-provider then rejects reuse by reading `consumed`, which a single
// process serialises but several instances sharing a database could not.
// Its expiry reads Date.now() (lib/helpers/lru.js), so time moves for it through a stubbed Date.now.
afterEach(() => { vi.restoreAllMocks(); });
describeAdapterConformance('oidc-provider in-memory (reference)', {
  factory: (model) => new MemoryAdapter(model),
  atomicConsume: false,
  advanceClock: (ms) => {
    const realNow = Date.now.bind(Date);
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + ms);
  },
});

async function storedRows(where = 'true', values: unknown[] = []): Promise<{ model: string; id: string; payload: Record<string, unknown> }[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<{ model: string; id: string; payload: Record<string, unknown> }>(`select model, id, payload from oidc_payloads where ${where}`, values)).rows;
  } finally {
    await client.end();
  }
}

const storedIds = async (): Promise<string[]> => (await storedRows()).map((row) => row.id);

describe('PostgreSQL adapter, beyond the contract', () => {
  it('revokes the whole grant when a consumed token is consumed again (refresh-token reuse)', async () => {
    const grantId = randomUUID();
    const [refresh, access] = [randomUUID(), randomUUID()];
    await adapterFor('RefreshToken').upsert(refresh, { jti: refresh, grantId }, 600);
    await adapterFor('AccessToken').upsert(access, { jti: access, grantId }, 600);
    await adapterFor('RefreshToken').consume(refresh);
    await expect(adapterFor('RefreshToken').consume(refresh)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await adapterFor('RefreshToken').find(refresh)).toBeUndefined();
    expect(await adapterFor('AccessToken').find(access)).toBeUndefined();
  });

  it('keeps a consumed token consumed when oidc-provider upserts it again', async () => {
    const id = randomUUID();
    await adapterFor('AuthorizationCode').upsert(id, { jti: id, grantId: randomUUID() }, 60);
    await adapterFor('AuthorizationCode').consume(id);
    await adapterFor('AuthorizationCode').upsert(id, { jti: id, grantId: randomUUID() }, 60);
    expect(await adapterFor('AuthorizationCode').find(id)).toMatchObject({ consumed: expect.any(Number) });
  });

  // Issue #15 finding 5: a copy of the table must not hold a working token (docs/decisions/0024).
  it('stores a bearer token under the SHA-256 of its value, with no copy of the value in the payload', async () => {
    const grantId = randomUUID();
    for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'ClientCredentials']) {
      const value = randomUUID();
      await adapterFor(model).upsert(value, { jti: value, grantId, kind: model }, 600);
      const rows = await storedRows('model = $1 and grant_id = $2', [model, grantId]);
      expect(rows).toEqual([{ model, id: createHash('sha256').update(value).digest('base64url'), payload: { grantId, kind: model } }]);
      expect(await adapterFor(model).find(value)).toEqual({ jti: value, grantId, kind: model });
      expect(await adapterFor(model).find(rows[0]?.id ?? '')).toBeUndefined(); // the stored id is not a token
    }
  });

  it('keeps the ids of Grant, Session and Interaction as they are (not bearer values on their own)', async () => {
    for (const model of ['Grant', 'Session', 'Interaction']) {
      const id = randomUUID();
      await adapterFor(model).upsert(id, { jti: id, kind: model }, 600);
      expect(await storedRows('model = $1 and id = $2', [model, id])).toEqual([{ model, id, payload: { jti: id, kind: model } }]);
    }
  });

  it('serves the Client model from the client registry, read-only', async () => {
    await clients.register({ type: 'service', clientId: 'svc-adapter' });
    expect(await adapterFor('Client').find('svc-adapter')).toMatchObject({ client_id: 'svc-adapter', grant_types: ['client_credentials'] });
    expect(await adapterFor('Client').find('svc-unknown')).toBeUndefined();
    await expect(adapterFor('Client').upsert('svc-adapter', { client_id: 'svc-adapter' })).rejects.toThrow(/managed by wxbridge/);
  });
});

describe('PostgreSQL adapter inside a token request batch (issue 16)', () => {
  const batched = (model: string) => batchedAdapterFor(model);
  const rowsOf = (grantId: string) => storedRows('grant_id = $1 or id = $1', [grantId]);

  it("holds a login's Grant and refresh token until the request ends, then stores both", async () => {
    const grantId = randomUUID();
    const refresh = randomUUID();
    let seenDuringRequest: unknown[] = ['not read'];
    await batching.run(async () => {
      await batched('Grant').upsert(grantId, { jti: grantId, accountId: 'account-1' }, 600);
      await batched('RefreshToken').upsert(refresh, { jti: refresh, grantId }, 600);
      seenDuringRequest = await rowsOf(grantId);
    });
    expect(seenDuringRequest).toEqual([]);
    expect((await rowsOf(grantId)).map((row) => row.model).sort()).toEqual(['Grant', 'RefreshToken']);
    expect(await adapterFor('RefreshToken').find(refresh)).toEqual({ jti: refresh, grantId });
  });

  it("reads its own held writes: a read in the request stores what is held first", async () => {
    const grantId = randomUUID();
    await batching.run(async () => {
      await batched('Grant').upsert(grantId, { jti: grantId, accountId: 'account-1' }, 600);
      expect(await batched('Grant').find(grantId)).toEqual({ jti: grantId, accountId: 'account-1' });
    });
  });

  it('writes a rotation (consume + new token) only when this request consumed the old token', async () => {
    const grantId = randomUUID();
    const old = randomUUID();
    await adapterFor('Grant').upsert(grantId, { jti: grantId }, 600);
    await adapterFor('RefreshToken').upsert(old, { jti: old, grantId }, 600);
    // Each racer's new token names a grant of its own, so that the reuse revocation below (which deletes
    // everything of the old token's grant) cannot be what removes a loser's row: a loser must write nothing.
    const racers = Array.from({ length: 10 }, () => ({ token: randomUUID(), marker: randomUUID() }));
    const results = await Promise.allSettled(racers.map((racer) => batching.run(async () => {
      const found = await batched('RefreshToken').find(old);
      expect(found).toMatchObject({ grantId });
      await batched('RefreshToken').consume(old);
      await batched('RefreshToken').upsert(racer.token, { jti: racer.token, grantId: racer.marker }, 600);
    })));
    const won = results.flatMap((result, index) => (result.status === 'fulfilled' ? [racers[index]] : []));
    expect(won).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ error: 'invalid_grant' });
    for (const racer of racers) {
      const stored = await adapterFor('RefreshToken').find(racer.token);
      if (racer === won[0]) expect(stored).toEqual({ jti: racer.token, grantId: racer.marker });
      else expect(stored).toBeUndefined();
    }
    // The losers' reuse revoked the old token's grant, as an immediate consume does (ADR 0003).
    expect(await rowsOf(grantId)).toEqual([]);
  });

  it('keeps a token spent when the request fails after spending it, and stores nothing else it held', async () => {
    const grantId = randomUUID();
    const [old, next] = [randomUUID(), randomUUID()];
    await adapterFor('RefreshToken').upsert(old, { jti: old, grantId }, 600);
    await expect(batching.run(async () => {
      await batched('RefreshToken').consume(old);
      await batched('RefreshToken').upsert(next, { jti: next, grantId }, 600);
      throw new Error('signing failed');
    })).rejects.toThrow('signing failed');
    expect(await adapterFor('RefreshToken').find(old)).toMatchObject({ consumed: expect.any(Number) });
    expect(await adapterFor('RefreshToken').find(next)).toBeUndefined();
  });

  it('reads a token and its Grant in one round trip and answers both for the rest of the request', async () => {
    const grantId = randomUUID();
    const refresh = randomUUID();
    await adapterFor('Grant').upsert(grantId, { jti: grantId, accountId: 'account-1' }, 600);
    await adapterFor('RefreshToken').upsert(refresh, { jti: refresh, grantId }, 600);
    await batching.run(async () => {
      expect(await batched('RefreshToken').find(refresh)).toEqual({ jti: refresh, grantId });
      // Deleted behind the request's back: the request answers from what it read with the token.
      await adapterFor('Grant').destroy(grantId);
      expect(await batched('Grant').find(grantId)).toEqual({ jti: grantId, accountId: 'account-1' });
    });
    expect(await batched('Grant').find(grantId)).toBeUndefined();
  });
});

describe('deleteExpiredPayloads', () => {
  it('deletes expired rows and only those', async () => {
    const [expired, live, forever] = [randomUUID(), randomUUID(), randomUUID()];
    await adapterFor('AccessToken').upsert(expired, { jti: expired }, 1);
    await adapterFor('AccessToken').upsert(live, { jti: live }, 3600);
    await adapterFor('Grant').upsert(forever, { jti: forever });
    clock.advance(1100);
    const before = await storedIds();
    const [expiredRow, liveRow] = [storedTokenId('AccessToken', expired), storedTokenId('AccessToken', live)];
    expect(before).toEqual(expect.arrayContaining([expiredRow, liveRow, forever]));

    const deleted = await deleteExpiredPayloads(em(), new Date(clock.now()));

    const after = await storedIds();
    expect(after).not.toContain(expiredRow);
    expect(after).toEqual(expect.arrayContaining([liveRow, forever]));
    expect(deleted).toBe(before.length - after.length);
  });
});
