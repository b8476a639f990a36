// Browser client kinds through the admin services (issue 13 #2, design.md §10): the admin API and the CLI
// create a confidential web app (secret shown once) and a public single-page app, with exact redirect URIs.
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { startTestApp } from '../support/test-app.ts';
import { discover } from '../support/oidc-client.ts';
import { setUpMiniProgram } from '../support/wechat-fixtures.ts';

describe('browser clients in the admin API', () => {
  it('creates a web app with a secret shown once and a public spa, both code-flow only', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const web = await api.call('POST', '/clients', { type: 'web', clientId: 'shop-web', name: 'Shop', redirectUris: ['https://shop.example/callback'], postLogoutRedirectUris: ['https://shop.example/'], firstParty: true });
    expect(web.status).toBe(201);
    expect(web.body).toMatchObject({
      client: { clientId: 'shop-web', type: 'web', name: 'Shop', redirectUris: ['https://shop.example/callback'], postLogoutRedirectUris: ['https://shop.example/'], firstParty: true, scope: 'openid profile' },
      clientSecret: expect.stringMatching(/.{32,}/),
    });
    const spa = await api.call('POST', '/clients', { type: 'spa', clientId: 'shop-spa', redirectUris: ['http://localhost:5173/callback'] });
    expect(spa.status).toBe(201);
    expect(spa.body).not.toHaveProperty('clientSecret');
    expect(spa.body).toMatchObject({ client: { type: 'spa', firstParty: false } });
    const shown = await api.call('GET', '/clients/shop-web');
    expect(shown.text).not.toContain((web.body as { clientSecret: string }).clientSecret);
    // openid-client sees what oidc-provider serves for them.
    const config = await discover(app.issuer, 'shop-spa');
    expect(config.clientMetadata()).toMatchObject({ client_id: 'shop-spa' });
  });

  it('refuses redirect URIs that could leak a code: plain http off loopback, fragments, none at all', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    for (const redirectUris of [['http://shop.example/callback'], ['https://shop.example/cb#x'], ['javascript:alert(1)'], []]) {
      const response = await api.call('POST', '/clients', { type: 'web', clientId: 'bad-web', redirectUris });
      expect(response.status, JSON.stringify(redirectUris)).toBe(400);
    }
    expect((await api.call('GET', '/clients/bad-web')).status).toBe(404);
  });
});

describe('wxbridge clients add --web | --spa', () => {
  it('adds a first-party web app (secret printed once) and a spa, and refuses --redirect-uri without a browser kind', { timeout: 60_000 }, async () => {
    const app = await startTestApp();
    const web = await runCli(app, ['clients', 'add', '--id', 'cli-web', '--web', '--redirect-uri', 'https://a.example/cb', '--redirect-uri', 'https://b.example/cb', '--post-logout-redirect-uri', 'https://a.example/', '--first-party']);
    expect(web.code).toBe(0);
    expect(web.stdout).toMatch(/client_secret: \S{32,}/);
    const shown = await app.admin.clients.show('cli-web');
    expect(shown).toMatchObject({ type: 'web', redirectUris: ['https://a.example/cb', 'https://b.example/cb'], postLogoutRedirectUris: ['https://a.example/'], firstParty: true });
    const spa = await runCli(app, ['clients', 'add', '--id', 'cli-spa', '--spa', '--redirect-uri', 'http://127.0.0.1:8080/cb', '--scope', 'openid']);
    expect(spa.code).toBe(0);
    expect(spa.stdout).not.toContain('client_secret');
    expect(await app.admin.clients.show('cli-spa')).toMatchObject({ type: 'spa', scope: 'openid', firstParty: false });
    const stray = await runCli(app, ['clients', 'add', '--id', 'x', '--public', '--app', 'wx0123456789abcdef', '--redirect-uri', 'https://a.example/cb']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--redirect-uri does not apply to a mini-program client \(--public\); it goes with a web app \(--web\) or a single-page app \(--spa\)/);
    const both = await runCli(app, ['clients', 'add', '--id', 'x', '--web', '--spa', '--redirect-uri', 'https://a.example/cb']);
    expect(both.stderr).toMatch(/--web and --spa cannot be combined/);
    const missing = await runCli(app, ['clients', 'add', '--id', 'x', '--web']);
    expect(missing.stderr).toMatch(/--redirect-uri is required for a web app \(--web\)/);
  });

  it('--scan-app names the mini-program app of the client\'s scan sign-in, and refuses an appid that is no mini-program app', { timeout: 60_000 }, async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const chosen = await runCli(app, ['clients', 'add', '--id', 'cli-scan', '--web', '--redirect-uri', 'https://a.example/cb', '--scan-app', mp.appId]);
    expect(chosen.code).toBe(0);
    expect(await app.admin.clients.show('cli-scan')).toMatchObject({ type: 'web', scanAppId: mp.appId });
    const unknown = await runCli(app, ['clients', 'add', '--id', 'cli-scan-2', '--spa', '--redirect-uri', 'https://a.example/cb', '--scan-app', 'wx0123456789abcdef']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/scanAppId: wx0123456789abcdef is not a mini-program app/);
    const api = await adminApi(app);
    const refused = await api.call('POST', '/clients', { type: 'web', clientId: 'api-scan', redirectUris: ['https://a.example/cb'], scanAppId: 'wx0123456789abcdef' });
    expect(refused.status).toBe(400);
    expect((await api.call('GET', '/clients/api-scan')).status).toBe(404);
  });
});
