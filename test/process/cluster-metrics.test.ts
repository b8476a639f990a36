// Metrics in worker mode (issue 19 #1): WXBRIDGE_WORKERS=2 as a real child process; the primary's
// /metrics listener sums what both workers counted, so logins spread over the workers are all there.
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/db/postmaster.ts';
import { scrape, valueOf } from '../support/prometheus-text.ts';
import { createProcessWorkspace, waitUntilServing, type WxbridgeProcess } from '../support/wxbridge-process.ts';

const workspace = createProcessWorkspace();
const GRANT = 'urn:wxbridge:params:oauth:grant-type:wechat-code';

/** A sandbox login over fresh connections: the primary hands each new connection to the next worker. */
async function sandboxLogin(proc: WxbridgeProcess, user: string): Promise<number> {
  const minted = await fetch(`${proc.baseUrl}/sandbox/wx-login`, {
    method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ user }),
  });
  const { code } = (await minted.json()) as { code: string };
  const token = await fetch(`${proc.baseUrl}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' },
    body: new URLSearchParams({ grant_type: GRANT, client_id: 'sandbox-miniprogram', code, scope: 'openid profile' }).toString(),
  });
  return token.status;
}

/** Every worker serves: fresh connections go to the workers in turn, and a starting worker answers 503. */
async function serving(proc: WxbridgeProcess, count: number): Promise<void> {
  for (let good = 0, tries = 0; good < 2 * count; tries += 1) {
    if (tries > 600) throw new Error(`not every worker serves:\n${proc.output()}`);
    const status = await fetch(`${proc.baseUrl}/.well-known/openid-configuration`, { headers: { connection: 'close' } }).then((r) => r.status, () => 0);
    good = status === 200 ? good + 1 : 0;
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('WXBRIDGE_WORKERS=2 with WXBRIDGE_METRICS_PORT', { timeout: 120_000 }, () => {
  it('serves one /metrics from the primary with every worker\'s counts summed', async () => {
    const dataDir = await workspace.preparedDataDir();
    const metricsPort = await findFreePort();
    const proc = await workspace.start({
      WXBRIDGE_DATA_DIR: dataDir, WXBRIDGE_WORKERS: '2', WXBRIDGE_SANDBOX: '1', WXBRIDGE_LOG_LEVEL: 'warn', WXBRIDGE_METRICS_PORT: String(metricsPort),
    });
    await waitUntilServing(proc);
    await serving(proc, 2);
    const url = `http://127.0.0.1:${metricsPort}/metrics`;
    const before = (await scrape(url)).samples;
    expect(valueOf(before, 'process_open_fds')).toBeGreaterThan(0);

    const users = ['ann', 'bob', 'cy', 'dee', 'eve', 'fay'];
    for (const user of users) expect(await sandboxLogin(proc, user)).toBe(200);

    const after = (await scrape(url)).samples;
    const moved = (name: string, labels: Record<string, string>): number => valueOf(after, name, labels) - valueOf(before, name, labels);
    // Round-robin put these on both workers: only a sum over both shows all six.
    expect(moved('wxbridge_token_requests_total', { grant: 'wechat_code', client_id: 'sandbox-miniprogram', outcome: 'success' })).toBe(users.length);
    expect(moved('wxbridge_http_requests_total', { route: '/token', method: 'POST', status: '200' })).toBe(users.length);
    expect(moved('wxbridge_http_request_duration_seconds_count', { route: '/token', method: 'POST' })).toBe(users.length);
    expect(moved('wxbridge_wechat_call_duration_seconds_count', { endpoint: 'jscode2session' })).toBe(users.length);
    expect(moved('wxbridge_wechat_calls_total', { endpoint: 'jscode2session', errcode: '0' })).toBe(users.length);
    // Gauges of shared state are not doubled: each published key appears once, with its age.
    const keys = after.filter((s) => s.name === 'wxbridge_signing_key_age_seconds');
    expect(new Set(keys.map((s) => s.labels['kid'])).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThan(0);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});
