// The console's Clients section (issue 14 #3) driven in Chromium: add one client of each type (the CLI lists
// each with its metadata; a service client's secret works for client_credentials; the copy button puts a
// secret on the clipboard), edit scopes (a stale version shows the API's 409 over the current values),
// rotate a secret with an overlap (both work until the clock passes it), remove a client (its refresh
// tokens stop working). Every refused form shows the API's message next to the field, keeps what was typed.
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { expectAccessible, inBothLanguages, signInAsNewAdmin, submitForm } from '../support/console-browser.ts';
import { discover, postToken, verifyAccessToken } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, queryDatabase, setUpMiniProgram } from '../support/wechat-fixtures.ts';

const browser = useBrowser();

const signedInAdmin = (app: TestApp, user: string): Promise<{ page: Page; adminSub: string }> => signInAsNewAdmin(browser(), app, user);

const submit = submitForm;

/** From the list: choose the kind of client, continue to its form. */
async function chooseType(app: TestApp, page: Page, kind: string): Promise<void> {
  await page.goto(`${app.issuer}/console/clients`);
  await page.getByRole('radio', { name: kind, exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.pathname === '/console/clients/new');
}

const refreshTokensOf = async (app: TestApp, clientId: string): Promise<number> =>
  Number((await queryDatabase<{ n: string }>(app, "select count(*) as n from oidc_payloads where model = 'RefreshToken' and payload->>'clientId' = $1", [clientId]))[0]?.n);

const clientCredentials = async (app: TestApp, clientId: string, secret: string, resource: string) =>
  oidc.clientCredentialsGrant(await discover(app.issuer, clientId, secret), { scope: 'orders:read', resource });

// Each test starts an app and signs an admin in through the browser: well past 30 s on a loaded machine.
describe('console: clients', { timeout: 120_000 }, () => {
  it('adds a client of each type; the CLI lists them; a service secret works and the copy button copies it', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const mp = await setUpMiniProgram(app);
    const resource = await addResourceServer(app, 'orders:read orders:write');
    const { page, adminSub } = await signedInAdmin(app, 'erin');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.baseUrl });
    await page.goto(`${app.issuer}/console/clients`);
    await inBothLanguages(browser(), page, 'console-clients');

    // A mini-program client: its app chosen from the mini-program apps.
    await chooseType(app, page, 'Mini-program');
    await inBothLanguages(browser(), page, 'console-client-new-miniprogram');
    await page.getByLabel('Client ID').fill('shop-mp');
    // Only mini-program apps are offered (the website and official account of setUpBrowserApps are not).
    expect(await page.getByLabel('Mini-program app').locator('option').allTextContents()).toEqual([mp.appId]);
    await page.getByLabel('Mini-program app').selectOption(mp.appId);
    await page.getByLabel('Resources (APIs) (optional)').fill(`${resource} orders:read`);
    await page.getByLabel('Default resource (optional)').fill(resource);
    expect(await submit(page, 'Add client')).toBe(201);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Client shop-mp');
    expect(await page.getByRole('status').textContent()).toContain('Client shop-mp added.');
    expect(await page.locator('[data-secret]').count()).toBe(0);

    // A web client: refused first (the message next to the field, what was typed kept), then added with its secret shown once.
    await chooseType(app, page, 'Web (confidential)');
    await inBothLanguages(browser(), page, 'console-client-new-web');
    await page.getByLabel('Client ID').fill('shop-web');
    await page.getByLabel('Redirect URIs').fill('http://shop.example/callback');
    expect(await submit(page, 'Add client')).toBe(400);
    expect(await page.locator('#client-redirectUris-error').textContent()).toContain('must be an https URI');
    expect(await page.getByLabel('Redirect URIs').inputValue()).toBe('http://shop.example/callback');
    expect(await page.getByLabel('Client ID').inputValue()).toBe('shop-web');
    await expectAccessible(page, 'console-client-add-error-en');
    await page.getByLabel('Redirect URIs').fill('https://shop.example/callback\nhttps://shop.example/callback2');
    await page.getByLabel('Name (optional)').fill('Shop');
    await page.getByLabel('First-party (your own site: no consent page)').check();
    expect(await submit(page, 'Add client')).toBe(201);
    const webSecret = await page.getByRole('textbox', { name: 'Client secret', exact: true }).inputValue();
    expect(webSecret.length).toBeGreaterThanOrEqual(32);
    await page.getByRole('button', { name: 'Copy client secret' }).click();
    await expect.poll(() => page.locator('[aria-live="polite"]').textContent()).toBe('Copied');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(webSecret);
    await expectAccessible(page, 'console-client-added-en');
    // Shown once: the client's page does not show it again.
    await page.goto(`${app.issuer}/console/clients/shop-web`);
    expect(await page.content()).not.toContain(webSecret);
    await inBothLanguages(browser(), page, 'console-client');

    await chooseType(app, page, 'Single-page app');
    await page.getByLabel('Client ID').fill('shop-spa');
    await page.getByLabel('Redirect URIs').fill('https://spa.example/callback');
    expect(await submit(page, 'Add client')).toBe(201);
    expect(await page.locator('[data-secret]').count()).toBe(0);

    await chooseType(app, page, 'Service');
    await inBothLanguages(browser(), page, 'console-client-new-service');
    await page.getByLabel('Client ID').fill('reports-svc');
    await page.getByLabel('Resources (APIs)').fill(`${resource} orders:read`);
    await page.getByLabel('Default resource (optional)').fill(resource);
    expect(await submit(page, 'Add client')).toBe(201);
    const serviceSecret = await page.getByRole('textbox', { name: 'Client secret', exact: true }).inputValue();
    const token = await clientCredentials(app, 'reports-svc', serviceSecret, resource);
    expect(await verifyAccessToken(app.issuer, token.access_token, resource)).toMatchObject({ client_id: 'reports-svc', scope: 'orders:read' });

    // What the console created is what the CLI shows.
    const listed = (await runCli(app, ['clients', 'list', '--json'])).json() as { items: unknown[] };
    expect(listed.items).toEqual(expect.arrayContaining([
      expect.objectContaining({ clientId: 'shop-mp', type: 'miniprogram', wechatAppId: mp.appId, scope: 'openid profile offline_access', resources: { [resource]: 'orders:read' }, defaultResource: resource }),
      expect.objectContaining({ clientId: 'shop-web', type: 'web', name: 'Shop', firstParty: true, redirectUris: ['https://shop.example/callback', 'https://shop.example/callback2'] }),
      expect.objectContaining({ clientId: 'shop-spa', type: 'spa', redirectUris: ['https://spa.example/callback'], credentials: [] }),
      expect.objectContaining({ clientId: 'reports-svc', type: 'service', resources: { [resource]: 'orders:read' } }),
    ]));
    const created = await app.admin.audit.query({ action: 'client.create', limit: 20 });
    expect(created.items.filter((item) => item.actor === adminSub && item.clientId === 'wxbridge-console' && item.outcome === 'success').map((item) => item.target).sort())
      .toEqual(['reports-svc', 'shop-mp', 'shop-spa', 'shop-web']);
  });

  it('edits scopes (a stale version answers 409 over the current values), removes a client (its refresh token stops working), rotates a secret with an overlap', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('gina');
    const resource = await addResourceServer(app, 'orders:read');
    const service = await app.admin.clients.register({ type: 'service', clientId: 'ledger-svc', resources: { [resource]: 'orders:read' }, defaultResource: resource });
    const oldSecret = service.clientSecret ?? '';
    const { page, adminSub } = await signedInAdmin(app, 'fay');

    // Edit the scope: the CLI shows it.
    await page.goto(`${app.issuer}/console/clients/${mp.clientId}`);
    await page.getByLabel('OIDC scopes').fill('openid profile wechat offline_access phone');
    expect(await submit(page, 'Save changes')).toBe(303);
    await page.waitForURL((url) => url.searchParams.get('done') === 'updated');
    expect((await runCli(app, ['clients', 'show', '--id', mp.clientId, '--json'])).json()).toMatchObject({ scope: 'openid profile wechat offline_access phone', version: 2 });
    expect((await app.admin.audit.query({ action: 'client.update', limit: 5 })).items).toEqual([expect.objectContaining({ target: mp.clientId, actor: adminSub, clientId: 'wxbridge-console', outcome: 'success' })]);

    // Refused: the message next to the field, what was typed kept.
    await page.getByLabel('OIDC scopes').fill('openid bogus');
    expect(await submit(page, 'Save changes')).toBe(400);
    expect(await page.locator('#edit-scope-error').textContent()).toContain('may only contain');
    expect(await page.getByLabel('OIDC scopes').inputValue()).toBe('openid bogus');
    await expectAccessible(page, 'console-client-edit-error-en');

    // Someone else edits it with the CLI meanwhile: the console's edit (version 2) is refused with 409 and shows the current values.
    await page.goto(`${app.issuer}/console/clients/${mp.clientId}`);
    expect((await runCli(app, ['clients', 'update', '--id', mp.clientId, '--version', '2', '--scope', 'openid profile offline_access'])).code).toBe(0);
    await page.getByLabel('OIDC scopes').fill('openid');
    expect(await submit(page, 'Save changes')).toBe(409);
    expect(await page.locator('[data-conflict]').textContent()).toContain('is at version 3');
    expect(await page.getByLabel('OIDC scopes').inputValue()).toBe('openid profile offline_access');
    expect(await page.locator('[data-client]').getAttribute('data-version')).toBe('3');
    await expectAccessible(page, 'console-client-conflict-en');

    // Remove: a confirmation step, then its refresh token stops working.
    expect(await refreshTokensOf(app, mp.clientId)).toBeGreaterThan(0);
    await page.goto(`${app.issuer}/console/clients/${mp.clientId}`);
    await page.getByRole('link', { name: `Remove ${mp.clientId}…` }).click();
    await page.waitForURL((url) => url.pathname === `/console/clients/${mp.clientId}/remove`);
    await inBothLanguages(browser(), page, 'console-client-remove');
    expect(await submit(page, `Remove ${mp.clientId}`)).toBe(303);
    await page.waitForURL((url) => url.pathname === '/console/clients' && url.searchParams.get('removed') === mp.clientId);
    expect(await page.getByRole('status').textContent()).toContain('its grants and refresh tokens are revoked');
    const refresh = await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' });
    expect(refresh).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    // Revoked, not only unusable while the client is gone: a client re-created with this id does not revive it.
    expect(await refreshTokensOf(app, mp.clientId)).toBe(0);
    const listed = (await runCli(app, ['clients', 'list', '--json'])).json() as { items: { clientId: string }[] };
    expect(listed.items.map((item) => item.clientId)).not.toContain(mp.clientId);
    expect((await app.admin.audit.query({ action: 'client.remove', limit: 5 })).items).toEqual([expect.objectContaining({ target: mp.clientId, actor: adminSub, outcome: 'success' })]);
    // Removing it again: the API's refusal is shown on the confirmation page.
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const again = await page.request.post(`${app.issuer}/console/clients/${mp.clientId}/remove`, { form: { csrf }, maxRedirects: 0 });
    expect(again.status()).toBe(404);
    expect(await again.text()).toContain(`no client ${mp.clientId}`);

    // Rotate with no overlap, in Chinese: the old secret stops at once.
    const zh = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'zh-CN,zh;q=0.9' });
    await zh.context().addCookies(await page.context().cookies());
    await zh.goto(`${app.issuer}/console/clients/ledger-svc`);
    await zh.getByLabel('当前密钥继续有效').selectOption({ label: '不保留：立即失效' });
    expect(await submit(zh, '轮换密钥')).toBe(200);
    const firstRotated = await zh.getByRole('textbox', { name: '客户端密钥', exact: true }).inputValue();
    expect(await zh.locator('[data-previous-until]').textContent()).toBe('旧密钥已失效；只有新密钥可用。');
    await expectAccessible(zh, 'console-client-rotated-zh');
    app.clock.advance(app.config.cache.lookupTtlMs + 1); // past the per-process client cache (ADR 0012)
    await expect(clientCredentials(app, 'ledger-svc', oldSecret, resource)).rejects.toMatchObject({ error: 'invalid_client' });

    // Rotate with a 1 h overlap: both secrets work until the clock passes it, then only the new one.
    await page.goto(`${app.issuer}/console/clients/ledger-svc`);
    await page.getByLabel('The current secret keeps working for').selectOption({ label: '1 hour' });
    expect(await submit(page, 'Rotate secret')).toBe(200);
    const newSecret = await page.getByRole('textbox', { name: 'Client secret', exact: true }).inputValue();
    expect(newSecret).not.toBe(firstRotated);
    expect(await page.locator('[data-previous-until]').textContent()).toContain('The previous secret works until');
    await expectAccessible(page, 'console-client-rotated-en');
    await clientCredentials(app, 'ledger-svc', firstRotated, resource);
    await clientCredentials(app, 'ledger-svc', newSecret, resource);
    // A refused rotation (an overlap the form does not offer) says why.
    const forged = await page.request.post(`${app.issuer}/console/clients/ledger-svc/rotate-secret`, { form: { csrf, overlapSeconds: '5' }, maxRedirects: 0 });
    expect(forged.status()).toBe(400);
    expect(await forged.text()).toContain('The secret was not rotated.');

    // The console is done before the clock jumps (its session would end with the hour too).
    app.clock.advance(3601 * 1000);
    await expect(clientCredentials(app, 'ledger-svc', firstRotated, resource)).rejects.toMatchObject({ error: 'invalid_client' });
    await clientCredentials(app, 'ledger-svc', newSecret, resource);
    const rotations = await app.admin.audit.query({ action: 'client.rotate_secret', limit: 5 });
    const successes = rotations.items.filter((item) => item.outcome === 'success');
    expect(successes).toHaveLength(2);
    expect(successes.every((item) => item.target === 'ledger-svc' && item.actor === adminSub && item.clientId === 'wxbridge-console')).toBe(true);
  });
});
