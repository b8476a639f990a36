// The console's Resource servers and Signing keys pages (issue 14 #3) driven in Chromium: what the console
// adds, edits and removes is what `wxbridge resources list` shows and the reverse, a resource added there is
// real (a client_credentials token for it verifies against the JWKS), a rotation started there publishes
// pending keys that sign once the injected clock passes the delay; refused input shows the API's message
// next to its field with status 400; every change is audited once under the admin's sub.
import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import type { Page, Response } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { expectAccessible, inBothLanguages, signInToConsole } from '../support/console-browser.ts';
import { discover, verifyAccessToken } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer } from '../support/wechat-fixtures.ts';

const browser = useBrowser();

interface ResourceRow { uri: string; scopes: string[]; accessTokenTtl: number; signingAlg: string }
interface KeyRow { kid: string; alg: string; state: string; activatesAt: string }

/** The first admin, in through the CLI's invitation link; the page ends on `path`. Returns the admin's sub. */
async function signedInAdmin(app: TestApp, path: string): Promise<{ page: Page; adminSub: string }> {
  await setUpBrowserApps(app);
  const invite = await runCli(app, ['console', 'invite', '--json']);
  expect(invite.code, invite.stderr).toBe(0);
  const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
  await signInToConsole(page, (invite.json() as { url: string }).url, `admin-${randomBytes(3).toString('hex')}`);
  const adminSub = (await page.locator('[data-sub]').first().textContent()) ?? '';
  await page.goto(`${app.baseUrl}${path}`);
  await page.waitForURL((url) => url.pathname === path);
  return { page, adminSub };
}

/** Clicks a submit button and returns the answer to the form's POST (its status, before any redirect). */
async function submit(page: Page, name: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().resourceType() === 'document'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

async function resourcesListed(app: TestApp): Promise<ResourceRow[]> {
  const listed = await runCli(app, ['resources', 'list', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  return listed.json() as ResourceRow[];
}

async function auditRows(app: TestApp, action: string, target: string): Promise<{ actor: string; clientId: string | null; outcome: string }[]> {
  const page = await app.admin.audit.query({ action, limit: 50 });
  return page.items.filter((row) => row.target === target);
}

describe('console: resource servers', { timeout: 120_000 }, () => {
  it('explains the empty list, shows the API\'s refusals by field, and adds a resource server the CLI then lists', async () => {
    const app = await startTestApp();
    const { page, adminSub } = await signedInAdmin(app, '/console/resources');

    // Empty: the page says what a resource server is and how APIs verify its tokens.
    const empty = (await page.locator('[data-empty]').textContent()) ?? '';
    expect(empty).toContain('RFC 9068');
    expect(empty).toContain(`${app.issuer}/jwks`);
    await inBothLanguages(browser(), page, 'console-resources-empty');

    // Refused input: a URI that is no http(s) URL (the browser lets it through, the API does not).
    const uri = `https://orders-${randomBytes(3).toString('hex')}.example.test/api`;
    await page.getByLabel('URI (audience)').fill('ftp://files.example.test');
    await page.getByLabel('Scopes').fill('orders:read orders:write');
    const badUri = await submit(page, 'Add resource server');
    expect(badUri.status()).toBe(400);
    expect(await page.locator('#resource-uri-error').textContent()).toContain('Invalid URL');
    expect(await page.getByLabel('URI (audience)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Scopes').inputValue()).toBe('orders:read orders:write');
    await expectAccessible(page, 'console-resources-add-error-en');

    // Refused input: an algorithm the API does not know (a hand-made form; the page offers only ES256 and RS256).
    await page.getByLabel('Signing algorithm').evaluate((select: { innerHTML: string }) => { select.innerHTML += '<option value="HS256">HS256</option>'; });
    await page.getByLabel('Signing algorithm').selectOption('HS256');
    await page.getByLabel('URI (audience)').fill(uri);
    const badAlg = await submit(page, 'Add resource server');
    expect(badAlg.status()).toBe(400);
    expect(await page.locator('#resource-signingAlg-error').textContent()).toContain('expected one of');
    expect(await page.locator('#resource-uri-error').count()).toBe(0);

    await page.getByLabel('Signing algorithm').selectOption('RS256');
    await page.getByLabel('Access-token lifetime (seconds)').fill('300');
    await submit(page, 'Add resource server');
    await page.waitForURL((url) => url.searchParams.get('added') === uri);
    expect(await page.getByRole('status').textContent()).toContain(uri);
    expect(await page.locator(`tr[data-resource="${uri}"]`).textContent()).toContain('orders:read orders:write');
    expect(await page.locator('[data-empty]').count()).toBe(0);
    expect(await resourcesListed(app)).toContainEqual({ uri, scopes: ['orders:read', 'orders:write'], accessTokenTtl: 300, signingAlg: 'RS256' });
    // (The two refused adds are audited as failures; one change, one success.)
    expect((await auditRows(app, 'resource.add', uri)).filter((row) => row.outcome === 'success')).toEqual([expect.objectContaining({ actor: adminSub, clientId: 'wxbridge-console' })]);

    await inBothLanguages(browser(), page, 'console-resources');
  });

  it('shows a resource server the CLI added, edits it and removes it after a confirmation, as the CLI then shows; its tokens verify against the JWKS', async () => {
    const app = await startTestApp();
    const { page, adminSub } = await signedInAdmin(app, '/console/resources');

    // The reverse direction: a resource server added with the CLI shows in the console.
    const uri = `https://orders-${randomBytes(3).toString('hex')}.example.test/api`;
    const added = await runCli(app, ['resources', 'add', '--uri', uri, '--scope', 'orders:read orders:write', '--ttl', '300', '--alg', 'RS256']);
    expect(added.code, added.stderr).toBe(0);
    await page.goto(`${app.baseUrl}/console/resources`);
    expect(await page.locator(`tr[data-resource="${uri}"]`).textContent()).toContain('orders:read orders:write');

    // Edit: a refused scope list keeps what was typed, with the API's message next to the field.
    await page.getByRole('link', { name: `Edit ${uri}` }).click();
    await page.waitForURL((url) => url.pathname === `/console/resources/${encodeURIComponent(uri)}`);
    expect(await page.getByLabel('Scopes').inputValue()).toBe('orders:read orders:write');
    await page.getByLabel('Scopes').fill('orders:read "orders:all"');
    const badScopes = await submit(page, 'Save changes');
    expect(badScopes.status()).toBe(400);
    expect(await page.locator('#resource-edit-scopes-error').textContent()).toContain('must be space-separated scope tokens');
    expect(await page.getByLabel('Scopes').inputValue()).toBe('orders:read "orders:all"');
    await expectAccessible(page, 'console-resource-edit-error-en');
    await page.getByLabel('Scopes').fill('orders:read orders:write orders:refund');
    await page.getByLabel('Access-token lifetime (seconds)').fill('240');
    await submit(page, 'Save changes');
    await page.waitForURL((url) => url.searchParams.get('saved') === '1');
    expect(await page.getByRole('status').textContent()).toContain(uri);
    expect(await page.getByLabel('Scopes').inputValue()).toBe('orders:read orders:write orders:refund');
    await inBothLanguages(browser(), page, 'console-resource-edit');
    expect(await resourcesListed(app)).toContainEqual({ uri, scopes: ['orders:read', 'orders:write', 'orders:refund'], accessTokenTtl: 240, signingAlg: 'RS256' });
    expect((await auditRows(app, 'resource.update', uri)).filter((row) => row.outcome === 'success')).toEqual([expect.objectContaining({ actor: adminSub, clientId: 'wxbridge-console' })]);

    // The API refuses to edit the admin API's own audience (409): its message stands next to the form.
    const adminAudience = `${app.issuer}/admin/v1`;
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const managed = await page.request.post(`${app.baseUrl}/console/resources/${encodeURIComponent(adminAudience)}`, { form: { csrf, scopes: 'admin', accessTokenTtl: '300', signingAlg: 'ES256' }, maxRedirects: 0 });
    expect(managed.status()).toBe(409);
    expect(await managed.text()).toMatch(/id="resource-edit-scopes-error">[^<]*is the admin API audience/);

    // The resource is real: a service client granted it gets an RS256 JWT for it that verifies against the JWKS.
    const registered = await app.admin.clients.register({ type: 'service', clientId: `svc-${randomBytes(3).toString('hex')}`, resources: { [uri]: 'orders:read' }, defaultResource: uri });
    const config = await discover(app.issuer, registered.clientId, registered.clientSecret ?? '');
    const token = (await oidc.clientCredentialsGrant(config, { scope: 'orders:read', resource: uri })).access_token;
    expect(decodeProtectedHeader(token).alg).toBe('RS256');
    expect(await verifyAccessToken(app.issuer, token, uri)).toMatchObject({ aud: uri, scope: 'orders:read', client_id: registered.clientId });

    // Remove: the confirmation names the client that would break, and the API's refusal is shown.
    await page.getByRole('link', { name: 'Remove this resource server…' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/remove'));
    expect(await page.locator('[data-granted-clients]').textContent()).toContain(registered.clientId);
    await inBothLanguages(browser(), page, 'console-resource-remove-confirm');
    const refused = await submit(page, `Remove for good: ${uri}`);
    expect(refused.status()).toBe(409);
    expect(await page.getByRole('alert').first().textContent()).toContain('still granted to 1 client(s)');
    await saveScreenshot(page, 'console-resource-remove-refused-en');
    expect((await resourcesListed(app)).map((server) => server.uri)).toContain(uri);

    await app.admin.clients.remove(registered.clientId);
    await page.goto(`${app.baseUrl}/console/resources/${encodeURIComponent(uri)}/remove`);
    expect(await page.locator('[data-granted-clients]').count()).toBe(0);
    await submit(page, `Remove for good: ${uri}`);
    await page.waitForURL((url) => url.searchParams.get('removed') === uri);
    expect(await page.getByRole('status').textContent()).toContain(uri);
    expect(await page.locator(`tr[data-resource="${uri}"]`).count()).toBe(0);
    expect((await resourcesListed(app)).map((server) => server.uri)).not.toContain(uri);
    const removals = await auditRows(app, 'resource.remove', uri);
    expect(removals.filter((row) => row.outcome === 'success')).toEqual([expect.objectContaining({ actor: adminSub, clientId: 'wxbridge-console' })]);
  });
});

/** Instances reload keys every 200 ms here (production default: 30 s). */
const FAST_RELOAD = { WXBRIDGE_KEY_RELOAD_INTERVAL_MS: '200' };

describe('console: signing keys', { timeout: 120_000 }, () => {
  it('rotates the keys: the CLI lists the new pending keys, the timeline shows them, and once the clock passes the delay they sign', async () => {
    const app = await startTestApp({ env: FAST_RELOAD });
    const { page, adminSub } = await signedInAdmin(app, '/console/keys');
    const before = (await runCli(app, ['keys', 'list', '--json'])).json() as KeyRow[];
    expect(before.map((key) => key.state)).toEqual(['signing', 'signing']);
    for (const key of before) expect(await page.locator(`[data-timeline] g[data-kid="${key.kid}"]`).getAttribute('data-state')).toBe('signing');
    await inBothLanguages(browser(), page, 'console-keys');

    // Refused input: a negative delay (past the browser's own check) and an unknown algorithm: 400, the message by its field.
    await page.locator('form[action="/console/keys/rotate"]').evaluate((form: { noValidate: boolean }) => { form.noValidate = true; });
    await page.getByLabel('Delay before the new keys sign (seconds)').fill('-5');
    const negative = await submit(page, 'Rotate keys');
    expect(negative.status()).toBe(400);
    expect(await page.locator('#rotate-delaySeconds-error').textContent()).toContain('>=0');
    expect(await page.getByLabel('Delay before the new keys sign (seconds)').inputValue()).toBe('-5');
    await expectAccessible(page, 'console-keys-rotate-error-en');
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const unknownAlg = await page.request.post(`${app.baseUrl}/console/keys/rotate`, { form: { csrf, delaySeconds: '60', algs: 'HS256' }, maxRedirects: 0 });
    expect(unknownAlg.status()).toBe(400);
    expect(await unknownAlg.text()).toMatch(/id="rotate-algs-error">[^<]*expected one of/);
    expect((await runCli(app, ['keys', 'list', '--json'])).json()).toHaveLength(2);

    // Rotate both algorithms (the default) with a 2-minute delay (the console session lasts as long as the admin token, 5 minutes).
    await page.getByLabel('Delay before the new keys sign (seconds)').fill('120');
    await submit(page, 'Rotate keys');
    await page.waitForURL((url) => url.searchParams.has('rotated'));
    const listed = (await runCli(app, ['keys', 'list', '--json'])).json() as KeyRow[];
    const created = listed.filter((key) => !before.some((old) => old.kid === key.kid));
    expect(created.map((key) => [key.alg, key.state]).sort()).toEqual([['ES256', 'pending'], ['RS256', 'pending']]);
    const notice = (await page.getByRole('status').textContent()) ?? '';
    for (const key of created) {
      expect(notice).toContain(key.kid);
      expect(await page.locator(`[data-timeline] g[data-kid="${key.kid}"]`).getAttribute('data-state')).toBe('pending');
      expect(await page.locator(`tr[data-kid="${key.kid}"]`).getAttribute('data-state')).toBe('pending');
    }
    const audit = await app.admin.audit.query({ action: 'keys.rotate', limit: 10 });
    expect(audit.items.filter((row) => row.outcome === 'success')).toEqual([expect.objectContaining({ actor: adminSub, clientId: 'wxbridge-console' })]);
    await inBothLanguages(browser(), page, 'console-keys-rotated');

    // Past the delay (the injected clock, no sleep), the new ES256 key signs the tokens of an ES256 resource.
    const resource = await addResourceServer(app, 'read');
    const service = await app.admin.clients.register({ type: 'service', clientId: `svc-${randomBytes(3).toString('hex')}`, resources: { [resource]: 'read' }, defaultResource: resource });
    const config = await discover(app.issuer, service.clientId, service.clientSecret ?? '');
    const kidOfToken = async (): Promise<string> => decodeProtectedHeader((await oidc.clientCredentialsGrant(config, { scope: 'read' })).access_token).kid ?? '';
    const newEs256 = created.find((key) => key.alg === 'ES256')?.kid ?? '';
    expect(await kidOfToken()).toBe(before.find((key) => key.alg === 'ES256')?.kid);
    app.clock.advance(Date.parse(created[0]?.activatesAt ?? '') - app.clock.now() + 1000);
    // Each instance picks the change up at its next key reload (every 200 ms here).
    await expect.poll(kidOfToken, { timeout: 20_000 }).toBe(newEs256);

    await page.goto(`${app.baseUrl}/console/keys`);
    for (const key of created) expect(await page.locator(`[data-timeline] g[data-kid="${key.kid}"]`).getAttribute('data-state')).toBe('signing');
    for (const key of before) expect(await page.locator(`tr[data-kid="${key.kid}"]`).getAttribute('data-state')).toBe('retired');
    await inBothLanguages(browser(), page, 'console-keys-signing');

    // On a phone (the console is usable there too): the same page, screenshot and axe.
    const phone = await openPage(browser(), { client: 'wechatAndroid' });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${app.baseUrl}/console/keys`);
    expect(await phone.locator(`tr[data-kid="${newEs256}"]`).getAttribute('data-state')).toBe('signing');
    await expectAccessible(phone, 'console-keys-phone-zh');
  });
});
