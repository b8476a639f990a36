// The console's Users page (issue 14 #3) driven in Chromium: an admin finds a user by openid, sees their
// identities per app, signs them out everywhere, disables them (their refresh token stops working, the change is audited under the
// admin's sub and the CLI shows it) and enables them again; the API's refusals appear next to the field.
import { describe, expect, it } from 'vitest';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { expectAccessible, inBothLanguages, signInToConsole } from '../support/console-browser.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

const browser = useBrowser();

// Each test starts an app and signs an admin in through the browser: well past 30 s on a loaded machine.
describe('console: users', { timeout: 120_000 }, () => {
  it('finds a user by openid, signs them out everywhere, disables them (audited, refresh refused, CLI agrees) and enables them again', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('gina');
    const sub = subOf(tokens);
    const openId = (await app.admin.users.show(sub)).identities[0]?.openId ?? '';
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signInToConsole(page, `${app.issuer}/console/invite/${(await app.admin.admins.invite()).token}`, 'erin');
    const adminSub = await page.locator('[data-sub]').first().textContent();

    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL((url) => url.pathname === '/console/users');
    expect(await page.locator('[data-empty]').textContent()).toContain('Type a user\'s sub');
    await inBothLanguages(browser(), page, 'console-users');

    // Nothing matches: the empty state says the search is exact.
    await page.getByLabel('Find a user').fill(`${openId}x`);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === `${openId}x`);
    expect(await page.locator('[data-empty]').textContent()).toContain('matches exactly');

    await page.getByLabel('Find a user').fill(openId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === openId);
    const card = page.locator(`[data-user="${sub}"]`);
    expect(await card.getAttribute('data-status')).toBe('active');
    expect(await card.getByRole('row').filter({ hasText: mp.appId }).textContent()).toContain(openId);
    await inBothLanguages(browser(), page, 'console-users-found');

    // Sign out everywhere: the refresh token stops working, the account stays enabled.
    await page.getByRole('button', { name: `Sign out everywhere ${sub}` }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'signed-out');
    expect(await page.getByRole('status').textContent()).toContain('signed out of every app');
    expect(await card.getAttribute('data-status')).toBe('active');
    const signedOutRefresh = await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' });
    expect(signedOutRefresh.status).toBe(400);
    expect((await app.admin.audit.query({ action: 'user.sign_out', limit: 5 })).items[0]).toMatchObject({ target: sub, actor: adminSub, clientId: 'wxbridge-console', outcome: 'success' });
    const again = await mp.login('gina');
    expect(subOf(again)).toBe(sub);

    await page.getByRole('button', { name: `Disable ${sub}` }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'disabled');
    expect(await page.getByRole('status').textContent()).toContain('disabled and signed out everywhere');
    expect(await card.getAttribute('data-status')).toBe('disabled');
    await expectAccessible(page, 'console-users-disabled-en');

    // What the console changed is what the CLI shows, the user's refresh token stops working, and the
    // change is audited under the admin's own sub through the console's client.
    expect((await runCli(app, ['users', 'show', sub, '--json'])).json()).toMatchObject({ id: sub, status: 'disabled' });
    const refresh = await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: again.refresh_token ?? '' });
    expect(refresh.status).toBe(400);
    const audit = await app.admin.audit.query({ action: 'user.disable', limit: 5 });
    expect(audit.items[0]).toMatchObject({ target: sub, actor: adminSub, clientId: 'wxbridge-console', outcome: 'success' });

    await page.getByRole('button', { name: `Enable ${sub}` }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'enabled');
    expect(await card.getAttribute('data-status')).toBe('active');
    expect((await app.admin.users.show(sub)).status).toBe('active');
  });

  it('shows the API\'s refusal next to the search field and of a disable, and refuses a form without its CSRF token', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const mp = await setUpMiniProgram(app);
    const sub = subOf(await mp.login('hank'));
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signInToConsole(page, `${app.issuer}/console/invite/${(await app.admin.admins.invite()).token}`, 'ivan');

    // A blank query (the browser's `required` stops it on the page; a hand-made URL reaches the API).
    const blank = await page.goto(`${app.baseUrl}/console/users?q=%20`);
    expect(blank?.status()).toBe(400);
    expect(await page.locator('#users-q-error').textContent()).toBe('a sub, openid, unionid or phone number is required');
    expect(await page.getByLabel('Find a user').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'console-users-query-error-en');

    // No CSRF token: 403, nothing changed.
    const forged = await page.request.post(`${app.baseUrl}/console/users/${sub}/disable`, { form: { q: sub }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await app.admin.users.show(sub)).status).toBe('active');

    // The API's refusal (an account that does not exist) is shown as it said it.
    const csrf = (await page.locator('input[name="csrf"]').first().inputValue());
    const missing = '00000000-0000-4000-8000-000000000000';
    const refused = await page.request.post(`${app.baseUrl}/console/users/${missing}/disable`, { form: { csrf, q: missing }, maxRedirects: 0 });
    expect(refused.status()).toBe(404);
    expect(await refused.text()).toContain(`no account ${missing}`);
  });
});
