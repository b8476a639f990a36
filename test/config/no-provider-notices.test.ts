import { describe, expect, it, vi } from 'vitest';
import * as oidc from 'openid-client';

const API = 'https://api.example.test';
const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = '0123456789abcdef0123456789abcdef';

/** Records (and swallows) everything written through console and straight to stdout/stderr until `restore()`. */
function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const record = (...args: unknown[]): void => { chunks.push(args.map((arg) => (arg instanceof Uint8Array ? Buffer.from(arg).toString('utf8') : String(arg))).join(' ')); };
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation(record);
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => { record(chunk); return true; });
  }
  return { text: () => chunks.join('\n'), restore: () => { vi.restoreAllMocks(); } };
}

describe('oidc-provider defaults', () => {
  // oidc-provider prints "oidc-provider WARNING:/NOTICE:" through console the first time a flagged
  // default is used (lib/helpers/defaults.js shouldChange/mustChange), once per process. Vitest runs
  // each test file in a fresh process, and the app is imported only after the capture starts, so
  // the import-time runtime check is covered too.
  it('prints no oidc-provider warning or notice at startup or while serving every endpoint', async () => {
    const output = captureOutput();
    try {
      const { startTestApp } = await import('../support/test-app.ts');
      const { discover, postToken, wechatLogin } = await import('../support/oidc-client.ts');
      const app = await startTestApp();
      await app.admin.resourceServers.add({ uri: API, scopes: 'read' });
      const svc = await app.admin.clients.register({ type: 'service', clientId: 'svc-1', resources: { [API]: 'read' }, defaultResource: API });
      const svcConfig = await discover(app.issuer, 'svc-1', svc.clientSecret);
      expect((await oidc.clientCredentialsGrant(svcConfig, { scope: 'read' })).access_token).toEqual(expect.any(String));
      // A browser origin reaches the client-based CORS policy (no CORS: mini-programs are not browsers).
      const cors = await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: 'svc-1', client_secret: svc.clientSecret ?? '' }, { origin: 'https://web.example.com' });
      expect(cors).toMatchObject({ status: 400, body: { error: 'invalid_request' } });

      app.wechat.registerApp({ appId: APP_ID, secret: APP_SECRET, kind: 'miniprogram' });
      await app.admin.apps.upsert({ appId: APP_ID, kind: 'miniprogram', secret: APP_SECRET });
      await app.admin.clients.register({ type: 'miniprogram', clientId: 'mp-1', wechatAppId: APP_ID, scope: 'openid profile offline_access' });
      const mp = await discover(app.issuer, 'mp-1');
      const login = await wechatLogin(mp, { code: app.wechat.issueCode({ appId: APP_ID, user: 'alice' }) });
      const refreshed = await oidc.refreshTokenGrant(mp, login.refresh_token ?? '');
      const claims = refreshed.claims();
      expect(await oidc.fetchUserInfo(mp, refreshed.access_token, claims?.sub ?? '')).toMatchObject({ sub: claims?.sub });
      expect((await oidc.tokenIntrospection(mp, refreshed.refresh_token ?? '')).active).toBe(true);
      await oidc.tokenRevocation(mp, refreshed.refresh_token ?? '');
      expect((await oidc.tokenIntrospection(mp, refreshed.refresh_token ?? '')).active).toBe(false);
      await app.stop();
    } finally {
      output.restore();
    }
    expect(output.text()).not.toMatch(/oidc-provider/i);
  });
});
