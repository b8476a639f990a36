/**
 * `npm run ha-test`: wxbridge scaled out (design.md §9), proven on this machine. Three instances
 * (`node src/main.ts`, production mode) share one PostgreSQL and Redis (or PostgreSQL counters) behind
 * haproxy with deploy/haproxy/haproxy.cfg; logins, refreshes and phone-number calls run through it while
 * one instance is SIGKILLed and another restarted; then the invariants are checked (scripts/ha-test/).
 * Prints a figures table; exits 1 if any invariant failed. Never part of `npm test`.
 *   npm run ha-test -- [--duration 60] [--chains 10] [--limit 200] [--window 10] [--keep]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openScratchDatabase } from '../bench/scratch-database.ts';
import { startSimulatorProcess } from '../bench/processes.ts';
import { checkRefreshTokens, verifyTokens } from './ha-test/checks.ts';
import { injectFaults, INSTANCE_NAMES, startCluster, stopCluster, waitUntilBalanced, type Cluster } from './ha-test/cluster.ts';
import { APP_ID, ISSUER, redisAnswers, registerThroughCli } from './ha-test/fixture.ts';
import { parseHaproxyLog } from './ha-test/haproxy-config.ts';
import { errorLines } from './ha-test/processes.ts';
import { runRateLimitPhase } from './ha-test/rate-limit-phase.ts';
import { createRecorder } from './ha-test/recorder.ts';
import { balancerSummary, invariantLines, phoneCallsBy, requestTable, type Invariant } from './ha-test/report.ts';
import { driveTraffic, type TokenHaul } from './ha-test/traffic.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' }, chains: { type: 'string', default: '10' },
    limit: { type: 'string', default: '200' }, window: { type: 'string', default: '10' }, keep: { type: 'boolean', default: false },
  },
});
const DURATION_MS = Number(args.duration) * 1000;
const LIMIT = Number(args.limit);
const WINDOW_S = Number(args.window);
const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';

const runDir = mkdtempSync(join(tmpdir(), 'wxbridge-ha-'));
const database = await openScratchDatabase({ externalUrl: process.env['TEST_DATABASE_URL'] ?? (await reachable(5432) ? LOCAL_POSTGRES : undefined), prefix: 'wxbridge_ha' });
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const useRedis = await redisAnswers(redisUrl);
const env: Record<string, string> = {
  NODE_ENV: 'production', WXBRIDGE_ISSUER: ISSUER, DATABASE_URL: database.url, WXBRIDGE_MASTER_KEY: randomBytes(32).toString('base64'),
  WXBRIDGE_DB_POOL_SIZE: '5', WXBRIDGE_LOG_LEVEL: 'warn', WXBRIDGE_TRUST_PROXY: '1', WXBRIDGE_SHUTDOWN_TIMEOUT_MS: '5000',
  WXBRIDGE_RATE_LIMIT_PER_CLIENT: String(LIMIT), WXBRIDGE_RATE_LIMIT_WINDOW_S: String(WINDOW_S),
  ...(useRedis ? { REDIS_URL: redisUrl, WXBRIDGE_REDIS_KEY_PREFIX: `wxbridge-ha-${randomBytes(4).toString('hex')}:` } : {}),
};
const fixture = registerThroughCli(env, 12);
const simulator = await startSimulatorProcess({ appId: APP_ID, secret: fixture.appSecret });
env['WXBRIDGE_WECHAT_API_BASE_URL'] = simulator.url;

let cluster: Cluster | undefined;
let failed = true;
try {
  cluster = await startCluster(env, runDir);
  failed = !(await run(cluster));
} finally {
  if (cluster !== undefined) await stopCluster(cluster);
  await simulator.stop();
  await database.drop();
  if (failed || args.keep) console.log(`\nlogs and haproxy.cfg kept in ${runDir}`);
  else rmSync(runDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

async function run(running: Cluster): Promise<boolean> {
  console.log(`wxbridge HA run: ${String(INSTANCE_NAMES.length)} instances (node src/main.ts, NODE_ENV=production) behind haproxy (deploy/haproxy/haproxy.cfg)`);
  console.log(`PostgreSQL: ${database.postmasterPid === undefined ? 'external server, scratch database' : 'embedded'}; rate-limit counters: ${useRedis ? 'Redis' : 'PostgreSQL'}; per-client limit ${String(LIMIT)}/${String(WINDOW_S)} s\n`);
  const recorder = createRecorder(running.balancerUrl);
  const abort = new AbortController();
  const start = performance.now();
  const traffic = driveTraffic({ recorder, simulatorUrl: simulator.url, fixture, chains: Number(args.chains), refreshesPerLogin: 3, phoneWorkers: 2, signal: abort.signal });
  const events = await injectFaults(running, start, DURATION_MS, abort.signal);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + DURATION_MS - performance.now())));
  abort.abort();
  const haul = await traffic;
  console.log(`timeline (s): ${events.map((event) => `${event.at.toFixed(1)} ${event.what}`).join('; ')}; ${((performance.now() - start) / 1000).toFixed(1)} traffic stopped\n`);
  console.log(requestTable(recorder));
  await waitUntilBalanced(running);
  const invariants = await checkInvariants(running, recorder.violations, haul);
  const log = parseHaproxyLog(readFileSync(running.haproxy.logFile, 'utf8'));
  console.log(`\nbalancer:\n  ${balancerSummary(log, INSTANCE_NAMES).join('\n  ')}`);
  const errors = [...running.instances.values()].map((instance) => `${instance.name} ${String(errorLines(instance.logFile).length)}`);
  console.log(`  error-level log lines per instance (all its runs): ${errors.join(', ')}\n`);
  invariants.push(...await wechatTokenInvariant(log));
  console.log(invariantLines(invariants));
  return invariants.every((invariant) => invariant.ok);
}

async function checkInvariants(running: Cluster, violations: readonly string[], haul: TokenHaul): Promise<Invariant[]> {
  const limits = await runRateLimitPhase({ baseUrl: running.balancerUrl, fixture, limit: LIMIT, windowSeconds: WINDOW_S, instances: INSTANCE_NAMES.length });
  const tokens = await verifyTokens(running.balancerUrl, haul);
  const refresh = await checkRefreshTokens(running.balancerUrl, haul);
  const issued = haul.accessTokens.length + haul.idTokens.length;
  return [
    { ok: violations.length === 0, text: `every answer a success or a clean 429/503 with Retry-After (violations: ${String(violations.length)})`, details: violations },
    { ok: haul.malformed.length === 0, text: `every success carried well-formed tokens / phone numbers (malformed: ${String(haul.malformed.length)})`, details: haul.malformed },
    { ok: tokens.jwksVariants === 1, text: `every instance publishes the same JWKS (${String(tokens.jwksVariants)} variant(s); kids ${tokens.kids.join(', ')})` },
    { ok: tokens.failed.length === 0 && tokens.verified === issued && issued > 0, text: `tokens verified with jose against the JWKS fetched through the balancer: ${String(tokens.verified)}/${String(issued)} (access ${String(haul.accessTokens.length)}, ID ${String(haul.idTokens.length)})`, details: tokens.failed },
    {
      ok: refresh.failures.length === 0 && refresh.exactlyOnce === haul.liveRefreshTokens.length && refresh.exactlyOnce > 0,
      text: `unused refresh tokens refresh exactly once (two concurrent uses: one 200, one invalid_grant): ${String(refresh.exactlyOnce)}/${String(haul.liveRefreshTokens.length)}; uncertain (answer lost with an instance): ${String(refresh.uncertainUnused)} still unused, ${String(refresh.uncertainSpent)} spent`,
      details: refresh.failures,
    },
    {
      ok: refresh.revocationFailures.length === 0,
      text: `the second use revokes the grant, so the winner's new refresh token is refused too (ADR 0003): ${String(refresh.grantRevoked)}/${String(refresh.exactlyOnce)}`,
      details: refresh.revocationFailures,
    },
    {
      ok: limits.ok,
      text: `shared per-client limit over ${String(INSTANCE_NAMES.length)} instances: ${String(limits.requests)} client_credentials in ${limits.seconds.toFixed(1)} s, limit ${String(limits.limit)} → ${String(limits.passed)} passed (allowed ${String(limits.limit)}–${String(limits.limit + limits.allowedExtra)}; the extra is ≈ ${String(limits.impliedLagMs)} ms of flush lag), ${String(limits.limited)} × 429 (ideal ${String(limits.requests - limits.limit)}), ${String(limits.other)} other, ${String(limits.limitedWithoutRetryAfter)} 429 without Retry-After`,
    },
  ];
}

async function wechatTokenInvariant(log: ReturnType<typeof parseHaproxyLog>): Promise<Invariant[]> {
  const { requests } = (await (await fetch(`${simulator.url}/__simulator/requests`)).json()) as { requests: { endpoint: string | null; body?: string }[] };
  const stableTokenCalls = requests.filter((entry) => entry.endpoint === 'stable_token' && (entry.body ?? '').includes(APP_ID)).length;
  const phoneCalls = requests.filter((entry) => entry.endpoint === 'getuserphonenumber').length;
  const perInstance = INSTANCE_NAMES.map((name) => phoneCallsBy(log, name));
  return [{
    // The simulator keeps its last 10,000 requests: a full log may have dropped an early stable_token call.
    ok: stableTokenCalls === 1 && requests.length < 10_000 && perInstance.every((count) => count > 0),
    text: `central WeChat access token: ${String(stableTokenCalls)} stable_token call(s) for ${String(phoneCalls)} getuserphonenumber calls made by ${INSTANCE_NAMES.map((name, index) => `${name} ${String(perInstance[index])}`).join(', ')} (simulator log: ${String(requests.length)} requests)`,
  }];
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => { socket.destroy(); resolve(false); });
    socket.once('error', () => { resolve(false); });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
  });
}
