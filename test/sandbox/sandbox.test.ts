// Sandbox mode (design.md §8): /sandbox/wx-login and /sandbox/phone-code mint codes through the
// simulator's control API, so that several wxbridge processes (worker mode) share one simulator:
// a code minted through one process is redeemed by another.
import { randomBytes } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { listen } from '../../src/http/server.ts';
import { startSandboxSimulator, type SandboxSimulatorRef } from '../../src/sandbox/sandbox.ts';
import { SANDBOX_OFF_DESCRIPTION } from '../../src/sandbox/sandbox-decision.ts';
import { postToken, WECHAT_GRANT } from '../support/oidc-client.ts';
import { CONFIG_DIR, startTestApp } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { randomAppId, randomSecret } from '../support/wechat-fixtures.ts';

/** A wxbridge process in sandbox mode: its own simulator, or (worker mode) the one given. */
async function startSandboxApp(database: TestDatabase, masterKey: string, shared?: SandboxSimulatorRef): Promise<string> {
  const http = await listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${http.port}`;
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, WXBRIDGE_MASTER_KEY: masterKey, WXBRIDGE_ISSUER: baseUrl, WXBRIDGE_SANDBOX: '1' }, { configDir: CONFIG_DIR });
  const app = await createApp(config, { listeningPort: http.port, ...(shared === undefined ? {} : { sandboxSimulator: shared }) });
  http.handle(app.callback);
  onTestFinished(async () => {
    await http.stop(1000);
    await app.close();
  });
  return baseUrl;
}

async function sandboxCode(baseUrl: string, path: 'wx-login' | 'phone-code', user: string): Promise<string> {
  const response = await fetch(`${baseUrl}/sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { code: string }).code;
}

const login = (baseUrl: string, form: Record<string, string>) =>
  postToken(baseUrl, { grant_type: WECHAT_GRANT, client_id: 'sandbox-miniprogram', ...form });

describe('sandbox mode', () => {
  it('logs a user in with a code from /sandbox/wx-login, and with a phone code from /sandbox/phone-code', async () => {
    const baseUrl = await startSandboxApp(await createTestDatabase(), randomBytes(32).toString('base64'));
    const first = await login(baseUrl, { code: await sandboxCode(baseUrl, 'wx-login', 'alice'), scope: 'openid profile' });
    expect(first.status).toBe(200);
    const withPhone = await login(baseUrl, {
      code: await sandboxCode(baseUrl, 'wx-login', 'alice'), phone_code: await sandboxCode(baseUrl, 'phone-code', 'alice'), scope: 'openid phone',
    });
    expect(withPhone.status).toBe(200);
  });

  it('lets processes share one simulator: a code minted through one is redeemed by the other, for the same account', async () => {
    const database = await createTestDatabase();
    const masterKey = randomBytes(32).toString('base64');
    const simulator = await startSandboxSimulator();
    onTestFinished(() => simulator.close());
    const [a, b] = [await startSandboxApp(database, masterKey, simulator), await startSandboxApp(database, masterKey, simulator)];
    const viaB = await login(b, { code: await sandboxCode(a, 'wx-login', 'bob'), scope: 'openid' });
    const viaA = await login(a, { code: await sandboxCode(b, 'wx-login', 'bob'), scope: 'openid' });
    expect([viaB.status, viaA.status]).toEqual([200, 200]);
    const sub = (token: unknown): unknown => (JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub: unknown }).sub;
    expect(sub(viaA.body['id_token'])).toBe(sub(viaB.body['id_token']));
  });

  it('answers 503 when the simulator is gone', async () => {
    const simulator = await startSandboxSimulator();
    const baseUrl = await startSandboxApp(await createTestDatabase(), randomBytes(32).toString('base64'), simulator);
    await simulator.close();
    const response = await fetch(`${baseUrl}/sandbox/wx-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"carol"}' });
    expect(response.status).toBe(503);
  });

  it('says at each start whether it is on and why, and once a real app turns it off, refuses its demo client without calling WeChat', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_SANDBOX: 'auto' } });
    const logged = (pattern: RegExp): { level: number; msg: string }[] =>
      app.logs.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => pattern.test(entry.msg));
    expect(logged(/^sandbox /)).toEqual([expect.objectContaining({ level: 30, msg: 'sandbox on: no WeChat app is configured (WXBRIDGE_SANDBOX=auto)' })]);
    expect((await login(app.baseUrl, { code: await sandboxCode(app.baseUrl, 'wx-login', 'alice'), scope: 'openid' })).status).toBe(200);

    const appId = randomAppId();
    await app.admin.apps.upsert({ appId, kind: 'miniprogram', secret: randomSecret() });
    await app.restart();
    expect(logged(/^sandbox off/)).toEqual([expect.objectContaining({
      level: 40, msg: `sandbox off: WeChat app ${appId} is configured (WXBRIDGE_SANDBOX=auto turns the sandbox off then; WXBRIDGE_SANDBOX=1 keeps it on); its client sandbox-miniprogram is refused until it is on again`,
    })]);
    const refused = await login(app.baseUrl, { code: 'a'.repeat(32), scope: 'openid' });
    expect(refused).toMatchObject({ status: 400, body: { error: 'unauthorized_client', error_description: SANDBOX_OFF_DESCRIPTION } });
    expect(app.wechat.requests).toEqual([]);
    expect((await fetch(`${app.baseUrl}/sandbox/wx-login`, { method: 'POST', body: '{"user":"alice"}' })).status).toBe(404);
  });
});
