/**
 * Integration-test database (house-style §9): once per run, a PostgreSQL server (TEST_DATABASE_URL,
 * else an embedded one in a temporary folder) gets a template database with the real migrations
 * applied; each test file clones it (test/support/test-database.ts). Never SQLite, never a fake.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.ts';
import { initOrm, migrate } from '../../src/db/orm.ts';

declare module 'vitest' {
  interface ProvidedContext {
    /** URL of the maintenance database on the test server (used to create and drop databases). */
    adminDatabaseUrl: string;
    /** Name of the migrated template database every test database is cloned from. */
    templateDatabase: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let scratchDir: string | undefined;
let adminUrl = '';
let template = '';

export async function setup(project: TestProject): Promise<void> {
  const external = process.env['TEST_DATABASE_URL'];
  if (external !== undefined && external !== '') {
    adminUrl = external;
  } else {
    scratchDir = mkdtempSync(join(tmpdir(), 'wxbridge-test-pg-'));
    chmodSync(scratchDir, 0o755); // the postgres OS user must traverse it (stack-notes.md)
    embedded = await startEmbeddedPostgres({ dataDir: scratchDir, database: 'wxbridge_admin' });
    adminUrl = embedded.url;
  }
  template = `wxbridge_template_${process.pid}_${Date.now().toString(36)}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`));
  const orm = await initOrm({ url: withDatabase(adminUrl, template), poolSize: 2 });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);
}

export async function teardown(): Promise<void> {
  if (adminUrl !== '' && template !== '') {
    await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(template)} WITH (FORCE)`)).catch(() => undefined);
  }
  await embedded?.stop();
  if (scratchDir !== undefined) rmSync(scratchDir, { recursive: true, force: true });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function withAdmin<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
