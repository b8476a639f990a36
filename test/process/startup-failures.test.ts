// `npm start` (node src/main.ts) when it cannot start (issue 18 #3, #4): one line naming the cause and
// what to change, an exit code documented in the README, no stack trace — and in production nothing
// written to a database it refuses.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/db/postmaster.ts';
import { withAdmin, withDatabase } from '../support/global-setup.ts';
import { createProcessWorkspace } from '../support/wxbridge-process.ts';

const workspace = createProcessWorkspace();
const PRODUCTION = { NODE_ENV: 'production', WXBRIDGE_MASTER_KEY: randomBytes(32).toString('base64'), WXBRIDGE_ISSUER: 'https://id.example.com', WXBRIDGE_LOG_LEVEL: 'warn' };

/** Starts `node src/main.ts` with `env` and waits for it to exit; its output, trimmed, and exit code. */
async function startAndExit(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const proc = await workspace.start({ WXBRIDGE_DATA_DIR: workspace.dataDir(), ...env });
  const { code } = await proc.exited;
  return { code, lines: proc.output().trim().split('\n') };
}

const databaseNames = async (): Promise<string[]> =>
  withAdmin(inject('adminDatabaseUrl'), async (client) => (await client.query<{ datname: string }>('select datname from pg_database')).rows.map((r) => r.datname));

/** An empty database on the test server, dropped after the file. */
async function emptyDatabase(): Promise<string> {
  const name = `wxbridge_empty_${randomBytes(4).toString('hex')}`;
  await withAdmin(inject('adminDatabaseUrl'), (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  afterAll(() => withAdmin(inject('adminDatabaseUrl'), (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)));
  return withDatabase(inject('adminDatabaseUrl'), name);
}

describe('npm start that cannot start', { timeout: 60_000 }, () => {
  it('names the port in use and PORT, and exits 71', async () => {
    const port = await findFreePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => { holder.listen(port, resolve); });
    try {
      const result = await startAndExit({ PORT: String(port) });
      expect(result).toEqual({ code: 71, lines: [`wxbridge cannot start: port ${port} is already in use (another wxbridge or another program listens on it): stop that, or start on a free port with PORT=<port>`] });
    } finally {
      holder.close();
    }
  });

  it('says PostgreSQL cannot be reached, where, without the password, and exits 69', async () => {
    const port = await findFreePort();
    const result = await startAndExit({ DATABASE_URL: `postgres://wxbridge:pg-secret-91c2@127.0.0.1:${port}/shop`, WXBRIDGE_LOG_LEVEL: 'warn' });
    expect(result).toEqual({ code: 69, lines: [`wxbridge cannot start: cannot reach PostgreSQL at 127.0.0.1:${port}/shop: connection refused; is it running, and is DATABASE_URL right?`] });
  });

  it('in production, refuses pending migrations in one line (exit 75) and leaves the database untouched', async () => {
    const url = await emptyDatabase();
    const result = await startAndExit({ ...PRODUCTION, DATABASE_URL: url });
    expect(result.code).toBe(75);
    expect(result.lines).toEqual([expect.stringMatching(/^wxbridge cannot start: the database has \d+ pending migration\(s\), from Migration\w+; run `wxbridge migrate` first$/)]);
    const tables = await withAdmin(url, async (client) => (await client.query<{ tablename: string }>('select tablename from pg_tables where schemaname = $1', ['public'])).rows);
    expect(tables).toEqual([]);
  });

  it('in production, refuses a database that does not exist without creating it (exit 69)', async () => {
    const name = `wxbridge_missing_${randomBytes(4).toString('hex')}`;
    const result = await startAndExit({ ...PRODUCTION, DATABASE_URL: withDatabase(inject('adminDatabaseUrl'), name) });
    expect(result.code).toBe(69);
    expect(result.lines).toEqual([expect.stringMatching(new RegExp(`^wxbridge cannot start: database "${name}" does not exist on PostgreSQL at .+/${name}: create it, then run \`wxbridge migrate\`$`))]);
    expect(await databaseNames()).not.toContain(name);
  });

  it('says a postgres:// URL is required, and reports a bad master key and an http:// issuer together (exit 78)', async () => {
    const mysql = await startAndExit({ DATABASE_URL: 'mysql://root:mysql-secret-3b@db/shop' });
    expect(mysql).toEqual({ code: 78, lines: ['invalid configuration:', '  DATABASE_URL: a postgres:// URL is required (postgres://user:password@host:5432/database)'] });
    const both = await startAndExit({ ...PRODUCTION, DATABASE_URL: 'postgres://db/shop', WXBRIDGE_MASTER_KEY: randomBytes(16).toString('base64'), WXBRIDGE_ISSUER: 'http://id.example.com' });
    expect(both.code).toBe(78);
    expect(both.lines.slice(1).map((line) => line.trim().split(':')[0]).sort()).toEqual(['WXBRIDGE_ISSUER', 'WXBRIDGE_MASTER_KEY']);
  });
});
