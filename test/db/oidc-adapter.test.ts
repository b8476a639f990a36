import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { createResourceServerRegistry } from '../../src/clients/resource-server-registry.ts';
import { initOrm } from '../../src/db/orm.ts';
import { createAdapterFactory } from '../../src/oidc/storage/adapter.ts';
import { deleteExpiredPayloads } from '../../src/oidc/storage/payload-cleanup.ts';
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

async function storedIds(): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('select id from oidc_payloads');
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

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

  it('serves the Client model from the client registry, read-only', async () => {
    await clients.register({ type: 'service', clientId: 'svc-adapter' });
    expect(await adapterFor('Client').find('svc-adapter')).toMatchObject({ client_id: 'svc-adapter', grant_types: ['client_credentials'] });
    expect(await adapterFor('Client').find('svc-unknown')).toBeUndefined();
    await expect(adapterFor('Client').upsert('svc-adapter', { client_id: 'svc-adapter' })).rejects.toThrow(/managed by wxbridge/);
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
    expect(before).toEqual(expect.arrayContaining([expired, live, forever]));

    const deleted = await deleteExpiredPayloads(em(), new Date(clock.now()));

    const after = await storedIds();
    expect(after).not.toContain(expired);
    expect(after).toEqual(expect.arrayContaining([live, forever]));
    expect(deleted).toBe(before.length - after.length);
  });
});
