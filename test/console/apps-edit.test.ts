// A WeChat app's own console page (issue 14 #3) driven in Chromium: edit it without its secret and its
// account settings (the CLI shows the change, and a change made with the CLI shows in the console),
// replace the AppSecret with a wrong one and the right one ("check" explains each), remove it (refused
// while a client is bound, with the API's message). Each refused form keeps what was typed, never a secret.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { saveScreenshot, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { expectAccessible, inBothLanguages, signInAsNewAdmin, submitForm } from '../support/console-browser.ts';
import type { TestApp } from '../support/test-app.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomSecret, setUpMiniProgram } from '../support/wechat-fixtures.ts';

const browser = useBrowser();

const signedInAdmin = (app: TestApp, user: string): Promise<{ page: Page; adminSub: string }> => signInAsNewAdmin(browser(), app, user);

const submit = submitForm;

const appsListed = async (app: TestApp): Promise<Record<string, unknown>[]> => (await runCli(app, ['apps', 'list', '--json'])).json() as Record<string, unknown>[];

// Each test starts an app and signs an admin in through the browser: well past 30 s on a loaded machine.
describe('console: a WeChat app\'s page', { timeout: 120_000 }, () => {
  it('edits the name, sign-in page and account settings without the secret; the CLI agrees both ways; refusals stay next to the field', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const mp = await setUpMiniProgram(app);
    const { page, adminSub } = await signedInAdmin(app, 'erin');
    await page.goto(`${app.issuer}/console/apps`);
    await page.getByRole('link', { name: mp.appId, exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/console/apps/${mp.appId}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`WeChat app ${mp.appId}`);
    await inBothLanguages(browser(), page, 'console-app');

    await page.getByLabel('Name (optional)').fill('Shop mini-program');
    await page.getByLabel('Web sign-in page').fill('pages/login/index');
    expect(await submit(page, 'Save changes')).toBe(303);
    await page.waitForURL((url) => url.searchParams.get('done') === 'updated');
    expect(await page.getByRole('status').textContent()).toContain('The app is saved');
    expect(await page.locator(`[data-app="${mp.appId}"]`).textContent()).toContain('Shop mini-program');
    expect(await appsListed(app)).toContainEqual(expect.objectContaining({ appId: mp.appId, name: 'Shop mini-program', webSignInPage: 'pages/login/index' }));
    const audit = await app.admin.audit.query({ action: 'app.update', limit: 5 });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ target: mp.appId, actor: adminSub, clientId: 'wxbridge-console', outcome: 'success' });

    // Refused: the API's message next to the field, what was typed kept, 400.
    await page.getByLabel('Web sign-in page').fill('/pages/login');
    await page.getByLabel('Open Platform account (optional)').fill('has spaces');
    expect(await submit(page, 'Save changes')).toBe(400);
    expect(await page.locator('#edit-webSignInPage-error').textContent()).toContain('must be a mini-program page path');
    expect(await page.locator('#edit-openPlatformId-error').textContent()).not.toBe('');
    expect(await page.getByLabel('Web sign-in page').inputValue()).toBe('/pages/login');
    expect(await page.getByLabel('Web sign-in page').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'console-app-edit-error-en');

    // Account settings.
    await page.goto(`${app.issuer}/console/apps/${mp.appId}`);
    await page.getByLabel('Link a first sign-in to the account with the same WeChat-verified phone number').check();
    await page.getByLabel('When a late unionid belongs to another account').selectOption('refuse');
    expect(await submit(page, 'Save account settings')).toBe(303);
    await page.waitForURL((url) => url.searchParams.get('done') === 'settings');
    expect(await appsListed(app)).toContainEqual(expect.objectContaining({ appId: mp.appId, linkByVerifiedPhone: true, unionIdConflict: 'refuse', newAccountsAllowed: true }));
    expect((await app.admin.audit.query({ action: 'app.account_settings', limit: 5 })).items).toEqual([expect.objectContaining({ actor: adminSub, clientId: 'wxbridge-console', outcome: 'success' })]);
    // A value the form cannot offer reaches the API's check and comes back next to the field.
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const forged = await page.request.post(`${app.issuer}/console/apps/${mp.appId}/account-settings`, { form: { csrf, unionIdConflict: 'maybe' }, maxRedirects: 0 });
    expect(forged.status()).toBe(400);
    expect(await forged.text()).toMatch(/id="settings-unionIdConflict-error">[^<]+</);

    // The reverse: a change made with the CLI shows in the console.
    expect((await runCli(app, ['apps', 'update', '--appid', mp.appId, '--name', 'Renamed by the CLI'])).code).toBe(0);
    await page.reload();
    expect(await page.locator(`[data-app="${mp.appId}"]`).textContent()).toContain('Renamed by the CLI');
    expect(await page.getByLabel('Name (optional)').inputValue()).toBe('Renamed by the CLI');
    await saveScreenshot(page, 'console-app-edited-en');
  });

  it('replaces the AppSecret: check explains a wrong one and proves the right one; removal is refused while a client is bound', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const mp = await setUpMiniProgram(app);
    const { page, adminSub } = await signedInAdmin(app, 'fay');
    await page.goto(`${app.issuer}/console/apps/${mp.appId}`);
    const check = async (): Promise<string> => {
      await submit(page, `Check ${mp.appId} with WeChat`);
      return (await page.locator('[data-diagnosis]').textContent()) ?? '';
    };

    // Refused: nothing kept of what was typed (it is a secret), the message next to the field.
    await page.getByLabel('New AppSecret').fill('short');
    expect(await submit(page, 'Replace AppSecret')).toBe(400);
    expect(await page.locator('#secret-secret-error').textContent()).toBe('must be the AppSecret (16–64 letters and digits)');
    expect(await page.getByLabel('New AppSecret').inputValue()).toBe('');
    await expectAccessible(page, 'console-app-secret-error-en');

    await page.getByLabel('New AppSecret').fill(randomSecret());
    expect(await submit(page, 'Replace AppSecret')).toBe(303);
    await page.waitForURL((url) => url.searchParams.get('done') === 'secret');
    expect(await page.getByRole('status').first().textContent()).toContain('Check it with WeChat now');
    await saveScreenshot(page, 'console-app-secret-replaced-en');
    expect(await check()).toContain('WeChat refused the AppSecret');
    expect(await page.locator('[data-fix]').textContent()).toContain('Replace the AppSecret');
    await expectAccessible(page, 'console-app-check-wrong-secret-en');

    await page.getByLabel('New AppSecret').fill(mp.secret);
    await submit(page, 'Replace AppSecret');
    await page.waitForURL((url) => url.searchParams.get('done') === 'secret');
    expect(await check()).toContain('the AppID and AppSecret are right');
    const rotations = await app.admin.audit.query({ action: 'app.rotate_secret', limit: 10 });
    expect(rotations.items.filter((item) => item.outcome === 'success')).toHaveLength(2);
    expect(rotations.items.every((item) => item.actor === adminSub && item.clientId === 'wxbridge-console')).toBe(true);

    // Removal: a confirmation step; refused while the client is bound, with the API's message.
    await page.getByRole('link', { name: `Remove ${mp.appId}…` }).click();
    await page.waitForURL((url) => url.pathname === `/console/apps/${mp.appId}/remove`);
    await inBothLanguages(browser(), page, 'console-app-remove');
    expect(await submit(page, `Remove ${mp.appId}`)).toBe(409);
    expect(await page.locator('[data-refusal]').textContent()).toBe(`WeChat app ${mp.appId} is used by 1 client(s); remove them first`);
    await expectAccessible(page, 'console-app-remove-refused-en');
    expect(await appsListed(app)).toContainEqual(expect.objectContaining({ appId: mp.appId }));

    expect((await runCli(app, ['clients', 'remove', '--id', mp.clientId])).code).toBe(0);
    expect(await submit(page, `Remove ${mp.appId}`)).toBe(303);
    await page.waitForURL((url) => url.pathname === '/console/apps' && url.searchParams.get('removed') === mp.appId);
    expect(await page.getByRole('status').textContent()).toContain(`App ${mp.appId} removed`);
    expect(await appsListed(app)).not.toContainEqual(expect.objectContaining({ appId: mp.appId }));
    const removals = await app.admin.audit.query({ action: 'app.remove', limit: 5 });
    expect(removals.items.map((item) => item.outcome).sort()).toEqual(['failure', 'success']);
  });
});
