/**
 * Behind a reverse proxy (WXBRIDGE_TRUST_PROXY; test-catalogue C.12, T-11, S-02): X-Forwarded-For
 * names the client only when the proxy is trusted, and then only the address the trusted hop saw (a
 * value the client wrote further left is ignored); X-Forwarded-Host/-Proto shape endpoint URLs only
 * when trusted and never change the issuer; and no endpoint sets a cookie, over http or https.
 */
import * as oidc from 'openid-client';
import { describe, expect, it, vi } from 'vitest';
import { adminApi, type AdminApi } from '../support/admin-api.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, randomName, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

const SPOOFING = { 'x-forwarded-for': '6.6.6.6, 203.0.113.9', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

/** A client_credentials request carrying `headers`; returns the IP the audit log recorded for it. */
async function auditedIp(app: TestApp, api: AdminApi, headers: Record<string, string>): Promise<unknown> {
  const resource = await addResourceServer(app, 'read');
  const { clientId, clientSecret } = await app.admin.clients.register({ type: 'service', clientId: randomName('svc'), resources: { [resource]: 'read' }, defaultResource: resource });
  const response = await fetch(`${app.baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret ?? ''}`).toString('base64')}`, ...headers },
    body: 'grant_type=client_credentials',
  });
  expect(response.status).toBe(200);
  return vi.waitFor(async () => {
    const { items } = (await api.call('GET', `/audit?action=token.client_credentials&client_id=${clientId}`)).body as { items: { ip: unknown }[] };
    expect(items).toHaveLength(1);
    return items[0]?.ip;
  });
}

async function discovery(app: TestApp, headers: Record<string, string> = {}): Promise<unknown> {
  return (await fetch(`${app.baseUrl}/.well-known/openid-configuration`, { headers })).json();
}

describe('WXBRIDGE_TRUST_PROXY unset (the default)', () => {
  it('ignores X-Forwarded-For, -Host and -Proto', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    expect(await auditedIp(app, api, SPOOFING)).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(await discovery(app, SPOOFING)).toEqual(await discovery(app));
    expect(await discovery(app, SPOOFING)).toMatchObject({ token_endpoint: `${app.baseUrl}/token` });
  });
});

describe('WXBRIDGE_TRUST_PROXY=1', () => {
  it('takes the client address from the trusted hop only', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_TRUST_PROXY: '1' } });
    const api = await adminApi(app);
    expect(await auditedIp(app, api, SPOOFING)).toBe('203.0.113.9');
  });

  it('builds endpoint URLs from the configured issuer, not from the forwarded scheme and host', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_TRUST_PROXY: '1', WXBRIDGE_ISSUER: 'https://id.example.test' } });
    const proxied = await discovery(app, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'id.example.test' });
    expect(proxied).toMatchObject({ issuer: 'https://id.example.test', token_endpoint: 'https://id.example.test/token', jwks_uri: 'https://id.example.test/jwks' });
    // Every published URL is built from the issuer, whatever origin the request came by (issue #15 finding 6).
    expect(await discovery(app)).toMatchObject({ issuer: 'https://id.example.test', token_endpoint: 'https://id.example.test/token', jwks_uri: 'https://id.example.test/jwks' });
  });
});

describe('cookies', () => {
  it('are set by no API endpoint, and the browser endpoints\' session cookies are HttpOnly, SameSite=Lax and Secure behind a trusted https proxy', async () => {
    for (const env of [{}, { WXBRIDGE_TRUST_PROXY: '1' }]) {
      const app = await startTestApp({ env });
      const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access' });
      const cookies: string[] = [];
      mp.config[oidc.customFetch] = async (url, options) => {
        const response = await fetch(url, { ...(options as RequestInit), headers: { ...options.headers, 'x-forwarded-proto': 'https' } });
        cookies.push(...response.headers.getSetCookie());
        return response;
      };
      const tokens = await oidc.genericGrantRequest(mp.config, 'urn:wxbridge:params:oauth:grant-type:wechat-code', { code: mp.code('cookie-monster') });
      const refreshed = await oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '');
      await oidc.fetchUserInfo(mp.config, refreshed.access_token, subOf(tokens));
      await oidc.tokenIntrospection(mp.config, refreshed.refresh_token ?? '');
      await oidc.tokenRevocation(mp.config, refreshed.refresh_token ?? '');
      for (const path of ['/jwks', '/.well-known/openid-configuration', '/healthz', '/readyz']) {
        cookies.push(...(await fetch(`${app.baseUrl}${path}`, { headers: { 'x-forwarded-proto': 'https' } })).headers.getSetCookie());
      }
      expect(cookies).toEqual([]);
      // Browser sign-in (issue 13) keeps its session in cookies: never readable by scripts, never sent cross-site
      // on a POST, and Secure whenever the request arrived over https through a trusted proxy.
      const browserCookies: string[] = [];
      for (const path of ['/auth', '/session/end']) {
        browserCookies.push(...(await fetch(`${app.baseUrl}${path}`, { headers: { 'x-forwarded-proto': 'https', accept: 'text/html' } })).headers.getSetCookie());
      }
      for (const cookie of browserCookies) {
        expect(cookie).toMatch(/; httponly/i);
        expect(cookie).toMatch(/; samesite=lax/i);
        if ('WXBRIDGE_TRUST_PROXY' in env) expect(cookie).toMatch(/; secure/i);
      }
    }
  });
});
