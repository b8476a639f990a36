// The account_lifecycle migration (issue 17) is reversible (house-style §8: a down() has a test): down()
// removes the app settings, merged_accounts and the phone index, leaving the data around them, and up()
// puts them back.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { initOrm } from '../../src/db/orm.ts';
import { createTestDatabase } from '../support/test-database.ts';

const MIGRATION = 'Migration20261130000117_account_lifecycle';

async function schemaOf(url: string): Promise<{ columns: string[]; tables: string[]; indexes: string[]; apps: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query<{ column_name: string }>("select column_name from information_schema.columns where table_name = 'wechat_apps' order by column_name");
    const tables = await client.query<{ table_name: string }>("select table_name from information_schema.tables where table_name = 'merged_accounts'");
    const indexes = await client.query<{ indexname: string }>("select indexname from pg_indexes where indexname = 'accounts__phone_number'");
    const apps = await client.query<{ n: number }>('select count(*)::int as n from wechat_apps');
    return { columns: columns.rows.map((r) => r.column_name), tables: tables.rows.map((r) => r.table_name), indexes: indexes.rows.map((r) => r.indexname), apps: apps.rows[0]?.n ?? -1 };
  } finally {
    await client.end();
  }
}

describe(`${MIGRATION} (issue 17)`, () => {
  it('goes down and up again without losing the apps', async () => {
    const database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query("insert into wechat_apps (app_id, kind, secret_ciphertext, created_at, updated_at) values ('wx00000000000000aa', 'miniprogram', 'x', now(), now())");
    await client.end();
    const orm = await initOrm({ url: database.url, poolSize: 1 });
    try {
      const up = await schemaOf(database.url);
      expect(up).toMatchObject({ tables: ['merged_accounts'], indexes: ['accounts__phone_number'], apps: 1 });
      expect(up.columns).toEqual(expect.arrayContaining(['link_by_verified_phone', 'union_id_conflict', 'new_accounts_allowed']));

      await orm.migrator.down({ migrations: [MIGRATION] });
      const down = await schemaOf(database.url);
      expect(down).toMatchObject({ tables: [], indexes: [], apps: 1 });
      expect(down.columns).not.toContain('link_by_verified_phone');
      expect(down.columns).not.toContain('union_id_conflict');
      expect(down.columns).not.toContain('new_accounts_allowed');

      await orm.migrator.up();
      expect(await schemaOf(database.url)).toEqual(up);
    } finally {
      await orm.close();
    }
  });
});
