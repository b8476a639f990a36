// Issue 14 "Done when", as one admin's first session: the first admin comes in through the CLI's invitation
// link, lands on the Overview, adds a WeChat app, a web client and a resource server (the last with the
// keyboard only), rotates the signing keys, finds a user and disables them, and then sees every one of those
// changes in the audit log under their own sub. After each change the CLI shows what the console did.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { expectAccessible, signInToConsole, submitForm } from '../support/console-browser.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomAppId, randomName, randomSecret, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

const browser = useBrowser();

/** Presses Tab until `target` has the focus (the way a keyboard user reaches it), at most `limit` times. */
async function tabTo(page: Page, target: ReturnType<Page['locator']>, limit = 80): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    if (await target.evaluate((element) => element === element.ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)}`);
}

const submit = submitForm;

describe('console: the first admin\'s session', { timeout: 240_000 }, () => {
  it('invitation → overview → app, web client, resource server (keyboard), key rotation, a user disabled → all in the audit log and the CLI', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login(randomName('dora'));
    const userSub = subOf(tokens);

    const invite = await runCli(app, ['console', 'invite', '--json']);
    expect(invite.code, invite.stderr).toBe(0);
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signInToConsole(page, (invite.json() as { url: string }).url, randomName('founder'));
    expect(new URL(page.url()).pathname).toBe('/console/overview');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    const adminSub = (await page.locator('[data-sub]').first().textContent()) ?? '';
    expect(adminSub).toMatch(/^[0-9a-f-]{36}$/);

    // A WeChat app, reached from the navigation with the keyboard.
    await tabTo(page, page.getByRole('link', { name: 'WeChat apps' }));
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/console/apps');
    const appId = randomAppId();
    await page.getByLabel('AppID').fill(appId);
    await page.getByLabel('Kind').selectOption('web');
    await page.getByLabel('AppSecret').fill(randomSecret());
    await page.getByLabel('Name (optional)').fill('Company website');
    expect(await submit(page, 'Add app')).toBe(303);
    expect((await runCli(app, ['apps', 'list', '--json'])).json()).toEqual(expect.arrayContaining([expect.objectContaining({ appId, kind: 'web', name: 'Company website' })]));

    // A web client: the kind first, then its form; the secret shown once.
    await page.getByRole('link', { name: 'Clients' }).click();
    await page.waitForURL((url) => url.pathname === '/console/clients');
    await page.getByRole('radio', { name: 'Web (confidential)', exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForLoadState('load');
    const clientId = randomName('intranet');
    await page.getByLabel('Client ID').fill(clientId);
    await page.getByLabel('Redirect URIs').fill('https://intranet.example/callback');
    expect(await submit(page, 'Add client')).toBe(201);
    expect(await page.getByRole('textbox', { name: 'Client secret', exact: true }).inputValue()).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(((await runCli(app, ['clients', 'list', '--json'])).json() as { items: unknown[] }).items).toEqual(expect.arrayContaining([expect.objectContaining({ clientId, type: 'web', redirectUris: ['https://intranet.example/callback'] })]));

    // A resource server with the keyboard only: Tab to each field, type, Enter submits.
    await page.getByRole('link', { name: 'Resource servers' }).click();
    await page.waitForURL((url) => url.pathname === '/console/resources');
    const resource = `https://${randomName('payroll')}.example.test`;
    await tabTo(page, page.getByLabel('URI (audience)'));
    await page.keyboard.type(resource);
    await tabTo(page, page.getByLabel('Scopes'));
    await page.keyboard.type('payroll:read');
    await Promise.all([page.waitForURL((url) => url.pathname === '/console/resources' && url.search !== ''), page.keyboard.press('Enter')]);
    await page.waitForLoadState('load');
    expect(await page.getByRole('status').textContent()).toContain(resource);
    expect((await runCli(app, ['resources', 'list', '--json'])).json()).toEqual(expect.arrayContaining([expect.objectContaining({ uri: resource, scopes: ['payroll:read'] })]));

    // Rotate the signing keys: the CLI lists one new pending key per algorithm.
    const keysBefore = (await runCli(app, ['keys', 'list', '--json'])).json() as { kid: string }[];
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await page.waitForURL((url) => url.pathname === '/console/keys');
    await page.getByLabel('Delay before the new keys sign (seconds)').fill('3600');
    expect(await submit(page, 'Rotate keys')).toBe(303);
    const keysAfter = (await runCli(app, ['keys', 'list', '--json'])).json() as { kid: string; alg: string; state: string }[];
    const newKeys = keysAfter.filter((key) => !keysBefore.some((old) => old.kid === key.kid));
    expect(newKeys.map((key) => [key.alg, key.state]).sort()).toEqual([['ES256', 'pending'], ['RS256', 'pending']]);
    for (const key of newKeys) expect(await page.getByRole('status').textContent()).toContain(key.kid);

    // Find the mini-program user by sub and disable them: their refresh token stops working.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL((url) => url.pathname === '/console/users');
    await page.getByLabel('Find a user').fill(userSub);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === userSub);
    expect(await submit(page, `Disable ${userSub}`)).toBe(303);
    expect((await runCli(app, ['users', 'show', userSub, '--json'])).json()).toMatchObject({ id: userSub, status: 'disabled' });
    expect((await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' })).status).toBe(400);

    // Every change, in the audit log under the admin's own sub, through the console's client.
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL((url) => url.pathname === '/console/audit');
    await page.getByLabel('Actor').fill(adminSub);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL((url) => url.searchParams.get('actor') === adminSub);
    const rows = page.locator('tbody tr').filter({ hasText: adminSub });
    const seen = (await rows.allTextContents()).join('\n');
    for (const [action, target] of [['app.upsert', appId], ['client.create', clientId], ['resource.add', resource], ['keys.rotate', ''], ['user.disable', userSub]] as const) {
      expect(seen).toContain(action);
      if (target !== '') expect(seen).toContain(target);
    }
    await expectAccessible(page, 'console-journey-audit-en');
    const audited = await app.admin.audit.query({ actor: adminSub, limit: 50 });
    expect(audited.items.filter((event) => event.outcome === 'success').map((event) => event.action)).toEqual(
      expect.arrayContaining(['app.upsert', 'client.create', 'resource.add', 'keys.rotate', 'user.disable']));
    expect(new Set(audited.items.map((event) => event.clientId))).toEqual(new Set(['wxbridge-console']));
    await saveScreenshot(page, 'console-journey-audit-full-en');
  });
});
