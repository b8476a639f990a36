/**
 * PostgreSQL restarted under load and while idle (test-catalogue P-03, P-04, P-05; L-07 "restart
 * PostgreSQL once"), on a dedicated embedded cluster this file stops (SIGINT, fast shutdown) and starts
 * again on the same port. While it is down, token requests fail fast with 503 and Retry-After — never
 * a 500, never a hang — /readyz fails and /healthz, JWKS and discovery still answer; once it is back,
 * the pool reconnects by itself. Afterwards no account lacks its identity, no user has two accounts,
 * and every refresh token a client still holds refreshes.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.ts';
import { findFreePort } from '../../src/db/postmaster.ts';
import { startLoginTraffic, type Outcome, type Traffic } from '../support/login-traffic.ts';
import { adminApi } from '../support/admin-api.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { queryDatabase, setUpMiniProgram, type MiniProgram } from '../support/wechat-fixtures.ts';

const cluster = { dataDir: '', port: 0, server: undefined as EmbeddedDatabase | undefined };

beforeAll(async () => {
  cluster.dataDir = mkdtempSync(join(tmpdir(), 'wxbridge-pg-restart-'));
  chmodSync(cluster.dataDir, 0o755); // the postgres OS user must traverse it (docs/decisions/0002)
  cluster.port = await findFreePort();
  cluster.server = await startEmbeddedPostgres({ dataDir: cluster.dataDir, database: 'wxbridge', port: cluster.port });
});
afterAll(async () => {
  await cluster.server?.stop();
  rmSync(cluster.dataDir, { recursive: true, force: true });
});

async function restartCluster(downForMs: number, whileDown: () => Promise<void>): Promise<{ stoppedAt: number; startedAt: number }> {
  await cluster.server?.stop();
  cluster.server = undefined;
  const stoppedAt = performance.now();
  await Promise.all([whileDown(), sleep(downForMs)]);
  cluster.server = await startEmbeddedPostgres({ dataDir: cluster.dataDir, database: 'wxbridge', port: cluster.port });
  return { stoppedAt, startedAt: performance.now() };
}

async function probe(app: TestApp, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${app.baseUrl}${path}`, { headers });
  return { status: response.status, body: await response.json() };
}

async function waitForSuccessAfter(traffic: Traffic, since: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const success = traffic.outcomes.find((o) => o.status === 200 && o.startedAt >= since);
    if (success !== undefined) return success.startedAt + success.ms - since;
    if (performance.now() > deadline) throw new Error(`no successful request within ${String(timeoutMs)} ms of the restart`);
    await sleep(50);
  }
}

function expectOnlyServiceUnavailable(failures: readonly Outcome[]): void {
  for (const failure of failures) {
    expect({ status: failure.status, error: failure.body['error'] }).toEqual({ status: 503, error: 'temporarily_unavailable' });
    expect(Number(failure.retryAfter)).toBeGreaterThan(0);
  }
}

async function expectIntactAccounts(app: TestApp, traffic: Traffic): Promise<void> {
  const [counts] = await queryDatabase<{ orphans: string; accounts: string; identities: string }>(app, `select
    (select count(*) from accounts a where not exists (select 1 from wechat_identities i where i.account_id = a.id)) as orphans,
    (select count(*) from accounts) as accounts, (select count(*) from wechat_identities) as identities`);
  expect(counts?.orphans).toBe('0');
  // One app: one identity per account, and never two accounts for one user.
  expect(counts?.accounts).toBe(counts?.identities);
  expect(Number(counts?.accounts)).toBeGreaterThanOrEqual(traffic.loggedIn.size);
}

// One app on the cluster for the file (its master key sealed the keys in that database).
let shared: Promise<{ app: TestApp; mp: MiniProgram }> | undefined;
const world = (): Promise<{ app: TestApp; mp: MiniProgram }> => (shared ??= (async () => {
  const app = await startTestApp({ database: { url: cluster.server?.url ?? '', name: 'wxbridge' } });
  return { app, mp: await setUpMiniProgram(app, { scope: 'openid offline_access' }) };
})());

describe('PostgreSQL restarted under load (P-04, P-05)', () => {
  it('fails fast with 503 while it is down, recovers by itself, and loses no account or grant', { timeout: 90_000 }, async () => {
    const { app, mp } = await world();
    const traffic = startLoginTraffic({ baseUrl: app.baseUrl, clientId: mp.clientId, code: (user) => mp.code(user) });
    await sleep(1500);

    const adminToken = await (await adminApi(app)).token();
    const probes: Record<string, { status: number; body: unknown }> = {};
    const { stoppedAt, startedAt } = await restartCluster(2500, async () => {
      await sleep(1000);
      for (const path of ['/readyz', '/healthz', '/jwks', '/.well-known/openid-configuration']) probes[path] = await probe(app, path);
      probes['admin'] = await probe(app, '/admin/v1/clients', { authorization: `Bearer ${adminToken}` });
    });
    const recoveredInMs = await waitForSuccessAfter(traffic, startedAt, 10_000);
    await sleep(1000);
    await traffic.stop();

    const failures = traffic.outcomes.filter((o) => o.status !== 200 && !(o.kind === 'refresh' && o.status === 400));
    expectOnlyServiceUnavailable(failures);
    expect(failures.length).toBeGreaterThan(0);
    if (process.env['WXBRIDGE_RELIABILITY_STATS'] !== undefined) console.log(JSON.stringify({ requests: traffic.outcomes.length, failures: failures.length, recoveredInMs }));
    // Nothing hangs: a request fails within the pool's 3 s connect timeout.
    expect(Math.max(...traffic.outcomes.map((o) => o.ms))).toBeLessThan(6000);
    const duringOutage = traffic.outcomes.filter((o) => o.startedAt > stoppedAt && o.startedAt + o.ms < startedAt);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.filter((o) => o.status !== 503)).toEqual([]);
    expect(probes['/readyz']).toEqual({ status: 503, body: { status: 'unavailable', checks: { database: 'failing', keys: 'ok' } } });
    expect([probes['/healthz']?.status, probes['/jwks']?.status, probes['/.well-known/openid-configuration']?.status]).toEqual([200, 200, 200]);
    expect(probes['admin']).toEqual({ status: 503, body: { error: 'database.unavailable', message: 'internal error' } });
    expect(recoveredInMs).toBeLessThan(5000);
    expect((await probe(app, '/readyz')).status).toBe(200);

    await expectIntactAccounts(app, traffic);
    const held = traffic.chains.filter((chain) => !chain.broken);
    const refreshed = await Promise.all(held.map((chain) => postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: chain.refreshToken })));
    expect(refreshed.map((r) => r.status)).toEqual(held.map(() => 200));
  });

  it('serves the first request after a restart while the pool was idle, and the process stays up (P-03)', async () => {
    const { mp } = await world();
    await mp.login('before');
    await restartCluster(500, () => Promise.resolve());
    await sleep(200);

    expect((await mp.post({ code: mp.code('after') })).status).toBe(200);
  });
});
