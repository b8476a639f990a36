import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';

const API = 'https://api.example.test';
const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = '0123456789abcdef0123456789abcdef';

/** Records everything written through console and straight to stdout/stderr until `restore()`. */
function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const record = (...args: unknown[]): void => { chunks.push(args.map(String).join(' ')); };
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((method) => console[method]);
  for (const method of methods) console[method] = record;
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      record(chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : chunk);
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    return { stream, original };
  });
  return {
    text: () => chunks.join('\n'),
    restore() {
      methods.forEach((method, index) => { console[method] = originals[index] as typeof console.log; });
      for (const { stream, original } of writes) stream.write = original;
    },
  };
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
      const { discover, wechatLogin } = await import('../support/oidc-client.ts');
      const app = await startTestApp();
      await app.admin.resourceServers.add({ uri: API, scopes: 'read' });
      const svc = await app.admin.clients.register({ type: 'service', clientId: 'svc-1', resources: { [API]: 'read' }, defaultResource: API });
      const svcConfig = await discover(app.issuer, 'svc-1', svc.clientSecret);
      expect((await oidc.clientCredentialsGrant(svcConfig, { scope: 'read' })).access_token).toEqual(expect.any(String));

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
