/**
 * Seeds N accounts, each with one WeChat identity of `appId`, straight into PostgreSQL — for the
 * "login latency at 1,000,000 accounts" scenario. One multi-row INSERT … SELECT generate_series per
 * batch (both tables in one statement through a data-modifying CTE): the rows are made inside the
 * server, nothing crosses the wire per row, which is as fast as COPY without a client-side encoder.
 *
 *   npx node bench/seed-accounts.ts --database-url postgres://… --count 1000000 [--app-id wx…] [--batch 100000]
 *
 * Seeded identities get openids no simulator user has ("sd" + 26 hex): they fill the tables and
 * indexes that logins search, and are never logged in themselves.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';

export interface SeedResult {
  readonly inserted: number;
  readonly seconds: number;
  /** Seconds of the final ANALYZE (planner statistics, as autovacuum would eventually gather). */
  readonly analyzeSeconds: number;
  readonly rowsPerSecond: number;
}

export interface SeedOptions {
  readonly databaseUrl: string;
  readonly count: number;
  readonly appId: string;
  readonly batchSize?: number;
  readonly onProgress?: (inserted: number, seconds: number) => void;
}

const SEED_BATCH = `
  with fresh as (
    insert into accounts (id, status, created_at, updated_at)
    select gen_random_uuid(), 'active', now() - random() * interval '365 days', now() from generate_series(1, $1::int)
    returning id, created_at
  )
  insert into wechat_identities (app_id, open_id, account_id, first_login_at, last_login_at)
  select $2::text, 'sd' || substr(md5(id::text), 1, 26), id, created_at, created_at from fresh`;

export async function seedAccounts(options: SeedOptions): Promise<SeedResult> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const batchSize = options.batchSize ?? 100_000;
  const started = performance.now();
  let inserted = 0;
  try {
    // A bulk load, not user data: losing it in a crash costs nothing, so skip waiting for the WAL flush.
    await client.query('set synchronous_commit = off');
    while (inserted < options.count) {
      const batch = Math.min(batchSize, options.count - inserted);
      await client.query(SEED_BATCH, [batch, options.appId]);
      inserted += batch;
      options.onProgress?.(inserted, (performance.now() - started) / 1000);
    }
    const seconds = (performance.now() - started) / 1000;
    const analyzeStarted = performance.now();
    await client.query('analyze accounts, wechat_identities');
    return { inserted, seconds, analyzeSeconds: (performance.now() - analyzeStarted) / 1000, rowsPerSecond: inserted / seconds };
  } finally {
    await client.end();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string', default: process.env['DATABASE_URL'] },
      count: { type: 'string', default: '1000000' },
      'app-id': { type: 'string', default: 'wx0123456789abcdef' },
      batch: { type: 'string', default: '100000' },
    },
  });
  const databaseUrl = values['database-url'];
  if (databaseUrl === undefined || databaseUrl === '') {
    console.error('seed-accounts: --database-url (or DATABASE_URL) is required; the database must be migrated (wxbridge migrate)');
    process.exit(2);
  }
  const result = await seedAccounts({
    databaseUrl, count: Number(values.count), appId: values['app-id'], batchSize: Number(values.batch),
    onProgress: (n, s) => { console.error(`  ${n.toLocaleString('en')} accounts in ${s.toFixed(1)} s`); },
  });
  console.log(`seeded ${result.inserted.toLocaleString('en')} accounts + identities in ${result.seconds.toFixed(1)} s (${Math.round(result.rowsPerSecond).toLocaleString('en')} accounts/s), ANALYZE ${result.analyzeSeconds.toFixed(1)} s`);
}
