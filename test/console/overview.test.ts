// The console's Overview (issue 14 #3) in Chromium: the landing page after sign-in charts the sign-ins and
// their failures by reason, WeChat's errors by errcode with what they mean, and the signing keys' ages; the
// numbers are a table too, the window is a form the API validates, the CLI shows the same numbers, and an
// idle window says what to do to see data.
import { describe, expect, it } from 'vitest';
import type { OverviewReport } from '../../src/overview/overview-report.ts';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { expectAccessible, inBothLanguages, signInToConsole } from '../support/console-browser.ts';
import { postToken, WECHAT_GRANT } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { setUpMiniProgram } from '../support/wechat-fixtures.ts';

const browser = useBrowser();

// Each test starts an app and signs an admin in through the browser: well past 30 s on a loaded machine.
describe('console: overview', { timeout: 120_000 }, () => {
  it('lands on the Overview, which charts sign-ins by outcome, WeChat errors by errcode and key ages, as the CLI shows them', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const mp = await setUpMiniProgram(app);
    // Traffic on the wall clock (no advance), so the CLI's window holds it too.
    await mp.login('ann');
    const code = mp.code('bob');
    expect((await mp.post({ code })).status).toBe(200);
    expect((await mp.post({ code })).status).toBe(400); // reused: refused before WeChat
    for (const errcode of [40029, 45011]) {
      app.wechat.injectFault({ kind: 'errcode', errcode, endpoint: 'jscode2session' });
      expect((await postToken(app.baseUrl, { grant_type: WECHAT_GRANT, client_id: mp.clientId, code: mp.code(`user-${String(errcode)}`) })).status).toBeGreaterThanOrEqual(400);
    }

    // A rotation publishes the next keys now and signs with them in an hour: pending beside signing.
    await app.admin.keys.rotate({ delaySeconds: 3600 });
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signInToConsole(page, `${app.issuer}/console/invite/${(await app.admin.admins.invite()).token}`, 'erin');
    expect(new URL(page.url()).pathname).toBe('/console/overview');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    // The console's own sign-in is a browser login: audited as login.authorization_code, so it counts.
    await expect.poll(async () => (await app.admin.audit.query({ action: 'login.authorization_code', limit: 5 })).items.map((e) => [e.clientId, e.outcome]), { timeout: 15_000 })
      .toEqual([['wxbridge-console', 'success']]);
    await app.restart(); // a graceful shutdown writes the WeChat call counts (and the audit log)
    await page.reload();

    const logins = page.locator('[data-chart="logins"]');
    expect(await logins.locator('[data-summary]').textContent()).toBe('Sign-ins in the last 60 minutes: 3 succeeded, 3 failed (invalid_grant 2, temporarily_unavailable 1).');
    expect(await page.getByRole('img', { name: /^Sign-ins in the last 60 minutes/ }).count()).toBe(1);
    expect(await logins.getByRole('list', { name: 'Legend of Sign-ins per minute' }).textContent()).toContain('Failed: invalid_grant — code invalid, expired or used · 2');
    const wechat = page.locator('[data-chart="wechat"]');
    expect(await wechat.locator('[data-summary]').textContent()).toMatch(/of which 2 failed \(40029 1, 45011 1\)\.$/);
    expect(await page.getByRole('img', { name: /^WeChat calls in the last 60 minutes/ }).count()).toBe(1);
    const meanings = await wechat.locator('[data-meanings]').textContent();
    expect(meanings).toContain('call wx.login() again');
    expect(meanings).toContain('per-minute limit');

    // The numbers behind each chart, as a table.
    await logins.getByText('The numbers as a table').click();
    expect(await logins.getByRole('row', { name: /^Total/ }).textContent()).toBe('Total3216');
    // The CLI shows the same numbers (the console's own sign-in is the third success).
    const cli = (await runCli(app, ['overview', '--json'])).json() as OverviewReport;
    expect(cli.loginTotals).toEqual({ successes: 3, failures: { invalid_grant: 2, temporarily_unavailable: 1 } });
    expect(cli.wechatErrors.map((x) => [x.errcode, x.count])).toEqual([['40029', 1], ['45011', 1]]);
    const keys = page.locator('[data-chart="keys"]');
    await keys.getByText('The numbers as a table').click();
    const kids = ((await runCli(app, ['keys', 'list', '--json'])).json() as { kid: string; state: string }[]);
    expect(kids.map((key) => key.state).sort()).toEqual(['pending', 'pending', 'signing', 'signing']);
    for (const key of kids) expect(await keys.getByRole('row').filter({ hasText: key.kid }).textContent()).toContain(key.state);
    expect(await page.getByRole('img', { name: `${String(kids.length)} signing keys; the oldest is under an hour old.` }).count()).toBe(1);
    await expectAccessible(page, 'console-overview-tables-en');
    await inBothLanguages(browser(), page, 'console-overview');

    // The window is a form, used here with the keyboard; the API's refusal of a window stands next to the field.
    await page.getByLabel('Time window').focus();
    await page.keyboard.press('ArrowUp'); // from "Last hour" to "Last 15 minutes"
    expect(await page.getByLabel('Time window').inputValue()).toBe('15');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Show');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('minutes') === '15');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
    expect(await page.getByText('in the last 15 minutes, the current one included', { exact: false }).count()).toBe(1);
    const refused = await page.goto(`${app.issuer}/console/overview?minutes=1441`);
    expect(refused?.status()).toBe(400);
    expect(await page.locator('#overview-minutes-error').textContent()).toBe('must be a whole number from 1 to 1440');
    expect(await page.getByLabel('Time window').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'console-overview-window-refused-en');
  });

  it('says what to do when nobody signed in within the window', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_SANDBOX: '1' } });
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await signInToConsole(page, `${app.baseUrl}/console`, 'admin');
    expect(new URL(page.url()).pathname).toBe('/console/overview');
    // Two minutes later, the last minute holds no sign-in (the admin's own is older).
    app.clock.advance(120_000);
    await page.goto(`${app.issuer}/console/overview?minutes=1`);
    expect(await page.locator('[data-empty="logins"]').textContent()).toContain('POST /sandbox/wx-login');
    expect(await page.locator('[data-empty="wechat"]').textContent()).toContain('No call to WeChat in the last minute');
    expect(await page.getByRole('img').count()).toBe(1); // only the key ages
    await saveScreenshot(page, 'console-overview-empty-en');
    await inBothLanguages(browser(), page, 'console-overview-empty');

    // Doing what the empty state says fills the chart: the sandbox's wx.login(), then /token.
    const sandboxLogin = async (code?: string): Promise<{ status: number; code: string }> => {
      const played = code ?? ((await (await fetch(`${app.baseUrl}/sandbox/wx-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"alice"}' })).json()) as { code: string }).code;
      return { status: (await postToken(app.baseUrl, { grant_type: WECHAT_GRANT, client_id: 'sandbox-miniprogram', code: played })).status, code: played };
    };
    const first = await sandboxLogin();
    expect(first.status).toBe(200);
    expect((await sandboxLogin(first.code)).status).toBe(400);
    app.clock.advance(60_000);
    expect((await sandboxLogin()).status).toBe(200);
    await app.restart(); // writes the audit log and the WeChat call counts
    await page.goto(`${app.issuer}/console/overview?minutes=15`);
    expect(await page.locator('[data-chart="logins"] [data-summary]').textContent()).toBe('Sign-ins in the last 15 minutes: 3 succeeded, 1 failed (invalid_grant 1).');
    // Two code exchanges, and the calls of the admin's own sign-in on WeChat's website.
    expect(await page.locator('[data-empty="wechat"]').textContent()).toMatch(/^WeChat answered all [3-9] calls of the last 15 minutes without an error\.$/);
    await expectAccessible(page, 'console-overview-sandbox-traffic-en');
    // On a phone: the same page, the charts as wide as the screen allows.
    const phone = await openPage(browser(), { client: 'wechatAndroid', acceptLanguage: 'en' });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${app.issuer}/console/overview?minutes=15`);
    await phone.locator('h1').waitFor();
    await expectAccessible(phone, 'console-overview-phone-en');
  });
});
