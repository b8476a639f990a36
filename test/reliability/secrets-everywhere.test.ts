/**
 * Secrets in logs and responses, end to end (test-catalogue S-01, S-02, W-10, A-02, A-03): one tour
 * of every endpoint — logins with a phone code, refresh, client_credentials, introspection,
 * revocation, userinfo, /me/*, discovery, JWKS, health, the sandbox, the admin API and the CLI —
 * through failures that log loudly (WeChat misconfiguration, outages, wrong secrets). The leak watch
 * (test/support/leak-watch.ts) then finds no secret of any kind in any log line or wrong response. The
 * same scan runs after every integration file of the suite; this file also checks the scanner itself.
 */
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { discover, postToken, WECHAT_GRANT } from '../support/oidc-client.ts';
import { findLeaks, scanForLeaks, type SecretKind } from '../support/leak-watch.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, randomAppId, randomName, randomSecret } from '../support/wechat-fixtures.ts';
import { callMe, setUpUserApp, signIn } from '../me/me-fixtures.ts';

describe('the leak scanner', () => {
  it('finds a secret in a log line in any encoding, and a client secret outside its creation response', () => {
    const secrets = new Map<string, SecretKind>([
      ['q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8w=', 'master key'], ['app/secret+0123456789', 'app secret'],
      ['rt-0123456789abcdef', 'refresh token'], ['cs-0123456789abcdef', 'client secret'], ['sk/0123456789abc==', 'session key'],
    ]);
    const findings = findLeaks({
      secrets,
      logs: `{"k":"${Buffer.from('q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8w=', 'base64').toString('hex')}"} url=/x?s=${encodeURIComponent('app/secret+0123456789')} rt-0123456789abcdef`,
      responses: '{"session_key":"sk\\/0123456789abc=="}',
      creations: '{"clientSecret":"cs-0123456789abcdef"}',
    });
    expect(findings.map((f) => `${f.kind}@${f.where}`).sort()).toEqual(['app secret@log', 'master key@log', 'refresh token@log', 'session key@response']);
  });
});

async function tourUserEndpoints(app: TestApp): Promise<void> {
  const mp = await setUpUserApp(app, { openPlatformId: randomName('op') });
  const user = await signIn(mp, 'tourist', undefined, { phone_code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'tourist' }).code });
  const refreshed = await oidc.refreshTokenGrant(mp.config, user.tokens.refresh_token ?? '');
  await oidc.fetchUserInfo(mp.config, refreshed.access_token, user.sub);
  for (const [method, path, body] of [
    ['POST', '/me/phone', { code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'tourist' }).code }], ['PATCH', '/me/profile', { nickname: 'Tourist' }],
    ['POST', '/me/wechat/decrypt', (({ encryptedData, iv }) => ({ encryptedData, iv }))(app.wechat.encryptUserData({ appId: mp.appId, user: 'tourist' }))],
    ['POST', '/me/wechat/verify-signature', app.wechat.signUserData({ appId: mp.appId, user: 'tourist' })], ['POST', '/me/phone', { code: 'f'.repeat(64) }],
  ] as const) await callMe(app, method, path, { token: refreshed.access_token, body });
  await oidc.tokenIntrospection(mp.config, refreshed.refresh_token ?? '');
  await oidc.tokenRevocation(mp.config, refreshed.refresh_token ?? '');
  for (const fault of [{ kind: 'errcode', errcode: 40125 }, { kind: 'errcode', errcode: -1 }, { kind: 'connection_reset' }, { kind: 'non_json_body' }] as const) {
    app.wechat.injectFault({ ...fault, endpoint: 'jscode2session' });
    const code = mp.code('tourist');
    await mp.post({ code });
    await mp.post({ code }); // the same code again: refused without WeChat
  }
}

async function tourAdminAndService(app: TestApp): Promise<void> {
  const api = await adminApi(app);
  const resource = await addResourceServer(app, 'read');
  const created = (await api.call('POST', '/clients', { type: 'service', clientId: randomName('svc'), resources: { [resource]: 'read' }, defaultResource: resource })).body as { client: { clientId: string }; clientSecret: string };
  const svc = created.client.clientId;
  const rotated = (await api.call('POST', `/clients/${svc}/rotate-secret`, { overlapSeconds: 60 })).body as { clientSecret: string };
  await oidc.clientCredentialsGrant(await discover(app.issuer, svc, rotated.clientSecret), { scope: 'read' });
  await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: svc, client_secret: `${created.clientSecret}x` });
  await api.call('PUT', `/apps/${randomAppId()}`, { kind: 'miniprogram', secret: randomSecret(), name: 'Tour' });
  for (const path of ['/clients', `/clients/${svc}`, '/apps', '/resources', '/keys', '/audit?limit=200']) await api.call('GET', path);
  await api.call('POST', '/keys/rotate', { delaySeconds: 3600 });
  for (const path of ['/.well-known/openid-configuration', '/jwks', '/healthz', '/readyz']) await fetch(`${app.baseUrl}${path}`);
  await runCli(app, ['clients', 'add', '--id', randomName('cli-svc'), '--scope', 'read', '--resource', resource, '--json']);
  await runCli(app, ['clients', 'list', '--json']);
}

describe('a tour of every endpoint (S-01)', () => {
  it('leaves no secret in any log line or response', { timeout: 60_000 }, async () => {
    const app = await startTestApp();
    await tourUserEndpoints(app);
    await tourAdminAndService(app);
    const sandbox = await startTestApp({ env: { WXBRIDGE_SANDBOX: '1' } });
    const { code } = (await (await fetch(`${sandbox.baseUrl}/sandbox/wx-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"alice"}' })).json()) as { code: string };
    expect((await postToken(sandbox.baseUrl, { grant_type: WECHAT_GRANT, client_id: 'sandbox-miniprogram', code })).status).toBe(200);

    const scan = await scanForLeaks();
    expect(scan.findings).toEqual([]);
    // The scan knew what to look for: every kind of secret was handed out during the tour.
    for (const kind of ['master key', 'app secret', 'session key', 'wechat access token', 'client secret', 'refresh token', 'access token', 'id token', 'login code'] as const) {
      expect(scan.kinds[kind], kind).toBeGreaterThan(0);
    }
    expect(scan.logLines).toBeGreaterThan(20); // including the loud ones: misconfiguration errors with their causes
  });
});
