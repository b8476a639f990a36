// The console (issue 14, ADR 0025) driven in Chromium the way an admin uses it: the first admin comes in
// through the CLI's invitation link, adds a WeChat app that the CLI then lists; a non-admin sees "no
// access"; revoking the role ends the console session; a form without its CSRF token is refused.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { expectAccessible, inBothLanguages as inBothLanguagesOf, signInToConsole as signIn } from '../support/console-browser.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { randomAppId, randomSecret } from '../support/wechat-fixtures.ts';

const browser = useBrowser();
const inBothLanguages = (page: Page, name: string): Promise<void> => inBothLanguagesOf(browser(), page, name);

async function invitationLink(app: TestApp): Promise<string> {
  const result = await runCli(app, ['console', 'invite', '--json']);
  expect(result.code).toBe(0);
  return (result.json() as { url: string }).url;
}

// Each test starts an app and signs an admin in through the browser: well past 30 s on a loaded machine.
describe('console: sign-in and access', { timeout: 120_000 }, () => {
  it('makes the first admin through a single-use invitation link, who adds a WeChat app the CLI then lists', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const link = await invitationLink(app);
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signIn(page, link, 'boss');
    // The console lands on its Overview (test/console/overview.test.ts); the apps are a section away.
    await expect.poll(() => page.getByRole('heading', { name: 'Overview', level: 1 }).count()).toBe(1);
    await page.getByRole('link', { name: 'WeChat apps' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'WeChat apps', level: 1 }).count()).toBe(1);
    await inBothLanguages(page, 'console-apps');

    // A refused add shows the API's message next to its field and keeps what was typed (never the secret).
    const appId = randomAppId();
    await page.getByLabel('AppID').fill('not-an-appid');
    await page.getByLabel('Kind').selectOption('web');
    await page.getByLabel('AppSecret').fill(randomSecret());
    await page.getByRole('button', { name: 'Add app' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('#app-appId-error').textContent()).toContain('must look like wx + 16 hex characters');
    expect(await page.getByLabel('AppID').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('AppSecret').inputValue()).toBe('');
    await expectAccessible(page, 'console-apps-add-error-en');

    await page.getByLabel('AppID').fill(appId);
    await page.getByLabel('AppSecret').fill(randomSecret());
    await page.getByLabel('Name (optional)').fill('Shop website');
    await page.getByRole('button', { name: 'Add app' }).click();
    await page.waitForURL((url) => url.searchParams.get('saved') === appId);
    expect(await page.getByRole('status').textContent()).toContain(appId);
    expect(await page.getByRole('row').filter({ hasText: appId }).textContent()).toContain('Shop website');
    await saveScreenshot(page, 'console-apps-added-en');

    // What the console created is what the CLI shows.
    const listed = await runCli(app, ['apps', 'list', '--json']);
    expect(listed.json()).toEqual(expect.arrayContaining([expect.objectContaining({ appId, kind: 'web', name: 'Shop website' })]));
    // The change is audited under the admin's own sub.
    const sub = await page.locator('[data-sub]').first().textContent();
    const audit = await app.admin.audit.query({ action: 'app.upsert', limit: 10 });
    expect(audit.items.find((event) => event.target === appId)).toMatchObject({ actor: sub, clientId: 'wxbridge-console', outcome: 'success' });

    // The invitation worked once.
    const again = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    const reused = await again.goto(link);
    expect(reused?.status()).toBe(410);
    expect(await again.getByRole('alert').textContent()).toContain('already used or has expired');
    await inBothLanguages(again, 'console-invitation-invalid');
  });

  it('shows a clear "no access" page to an account without the admin role', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signIn(page, `${app.baseUrl}/console`, 'carol');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('No access');
    expect(await page.getByRole('alert').textContent()).toContain('does not hold the admin role');
    await inBothLanguages(page, 'console-no-access');
  });

  it('ends the console session when the role is revoked, and refuses a form without its CSRF token', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signIn(page, `${app.baseUrl}/console`, 'dora');
    const sub = (await page.locator('[data-sub]').first().textContent()) ?? '';
    expect((await runCli(app, ['users', 'grant-admin', sub])).code).toBe(0);
    await page.goto(`${app.baseUrl}/console/sign-in`);
    await page.waitForURL((url) => url.pathname === '/console/overview');
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');

    // No CSRF token (or another one): 403, nothing saved.
    const forged = await page.request.post(`${app.baseUrl}/console/apps`, { form: { appId: randomAppId(), kind: 'web', secret: randomSecret() }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    const wrong = await page.request.post(`${app.baseUrl}/console/apps`, { form: { csrf: 'x'.repeat(43), appId: randomAppId(), kind: 'web', secret: randomSecret() }, maxRedirects: 0 });
    expect(wrong.status()).toBe(403);
    expect(await app.admin.apps.list()).toHaveLength(2);

    expect((await runCli(app, ['users', 'revoke-admin', sub])).code).toBe(0);
    const after = await page.reload();
    expect(after?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('No access');
    const cookies = await page.context().cookies();
    expect(cookies.find((cookie) => cookie.name === 'wxbridge_console')).toBeUndefined();
    const audit = await app.admin.audit.query({ action: 'user.revoke_admin', limit: 5 });
    expect(audit.items[0]).toMatchObject({ target: sub, outcome: 'success' });
  });

  it('opens on a fresh sandbox as the simulated user admin, and signing out ends the console and the wxbridge session', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_SANDBOX: '1' } });
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signIn(page, `${app.baseUrl}/console`, 'admin');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    await page.goto(`${app.baseUrl}/console/apps`);
    expect(await page.getByRole('row').filter({ hasText: 'wxbridge sandbox website' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('[data-logout="confirm"]').click();
    await page.waitForURL((url) => url.pathname === '/console/signed-out');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Signed out');
    await inBothLanguages(page, 'console-signed-out');
    expect((await page.context().cookies()).find((cookie) => cookie.name === 'wxbridge_console')).toBeUndefined();
    // Signing in again needs WeChat again: the wxbridge session ended too.
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.locator('[data-method="website-qr"]').waitFor();
  });

  it('explains what WeChat answers to "check": the right secret, a wrong one, an IP not on the allow-list, the daily quota', async () => {
    const app = await startTestApp();
    const { officialAccount } = await setUpBrowserApps(app);
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signIn(page, `${app.issuer}/console/invite/${(await app.admin.admins.invite()).token}`, 'erin');
    await page.goto(`${app.issuer}/console/apps`);
    const check = async (): Promise<string> => {
      await page.getByRole('button', { name: `Check ${officialAccount.appId} with WeChat` }).click();
      await page.waitForLoadState('load');
      return (await page.locator('[data-diagnosis]').textContent()) ?? '';
    };
    expect(await check()).toContain('the AppID and AppSecret are right');
    await expectAccessible(page, 'console-apps-check-ok-en');
    for (const [errcode, words] of [[40125, 'refused the AppSecret'], [40001, 'refused the AppSecret'], [40164, 'IP address'], [61004, 'IP address'], [45009, 'daily quota']] as const) {
      app.wechat.injectFault({ kind: 'errcode', errcode, endpoint: 'stable_token' });
      const said = await check();
      expect(said).toContain(words);
      expect(said).toContain(`WeChat error code ${String(errcode)}`);
    }
    await saveScreenshot(page, 'console-apps-check-quota-en');
    const audit = await app.admin.audit.query({ action: 'app.check', limit: 10 });
    expect(audit.items).toHaveLength(6);

    // The same explanation in Chinese.
    const zh = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'zh-CN,zh;q=0.9' });
    await zh.context().addCookies(await page.context().cookies());
    await zh.goto(`${app.issuer}/console/apps`);
    app.wechat.injectFault({ kind: 'errcode', errcode: 40164, endpoint: 'stable_token' });
    await zh.getByRole('button', { name: `向微信检查 ${officialAccount.appId}` }).click();
    await zh.waitForLoadState('load');
    expect(await zh.locator('[data-diagnosis]').textContent()).toContain('IP 白名单');
    await expectAccessible(zh, 'console-apps-check-ip-zh');

    // Long lists paginate, 20 apps a page.
    for (let i = 0; i < 20; i += 1) await app.admin.apps.upsert({ appId: randomAppId(), kind: 'miniprogram', secret: randomSecret() });
    await page.goto(`${app.issuer}/console/apps`);
    expect(await page.locator('tbody tr').count()).toBe(20);
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.waitForURL((url) => url.searchParams.has('cursor'));
    expect(await page.locator('tbody tr').count()).toBe(2);
    expect(await page.getByRole('link', { name: 'Next page' }).count()).toBe(0);
    await expectAccessible(page, 'console-apps-page-2-en');
    await page.getByRole('link', { name: 'First page' }).click();
    await page.waitForURL((url) => !url.searchParams.has('cursor'));
    expect(await page.locator('tbody tr').count()).toBe(20);
  });
});
