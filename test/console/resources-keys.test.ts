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

const browser = useBrowser();

interface ResourceRow { uri: string; scopes: string[]; accessTokenTtl: number; signingAlg: string }

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
  it('adds, edits and removes a resource server as the CLI then shows it, shows one the CLI added, and its tokens verify against the JWKS', async () => {
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

    // The reverse: a resource server added with the CLI shows in the console.
    const fromCli = `https://cli-${randomBytes(3).toString('hex')}.example.test`;
    expect((await runCli(app, ['resources', 'add', '--uri', fromCli, '--scope', 'reports:read', '--ttl', '900'])).code).toBe(0);
    await page.goto(`${app.baseUrl}/console/resources`);
    expect(await page.locator(`tr[data-resource="${fromCli}"]`).textContent()).toContain('reports:read');
    await inBothLanguages(browser(), page, 'console-resources');

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
