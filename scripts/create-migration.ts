/**
 * Generates a migration from the difference between the entities and the migration snapshot
 * (`npm run db:migration:create -- --name <snake_name>`). Runs against an empty scratch database:
 * DATABASE_URL if set, else a throwaway embedded PostgreSQL. Read and comment the result before
 * committing it (house-style §8).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { initOrm } from '../src/db/orm.ts';

const { values } = parseArgs({ options: { name: { type: 'string' }, initial: { type: 'boolean', default: false } } });
if (values.name === undefined || !/^[a-z][a-z0-9_]*$/.test(values.name)) {
  console.error('usage: npm run db:migration:create -- --name <snake_case_name>');
  process.exit(2);
}
const scratchDir = mkdtempSync(join(tmpdir(), 'wxbridge-migration-'));
const database = await startEmbeddedPostgres({ dataDir: scratchDir, database: 'scratch' });
const orm = await initOrm({ url: database.url, poolSize: 2 });
try {
  await orm.migrator.up();
  const result = await orm.migrator.create(undefined, false, values.initial, values.name);
  console.log(result.fileName === '' ? 'no changes' : `created migrations/${result.fileName}`);
} finally {
  await orm.close();
  await database.stop();
  rmSync(scratchDir, { recursive: true, force: true });
}
