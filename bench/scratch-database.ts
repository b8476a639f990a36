/**
 * A throwaway PostgreSQL database for a benchmark run: a scratch database on the server named by
 * `externalUrl` (created, dropped afterwards), else an embedded PostgreSQL in a temporary folder
 * (the same binaries and settings as `npm start`, src/db/embedded-postgres.ts).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';

export interface ScratchDatabase {
  readonly url: string;
  /** The embedded server's postmaster, whose process tree the benchmark measures; undefined for an external server. */
  readonly postmasterPid: number | undefined;
  drop(): Promise<void>;
}

async function runAdmin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function openScratchDatabase(options: { externalUrl?: string | undefined; prefix?: string } = {}): Promise<ScratchDatabase> {
  const prefix = options.prefix ?? 'wxbridge_bench';
  const external = options.externalUrl;
  if (external !== undefined && external !== '') {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    await runAdmin(external, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    const url = new URL(external);
    url.pathname = `/${name}`;
    return { url: url.toString(), postmasterPid: undefined, drop: () => runAdmin(external, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`) };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'wxbridge-bench-'));
  chmodSync(dataDir, 0o755); // the postgres OS user must traverse it
  const embedded = await startEmbeddedPostgres({ dataDir, database: prefix });
  const postmasterPid = Number.parseInt(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
  return {
    url: embedded.url,
    postmasterPid: Number.isInteger(postmasterPid) ? postmasterPid : undefined,
    async drop() {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Brings the database to a steady state before a latency comparison: VACUUM ANALYZE (visibility
 * map, planner statistics, as autovacuum eventually would) and a CHECKPOINT (no pending dirty-page
 * writes), so that a phase right after a bulk load does not also measure the load's aftermath.
 * Returns the seconds it took. CHECKPOINT needs a superuser; without one it is skipped.
 */
export async function settleDatabase(url: string): Promise<number> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('vacuum analyze');
    await client.query('checkpoint').catch(() => undefined);
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}
