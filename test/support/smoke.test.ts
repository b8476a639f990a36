import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from './test-database.ts';

describe('test database', () => {
  it('is a clone of the migrated template', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const tables = await client.query(`select tablename from pg_tables where schemaname = 'public' order by 1`);
    await client.end();
    expect(tables.rows.map((r: { tablename: string }) => r.tablename)).toEqual(expect.arrayContaining(['accounts', 'clients', 'oidc_payloads', 'signing_keys']));
  });
});
