/**
 * `npm run bench` (issue #6): every scenario against a freshly started wxbridge, everything on this
 * machine — PostgreSQL (embedded, in a temporary folder, unless BENCH_DATABASE_URL names a server
 * where a scratch database may be created), the WeChat simulator in its own process, wxbridge in
 * its own process(es) with WXBRIDGE_WORKERS workers, and this load generator. Prints one table.
 *
 *   npm run bench [-- --quick] [--only login-max,refresh] [--workers auto] [--pool 10] [--connections 32]
 *                 [--log-level warn] [--accounts 1000000] [--cpu-prof <dir>] [--json <file>] [--no-cross-check] [--statements]
 *
 * See bench/README.md for the method and the latest results.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { findFreePort } from '../src/db/postmaster.ts';
import { APP_ID, prepareBenchDatabase, SERVICE_CLIENT } from './bench-fixtures.ts';
import { createTarget } from './load-generator.ts';
import { startScriptFlags, startSimulatorProcess, startWxbridgeProcess, type SimulatorProcess, type WxbridgeProcess } from './processes.ts';
import { describeMachine, formatMachine, formatStatements, formatTable, loadAverageNow, type ScenarioRow } from './report.ts';
import { createReturningUsers, SCENARIOS, type BenchContext, type BenchSettings } from './scenarios.ts';
import { openScratchDatabase, settleDatabase } from './scratch-database.ts';
import { seedAccounts, type SeedResult } from './seed-accounts.ts';

const ALL = ['discovery', 'jwks', 'client_credentials', 'login-accounts', 'login-max', 'login-fixed', 'refresh'] as const;
type ScenarioName = (typeof ALL)[number];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    workers: { type: 'string', default: 'auto' },
    pool: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    'log-level': { type: 'string', default: 'warn' },
    accounts: { type: 'string' },
    'returning-users': { type: 'string', default: '1000' },
    'cpu-prof': { type: 'string' },
    json: { type: 'string' },
    warmup: { type: 'string' },
    measure: { type: 'string' },
    'node-flags': { type: 'string' },
    'cross-check': { type: 'boolean', default: true },
    statements: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
  },
  allowNegative: true,
});

const quick = args.quick;
const settings: BenchSettings = {
  warmupMs: 1000 * Number(args.warmup ?? (quick ? 1 : 5)),
  measureMs: 1000 * Number(args.measure ?? (quick ? 3 : 20)),
  connections: Number(args.connections),
  fixedRate: 500,
  accountsRate: 200,
};
const workers = args.workers === 'auto' ? availableParallelism() : Number(args.workers);
const seededAccounts = Number(args.accounts ?? (quick ? 100_000 : 1_000_000));
const selected = new Set<ScenarioName>((args.only?.split(',') ?? ALL) as ScenarioName[]);
for (const name of selected) if (!ALL.includes(name)) throw new Error(`--only: unknown scenario ${name} (known: ${ALL.join(', ')})`);

const CROSS_CHECKED = ['jwks', 'client_credentials', 'login-max'] as const;
const isCrossChecked = (name: ScenarioName): name is (typeof CROSS_CHECKED)[number] => (CROSS_CHECKED as readonly string[]).includes(name);

const label = (n: number): string => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ version: string }>('select version()');
    return (result.rows[0]?.version ?? 'PostgreSQL ?').split(' on ')[0] ?? 'PostgreSQL ?';
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const loadAtStart = loadAverageNow();
  console.error(`wxbridge benchmark${quick ? ' (--quick)' : ''}: starting PostgreSQL, the WeChat simulator and wxbridge (${workers} worker${workers === 1 ? '' : 's'})…`);
  const database = await openScratchDatabase({ externalUrl: process.env['BENCH_DATABASE_URL'] });
  let simulator: SimulatorProcess | undefined;
  let wxbridge: WxbridgeProcess | undefined;
  // Ctrl-C reaches wxbridge and the simulator (same process group) but not the embedded PostgreSQL.
  process.once('SIGINT', () => {
    void Promise.allSettled([wxbridge?.stop(), simulator?.stop()]).then(() => database.drop()).finally(() => process.exit(130));
  });
  try {
    const port = await findFreePort();
    const issuer = `https://id.bench.test`;
    const masterKey = randomBytes(32).toString('base64');
    const registration = await prepareBenchDatabase({ databaseUrl: database.url, masterKey, issuer });
    simulator = await startSimulatorProcess({ appId: APP_ID, secret: registration.appSecret });
    wxbridge = await startWxbridgeProcess({
      port, workers,
      // --floor: the same requests served by bench/floor-server.ts (no framework) instead of wxbridge.
      ...(args.floor ? { entry: 'bench/floor-server.ts' } : {}),
      env: {
        NODE_ENV: 'production', DATABASE_URL: database.url, WXBRIDGE_MASTER_KEY: masterKey, WXBRIDGE_ISSUER: issuer,
        WXBRIDGE_WECHAT_API_BASE_URL: simulator.url, WXBRIDGE_DB_POOL_SIZE: args.pool, WXBRIDGE_LOG_LEVEL: args['log-level'],
        ...passedThrough(),
        ...(args.floor ? {
          FLOOR_ISSUER: issuer, FLOOR_WECHAT_URL: simulator.url, FLOOR_APP_ID: APP_ID, FLOOR_APP_SECRET: registration.appSecret,
          FLOOR_SERVICE_CLIENT: SERVICE_CLIENT, FLOOR_SERVICE_SECRET: registration.serviceSecret,
        } : {}),
      },
      nodeFlags: args['node-flags']?.split(/\s+/).filter(Boolean),
      ...(args['cpu-prof'] === undefined ? {} : { execArgv: ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] }),
    });
    const machine = describeMachine(await postgresVersion(database.url));
    const ctx: BenchContext = {
      settings, wxbridge, simulator, postmasterPid: database.postmasterPid, statements: await database.trackStatements(),
      target: createTarget(wxbridge.baseUrl, 256), serviceSecret: registration.serviceSecret,
      returningUsers: [], refreshTokens: [], primaryPeakRssMiB: 0,
    };
    const rows: ScenarioRow[] = [];
    let seeding: SeedResult | undefined;
    const needsLogins = ['login-accounts', 'login-max', 'login-fixed', 'refresh'].some((name) => selected.has(name as ScenarioName));
    if (needsLogins) {
      const seconds = await createReturningUsers(ctx, Number(args['returning-users']));
      console.error(`  ${ctx.returningUsers.length} returning users created in ${seconds.toFixed(1)} s (warm-up)`);
    }
    for (const name of ALL) {
      if (!selected.has(name)) continue;
      if (name === 'login-accounts') {
        console.error(`  database settled (VACUUM ANALYZE, CHECKPOINT) in ${(await settleDatabase(database.url)).toFixed(1)} s`);
        rows.push(await SCENARIOS['login-accounts'](ctx, label(ctx.returningUsers.length)));
        continue;
      }
      rows.push(await SCENARIOS[name](ctx));
      if (args['cross-check'] && isCrossChecked(name)) rows.push(await SCENARIOS[`${name}-autocannon`](ctx));
    }
    if (selected.has('login-accounts')) {
      console.error(`  seeding ${seededAccounts.toLocaleString('en')} accounts…`);
      seeding = await seedAccounts({ databaseUrl: database.url, count: seededAccounts, appId: APP_ID });
      console.error(`  database settled (VACUUM ANALYZE, CHECKPOINT) in ${(await settleDatabase(database.url)).toFixed(1)} s`);
      rows.push(await SCENARIOS['login-accounts'](ctx, `+${label(seededAccounts)}`));
    }
    ctx.target.close();
    report({ rows, machine, seeding, ctx, loadAtStart, seconds: (performance.now() - startedAt) / 1000 });
  } catch (error) {
    if (wxbridge !== undefined) console.error(`wxbridge output:\n${wxbridge.output()}`);
    throw error;
  } finally {
    await wxbridge?.stop();
    await simulator?.stop();
    await database.drop();
  }
}

function report(run: { rows: ScenarioRow[]; machine: ReturnType<typeof describeMachine>; seeding: SeedResult | undefined; ctx: BenchContext; loadAtStart: number; seconds: number }): void {
  const { rows, machine, seeding, ctx } = run;
  const find = (prefix: string): ScenarioRow | undefined => rows.find((row) => row.scenario.startsWith(prefix));
  const login = find('login (max)');
  const cc = find('client_credentials');
  const accounts = rows.filter((row) => row.scenario.includes('accounts'));
  const lines = [
    '',
    `wxbridge benchmark — ${new Date().toISOString()}${quick ? ' (--quick: short phases, fewer seeded accounts)' : ''}`,
    `machine: ${formatMachine(machine)}; load average ${run.loadAtStart.toFixed(2)} at start`,
    `setup: ${workers} worker(s) started as \`node ${args['node-flags'] ?? startScriptFlags().join(' ')} ${args.floor ? 'bench/floor-server.ts (the floor: no framework)' : 'src/main.ts'}\`${args['node-flags'] === undefined ? ' (npm start)' : ''}, pool ${args.pool} connections each, ` +
      `${settings.connections} connections for max-throughput phases, log level ${args['log-level']}; ` +
      `phases: ${settings.warmupMs / 1000} s warm-up + ${settings.measureMs / 1000} s measured; everything on this machine`,
    '',
    formatTable(rows),
    '',
    'peak RSS: the largest VmHWM of one serving process during the phase (reset before it).' +
      (ctx.primaryPeakRssMiB > 0 ? ` The primary (supervisor) peaked at ${ctx.primaryPeakRssMiB.toFixed(0)} MiB.` : ''),
    'CPU: cores used during the measured phase by wxbridge (all processes) / PostgreSQL (all backends) / the WeChat simulator / this load generator /',
    '  everything else on the machine (other users\' work competing for the same 2 cores; the load average includes the benchmark itself).',
  ];
  if (args.statements) lines.push('', ...rows.filter((row) => row.note === undefined).map((row) => formatStatements(row)).filter((text) => text !== ''), '');
  if (login !== undefined && cc !== undefined) lines.push(`login / client_credentials throughput ratio: ${(login.requestsPerSecond / cc.requestsPerSecond).toFixed(2)} (target ≥ 0.7)`);
  if (accounts.length === 2 && accounts[0] !== undefined && accounts[1] !== undefined) {
    const [small, large] = accounts;
    lines.push(`login latency, ${small.scenario.split(', ')[1] ?? ''} → ${large.scenario.split(', ')[1] ?? ''}: p50 ${small.p50.toFixed(2)} → ${large.p50.toFixed(2)} ms (${signed(large.p50 / small.p50 - 1)}), p99 ${small.p99.toFixed(1)} → ${large.p99.toFixed(1)} ms (${signed(large.p99 / small.p99 - 1)})`);
  }
  if (seeding !== undefined) lines.push(`seeding: ${seeding.inserted.toLocaleString('en')} accounts + identities in ${seeding.seconds.toFixed(1)} s (${Math.round(seeding.rowsPerSecond).toLocaleString('en')}/s) + ANALYZE ${seeding.analyzeSeconds.toFixed(1)} s`);
  lines.push(`total run time ${run.seconds.toFixed(0)} s; load average ${loadAverageNow().toFixed(2)} at the end`);
  console.log(lines.join('\n'));
  if (args.json !== undefined) writeFileSync(args.json, JSON.stringify({ machine, settings, workers, pool: args.pool, rows, seeding, primaryPeakRssMiB: ctx.primaryPeakRssMiB }, null, 2));
}

/**
 * WXBRIDGE_* variables of the harness's environment reach wxbridge (e.g. WXBRIDGE_LOOKUP_CACHE_TTL_MS=0
 * to compare), and BENCH_NODE_OPTIONS becomes wxbridge's NODE_OPTIONS (e.g. V8 heap flags).
 */
function passedThrough(): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('WXBRIDGE_') && entry[1] !== undefined));
  const nodeOptions = process.env['BENCH_NODE_OPTIONS'];
  return nodeOptions === undefined ? env : { ...env, NODE_OPTIONS: nodeOptions };
}

function signed(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)} %`;
}

await main();
