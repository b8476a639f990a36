/**
 * The scenarios of issue #6 and how each phase is measured: a warm-up run of the same traffic
 * (discarded), then the measured run, with the peak RSS of every wxbridge process reset in between
 * (clear_refs) and the CPU time of wxbridge, PostgreSQL, the simulator and the load generator itself
 * taken around the measured run.
 */
import { percentile, runClosedLoop, runOpenLoop, type Outcome, type PhaseResult, type RequestSpec, type Target } from './load-generator.ts';
import { clientCredentialsRequest, DISCOVERY, JWKS, loginRequest, mintCodes, refreshRequest, tokensOf, userMix } from './bench-fixtures.ts';
import { anonRssMiB, cpuSeconds, machineBusySeconds, peakRssMiB, resetPeakRss, treeCpuSeconds } from './proc-stats.ts';
import { loadAverageNow, type ScenarioRow } from './report.ts';
import type { SimulatorProcess, WxbridgeProcess } from './processes.ts';
import type { StatementCount, StatementStats } from './scratch-database.ts';
import { runAutocannonPhase } from './autocannon-phase.ts';

export interface BenchSettings {
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Concurrent keep-alive connections of the closed-loop scenarios. */
  readonly connections: number;
  /** Fixed rate of the latency scenario (the issue: p99 at 500/s). */
  readonly fixedRate: number;
  /** Fixed rate of the 1k-versus-1M accounts comparison. */
  readonly accountsRate: number;
}

export interface BenchContext {
  readonly settings: BenchSettings;
  readonly wxbridge: WxbridgeProcess;
  readonly simulator: SimulatorProcess;
  readonly postmasterPid: number | undefined;
  /** pg_stat_statements of the scratch database, when available. */
  readonly statements: StatementStats | undefined;
  readonly target: Target;
  readonly serviceSecret: string;
  /** Users who logged in before: the "returning" nine in ten. */
  readonly returningUsers: string[];
  /** Unspent refresh tokens (every login and refresh adds one). */
  readonly refreshTokens: string[];
  /** Peak RSS of the primary over the run (MiB), when there are workers. */
  primaryPeakRssMiB: number;
}

/**
 * Prepares a phase of `durationMs` (e.g. mints its login codes) and resolves to its run: measure() takes
 * its CPU counters around the run only, so preparing is never charged to the requests (issue 16: minting
 * a login phase's codes used to fall inside the measured window and diluted CPU per login).
 */
type Phase = (durationMs: number) => Promise<() => Promise<PhaseResult>>;

let runCounter = 0;

/** Warm-up, then the measured phase with its resource figures. */
async function measure(ctx: BenchContext, scenario: string, phase: Phase, note?: string): Promise<ScenarioRow> {
  await (await phase(ctx.settings.warmupMs))();
  const run = await phase(ctx.settings.measureMs);
  const serving = ctx.wxbridge.servingPids();
  const all = ctx.wxbridge.allPids();
  for (const pid of all) resetPeakRss(pid);
  await ctx.statements?.reset();
  const cpuBefore = { wx: all.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0), pg: ctx.postmasterPid === undefined ? 0 : treeCpuSeconds(ctx.postmasterPid), sim: cpuSeconds(ctx.simulator.pid) ?? 0, gen: process.cpuUsage(), machine: machineBusySeconds() };
  const started = performance.now();
  const result = await run();
  const wall = (performance.now() - started) / 1000;
  const gen = process.cpuUsage(cpuBefore.gen);
  const wx = all.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0) - cpuBefore.wx;
  const pg = ctx.postmasterPid === undefined ? undefined : (treeCpuSeconds(ctx.postmasterPid) - cpuBefore.pg) / wall;
  const sim = (cpuSeconds(ctx.simulator.pid) ?? 0) - cpuBefore.sim;
  const machine = machineBusySeconds() - cpuBefore.machine;
  const anonMiB = Math.max(...serving.map((pid) => anonRssMiB(pid) ?? 0));
  const statements = await ctx.statements?.read();
  const ours = wx + sim + (gen.user + gen.system) / 1e6 + (pg ?? 0) * wall;
  if (all.length > 1) ctx.primaryPeakRssMiB = Math.max(ctx.primaryPeakRssMiB, peakRssMiB(ctx.wxbridge.pid) ?? 0);
  if (result.errors > 0) console.error(`  ${scenario}: ${result.errors} errors, e.g.\n    ${result.errorSamples.join('\n    ')}`);
  const row: ScenarioRow = {
    scenario,
    requestsPerSecond: result.completed / result.seconds,
    p50: percentile(result.latenciesMs, 50),
    p95: percentile(result.latenciesMs, 95),
    p99: percentile(result.latenciesMs, 99),
    errors: result.errors,
    completed: result.completed,
    peakRssMiB: Math.max(...serving.map((pid) => peakRssMiB(pid) ?? 0)),
    anonRssMiB: anonMiB,
    cpu: { wxbridge: wx / wall, postgres: pg, simulator: sim / wall, loadgen: (gen.user + gen.system) / 1e6 / wall, other: Math.max(0, (machine - ours) / wall) },
    loadAverage: loadAverageNow(),
    ...(statements === undefined ? {} : { statements }),
    ...(note === undefined ? {} : { note }),
  };
  console.error(`  ${scenario}: ${row.requestsPerSecond.toFixed(0)}/s p50 ${row.p50.toFixed(1)} ms p99 ${row.p99.toFixed(1)} ms; CPU ms/request wxbridge ${(1000 * row.cpu.wxbridge / row.requestsPerSecond).toFixed(2)}, PostgreSQL ${(1000 * (row.cpu.postgres ?? Number.NaN) / row.requestsPerSecond).toFixed(2)}` +
    (statements === undefined ? '' : `; statements/request ${(sumCalls(statements) / row.completed).toFixed(2)}`));
  return row;
}

function sumCalls(statements: readonly StatementCount[]): number {
  return statements.reduce((sum, statement) => sum + statement.calls, 0);
}

function constant(spec: RequestSpec): () => RequestSpec {
  return () => spec;
}

/** Codes for `count` logins in the 1:9 mix, minted before the phase. */
async function loginSupply(ctx: BenchContext, count: number): Promise<() => RequestSpec | undefined> {
  runCounter += 1;
  const mix = userMix(ctx.returningUsers, String(runCounter));
  const codes = await mintCodes(ctx.simulator.url, Array.from({ length: count }, (_, i) => mix(i)));
  let next = 0;
  return () => {
    const code = codes[next];
    next += 1;
    return code === undefined ? undefined : loginRequest(code);
  };
}

/** A login counts when it carries an ID token, a JWT access token and a refresh token (kept for the refresh scenario). */
function keepRefreshToken(ctx: BenchContext): (spec: RequestSpec, outcome: Outcome) => boolean {
  return (_spec, outcome) => {
    if (outcome.status !== 200) return false;
    const tokens = tokensOf(outcome.body, true);
    if (tokens === undefined) return false;
    ctx.refreshTokens.push(tokens.refreshToken);
    return true;
  };
}

const MAX_CLOSED_LOOP_RATE = 3000;

function closedLoginPhase(ctx: BenchContext): Phase {
  return async (durationMs) => {
    const next = await loginSupply(ctx, Math.ceil((MAX_CLOSED_LOOP_RATE * durationMs) / 1000));
    return () => runClosedLoop({ target: ctx.target, connections: ctx.settings.connections, durationMs, wantBody: true, next, check: keepRefreshToken(ctx) });
  };
}

function openLoginPhase(ctx: BenchContext, rate: number): Phase {
  return async (durationMs) => {
    const next = await loginSupply(ctx, Math.ceil((rate * durationMs) / 1000) + 10);
    return () => runOpenLoop({ target: ctx.target, ratePerSecond: rate, durationMs, wantBody: true, next, check: keepRefreshToken(ctx) });
  };
}

function closedPhase(ctx: BenchContext, next: () => RequestSpec): Phase {
  return (durationMs) => Promise.resolve(() => runClosedLoop({ target: ctx.target, connections: ctx.settings.connections, durationMs, next }));
}

function refreshPhase(ctx: BenchContext): Phase {
  return (durationMs) => Promise.resolve(() => {
    let taken = 0;
    return runClosedLoop({
      target: ctx.target, connections: ctx.settings.connections, durationMs, wantBody: true,
      next: () => {
        const token = ctx.refreshTokens[taken];
        if (token === undefined) return undefined;
        ctx.refreshTokens[taken] = '';
        taken += 1;
        return refreshRequest(token);
      },
      check: (_spec, outcome) => {
        if (outcome.status !== 200) return false;
        const tokens = tokensOf(outcome.body, false);
        if (tokens === undefined) return false;
        ctx.refreshTokens.push(tokens.refreshToken);
        return true;
      },
    }).finally(() => { ctx.refreshTokens.splice(0, taken); });
  });
}

/** The cross-check: the same traffic sent by autocannon (a phase of its own, measured the same way). */
function autocannonPhase(ctx: BenchContext, next: () => RequestSpec | undefined): Phase {
  return (durationMs) => Promise.resolve(() => runAutocannonPhase({ baseUrl: ctx.wxbridge.baseUrl, connections: ctx.settings.connections, durationMs, next }));
}

function autocannonLoginPhase(ctx: BenchContext): Phase {
  const keep = keepRefreshToken(ctx);
  const check = (body: string): boolean => keep(loginRequest(''), { status: 200, body });
  return async (durationMs) => {
    const next = await loginSupply(ctx, Math.ceil((MAX_CLOSED_LOOP_RATE * durationMs) / 1000));
    return () => runAutocannonPhase({ baseUrl: ctx.wxbridge.baseUrl, connections: ctx.settings.connections, durationMs, next, check });
  };
}

/** Logs the returning-user pool in once (they become accounts), which also warms every code path. */
export async function createReturningUsers(ctx: BenchContext, count: number): Promise<number> {
  const users = Array.from({ length: count }, (_, i) => `returning-${i}`);
  const codes = await mintCodes(ctx.simulator.url, users);
  let next = 0;
  const started = performance.now();
  const result = await runClosedLoop({
    target: ctx.target, connections: ctx.settings.connections, durationMs: 120_000, wantBody: true,
    next: () => {
      const code = codes[next];
      next += 1;
      return code === undefined ? undefined : loginRequest(code);
    },
    check: keepRefreshToken(ctx),
  });
  if (result.errors > 0) throw new Error(`creating the returning users failed: ${result.errorSamples.join('; ')}`);
  ctx.returningUsers.push(...users);
  return (performance.now() - started) / 1000;
}

export const SCENARIOS = {
  discovery: (ctx: BenchContext) => measure(ctx, 'discovery', closedPhase(ctx, constant(DISCOVERY))),
  jwks: (ctx: BenchContext) => measure(ctx, 'jwks', closedPhase(ctx, constant(JWKS))),
  client_credentials: (ctx: BenchContext) => measure(ctx, 'client_credentials', closedPhase(ctx, constant(clientCredentialsRequest(ctx.serviceSecret)))),
  'login-max': (ctx: BenchContext) => measure(ctx, 'login (max)', closedLoginPhase(ctx)),
  'jwks-autocannon': (ctx: BenchContext) => measure(ctx, 'jwks', autocannonPhase(ctx, constant(JWKS)), 'autocannon'),
  'client_credentials-autocannon': (ctx: BenchContext) => measure(ctx, 'client_credentials', autocannonPhase(ctx, constant(clientCredentialsRequest(ctx.serviceSecret))), 'autocannon'),
  'login-max-autocannon': (ctx: BenchContext) => measure(ctx, 'login (max)', autocannonLoginPhase(ctx), 'autocannon'),
  'login-fixed': (ctx: BenchContext) => measure(ctx, `login @ ${ctx.settings.fixedRate}/s`, openLoginPhase(ctx, ctx.settings.fixedRate)),
  refresh: (ctx: BenchContext) => measure(ctx, 'refresh', refreshPhase(ctx)),
  /** Run twice: before and after seeding (the label says how many accounts). */
  'login-accounts': (ctx: BenchContext, accounts: string) => measure(ctx, `login @ ${ctx.settings.accountsRate}/s, ${accounts} accounts`, openLoginPhase(ctx, ctx.settings.accountsRate)),
} as const;
