// Issue 16: oidc_payloads' grant_id, uid and user_code indexes are partial. Token rows (no uid, no
// user_code) and Grant rows (no grant_id) add no index entries, and the adapter's lookups by those
// columns still find their rows through the indexes.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { createResourceServerRegistry } from '../../src/clients/resource-server-registry.ts';
import { initOrm } from '../../src/db/orm.ts';
import { createAdapterFactory } from '../../src/oidc/storage/adapter.ts';
import { createTestClock } from '../support/test-clock.ts';
import { createTestDatabase } from '../support/test-database.ts';

const database = await createTestDatabase();
const orm = await initOrm({ url: database.url, poolSize: 3 });
afterAll(() => orm.close());
const em = () => orm.em.fork();
const adapterFor = createAdapterFactory({ em, clients: createClientRegistry({ em, resourceServers: createResourceServerRegistry({ em }) }), clock: createTestClock() });

async function query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Index pages in use: a btree with no entries is its metapage alone. */
async function indexPages(index: string): Promise<number> {
  const [row] = await query<{ pages: string }>('select pg_relation_size($1::regclass) / current_setting(\'block_size\')::int as pages', [index]);
  return Number(row?.pages);
}

/** The plan of `sql` with sequential scans priced out: an index the planner cannot use would still show a Seq Scan. */
async function planOf(sql: string, values: unknown[]): Promise<string> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('set enable_seqscan = off');
    await client.query('analyze oidc_payloads');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, values);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await client.end();
  }
}

describe('oidc_payloads partial indexes', () => {
  it('a login\'s rows (Grant, refresh token) add nothing to the uid and user_code indexes; NULL grant ids are not indexed', async () => {
    for (let i = 0; i < 400; i += 1) {
      const grantId = randomUUID();
      await adapterFor('Grant').upsert(grantId, { jti: grantId, accountId: randomUUID(), clientId: 'c' }, 600);
      const refresh = randomUUID();
      await adapterFor('RefreshToken').upsert(refresh, { jti: refresh, grantId }, 600);
    }
    // 800 rows: a full index on any of these columns would have grown past its metapage and root.
    expect(await indexPages('oidc_payloads__uid')).toBe(1);
    expect(await indexPages('oidc_payloads__user_code')).toBe(1);
    // grant_id is filled for the 400 tokens, NULL for the 400 Grants: only the former are indexed.
    const definitions = await query<{ indexname: string; indexdef: string }>(`
      select indexname, indexdef from pg_indexes where tablename = 'oidc_payloads' and indexname in ('oidc_payloads__grant_id', 'oidc_payloads__uid', 'oidc_payloads__user_code') order by indexname`);
    expect(definitions.map((row) => [row.indexname, /WHERE \(\w+ IS NOT NULL\)$/.test(row.indexdef)])).toEqual([
      ['oidc_payloads__grant_id', true], ['oidc_payloads__uid', true], ['oidc_payloads__user_code', true],
    ]);
  });

  it('finds rows by uid and by grant id through the indexes', async () => {
    const uid = randomUUID();
    const session = randomUUID();
    await adapterFor('Session').upsert(session, { jti: session, uid }, 600);
    expect(await adapterFor('Session').findByUid(uid)).toMatchObject({ jti: session, uid });
    expect(await planOf('select payload from oidc_payloads where model = $1 and uid = $2 limit 1', ['Session', uid])).toContain('oidc_payloads__uid');
    expect(await planOf('select payload from oidc_payloads where model = $1 and user_code = $2 limit 1', ['DeviceCode', 'ABCD-EFGH'])).toContain('oidc_payloads__user_code');
    expect(await planOf('delete from oidc_payloads where grant_id = $1', [randomUUID()])).toContain('oidc_payloads__grant_id');

    const grantId = randomUUID();
    const access = randomUUID();
    await adapterFor('AccessToken').upsert(access, { jti: access, grantId }, 600);
    await adapterFor('AccessToken').revokeByGrantId(grantId);
    expect(await adapterFor('AccessToken').find(access)).toBeUndefined();
  });
});
