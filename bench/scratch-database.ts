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
  /**
   * pg_stat_statements in the scratch database, when the server has it loaded (the embedded one always does).
   * Call it after the migrations: the migrator snapshots the schema into migrations/, and the extension's views must not end up there.
   */
  trackStatements(): Promise<StatementStats | undefined>;
  drop(): Promise<void>;
}

export interface StatementCount {
  readonly query: string;
  readonly calls: number;
  readonly rows: number;
}

/** Statements the server ran for the scratch database since the last reset (round trips: BEGIN and COMMIT count). */
export interface StatementStats {
  reset(): Promise<void>;
  read(): Promise<StatementCount[]>;
}

/** pg_stat_statements needs shared_preload_libraries; where it is not loaded the benchmark runs without statement counts. */
async function statementStats(url: string): Promise<StatementStats | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
  const query = async <Row extends pg.QueryResultRow>(sql: string): Promise<Row[]> => {
    const reader = new pg.Client({ connectionString: url });
    await reader.connect();
    try {
      return (await reader.query<Row>(sql)).rows;
    } finally {
      await reader.end();
    }
  };
  return {
    async reset() {
      await query('select pg_stat_statements_reset()');
    },
    async read() {
      const rows = await query<{ query: string; calls: string; rows: string }>(
        `select query, calls, rows from pg_stat_statements
          where dbid = (select oid from pg_database where datname = current_database())
            and query not like '%pg_stat_statements%' order by calls desc`,
      );
      return rows.map((row) => ({ query: row.query, calls: Number(row.calls), rows: Number(row.rows) }));
    },
  };
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
    return { url: url.toString(), postmasterPid: undefined, trackStatements: () => statementStats(url.toString()), drop: () => runAdmin(external, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`) };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'wxbridge-bench-'));
  chmodSync(dataDir, 0o755); // the postgres OS user must traverse it
  const embedded = await startEmbeddedPostgres({ dataDir, database: prefix, settings: { shared_preload_libraries: 'pg_stat_statements' } });
  const postmasterPid = Number.parseInt(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
  return {
    url: embedded.url,
    postmasterPid: Number.isInteger(postmasterPid) ? postmasterPid : undefined,
    trackStatements: () => statementStats(embedded.url),
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
