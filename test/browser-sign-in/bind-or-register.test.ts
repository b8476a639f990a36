// "Bind or register" (issue 17 #2, "Done when"): a website sign-in that brings a WeChat identity no account
// holds, in a deployment that also has a mini-program, stops on a hosted page: link to the existing account
// by scanning with the mini-program (the phone is packages/miniprogram-sdk), or create a new account where
// the app allows it. The held identity is bound to the browser's interaction — in Chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createWxBridge, type WxBridge } from '../../packages/miniprogram-sdk/src/index.ts';
import { createFakeWx } from '../sdk/fake-wx.ts';
import { approveOnWeChat, registerRelyingParty, setUpBrowserApps, type BrowserApps, type RelyingParty } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { countLoginRows, queryDatabase, setUpMiniProgram, type MiniProgram } from '../support/wechat-fixtures.ts';

const browser = useBrowser();
const WEB_SIGN_IN_PAGE = 'pages/web-sign-in/index';

/** A website app (its own Open Platform) and a mini-program with its web sign-in page (none shared: no unionid match). */
async function arrange(): Promise<{ app: TestApp; apps: BrowserApps; mp: MiniProgram; rp: RelyingParty }> {
  const app = await startTestApp();
  const apps = await setUpBrowserApps(app);
  const mp = await setUpMiniProgram(app, { scope: 'openid profile' });
  app.wechat.registerApp({ appId: mp.appId, secret: mp.secret, kind: 'miniprogram', pages: ['pages/index/index', WEB_SIGN_IN_PAGE] });
  const rp = await registerRelyingParty(app, { firstParty: true, scope: 'openid', name: 'Demo Shop' });
  return { app, apps, mp, rp };
}

function phoneOf(app: TestApp, mp: MiniProgram, user: string): WxBridge {
  return createWxBridge({ issuer: app.issuer, clientId: mp.clientId, scope: 'openid profile', wx: createFakeWx(app, mp.appId, user) });
}

/** Website QR as `user` in a fresh browser; resolves once WeChat's answer reached our callback. */
async function signInOnWebsite(rp: RelyingParty, user: string, options: { language?: string; page?: Page } = {}) {
  const page = options.page ?? await openPage(browser(), { client: 'desktopChrome', ...(options.language === undefined ? {} : { acceptLanguage: options.language }) });
  const started = await rp.start();
  await page.goto(started.url);
  await page.locator('[data-method="website-qr"]').click();
  await approveOnWeChat(page, user);
  return { page, started };
}

const uidOf = (page: Page): string => new URL(page.url()).pathname.split('/')[2] ?? '';

describe('bind or register (issue 17 #2)', { timeout: 120_000 }, () => {
  it('links a new website identity by scan to the existing mini-program account; the next website sign-in is that sub', async () => {
    const { app, mp, rp } = await arrange();
    const phone = phoneOf(app, mp, 'wendy');
    const miniProgramSub = (await phone.login())?.['sub'];

    const first = await signInOnWebsite(rp, 'wendy', { language: 'zh-CN,zh;q=0.9' });
    await first.page.locator('[data-bind-or-register]').waitFor();
    expect(await first.page.locator('[data-action="create-new"]').isVisible()).toBe(true);
    await saveScreenshot(first.page, 'bind-or-register-zh');
    // Nothing written yet: the identity waits server-side, not in the page, a cookie or a URL.
    expect(await first.page.content()).not.toMatch(/open_?id/i);
    expect((await countLoginRows(app)).identities).toBe(1);

    await first.page.locator('[data-action="link-existing"]').click();
    const scene = await first.page.locator('img[data-scene]').getAttribute('data-scene') ?? '';
    await Promise.all([first.page.waitForURL((url) => url.href.startsWith(rp.site.callback)), phone.confirmWebSignIn(scene)]);
    expect((await rp.finish(first.page.url(), first.started)).claims()?.sub).toBe(miniProgramSub);
    expect(await countLoginRows(app)).toMatchObject({ accounts: 1, identities: 2 });
    const audit = await queryDatabase<{ account_id: string; outcome: string }>(app, "select account_id, outcome from audit_events where action = 'account.link_by_scan'");
    expect(audit).toEqual([{ account_id: miniProgramSub, outcome: 'success' }]);

    // The next website sign-in of the same person goes straight through, as the same sub.
    const next = await signInOnWebsite(rp, 'wendy');
    expect(next.page.url().startsWith(rp.site.callback)).toBe(true);
    expect((await rp.finish(next.page.url(), next.started)).claims()?.sub).toBe(miniProgramSub);
  });

  it('creates a new account on "create a new account", once', async () => {
    const { app, mp, rp } = await arrange();
    const miniProgramSub = (await phoneOf(app, mp, 'carl').login())?.['sub'];
    const { page, started } = await signInOnWebsite(rp, 'carl-web', { language: 'en-US,en;q=0.9' });
    await page.locator('[data-bind-or-register]').waitFor();
    await saveScreenshot(page, 'bind-or-register-en');
    const uid = uidOf(page);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(rp.site.callback)), page.locator('[data-action="create-new"]').click()]);
    const sub = (await rp.finish(page.url(), started)).claims()?.sub;
    expect(sub).toEqual(expect.any(String));
    expect(sub).not.toBe(miniProgramSub);
    expect((await countLoginRows(app)).accounts).toBe(2);
    // Single use: the held identity is gone (and the interaction with it).
    const again = await page.request.post(`${app.issuer}/interaction/${uid}/bind/create`, { maxRedirects: 0 });
    expect(again.status()).toBe(400);
    expect((await countLoginRows(app)).accounts).toBe(2);
  });

  it('offers no "create" where the app creates no accounts, says why, and linking still works', async () => {
    const { app, apps, mp, rp } = await arrange();
    await app.admin.apps.updateAccountSettings(apps.website.appId, { newAccountsAllowed: false });
    const phone = phoneOf(app, mp, 'nina');
    const miniProgramSub = (await phone.login())?.['sub'];
    const { page } = await signInOnWebsite(rp, 'nina', { language: 'en-US,en;q=0.9' });
    await page.locator('[data-bind-or-register]').waitFor();
    expect(await page.locator('[data-action="create-new"]').count()).toBe(0);
    expect(await page.locator('[data-create-refused]').textContent()).toContain('does not create new accounts');
    await saveScreenshot(page, 'bind-or-register-link-only-en');
    // A forged "create" post is refused and writes nothing.
    const forged = await page.request.post(`${app.issuer}/interaction/${uidOf(page)}/bind/create`, { maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await countLoginRows(app)).accounts).toBe(1);
    // The forged post used the hold up: the person signs in with WeChat again and links.
    const retry = await signInOnWebsite(rp, 'nina', { page });
    await retry.page.locator('[data-action="link-existing"]').click();
    const scene = await page.locator('img[data-scene]').getAttribute('data-scene') ?? '';
    await Promise.all([page.waitForURL((url) => url.href.startsWith(rp.site.callback)), phone.confirmWebSignIn(scene)]);
    expect((await rp.finish(page.url(), retry.started)).claims()?.sub).toBe(miniProgramSub);
    expect((await countLoginRows(app)).accounts).toBe(1);
  });

  it('does not let another browser complete a pending identity', async () => {
    const { app, mp, rp } = await arrange();
    const victim = await signInOnWebsite(rp, 'vera');
    await victim.page.locator('[data-bind-or-register]').waitFor();
    const uid = uidOf(victim.page);
    const attacker = await openPage(browser(), { client: 'desktopChrome' });
    const create = await attacker.request.post(`${app.issuer}/interaction/${uid}/bind/create`, { maxRedirects: 0 });
    expect(create.status()).toBe(400);
    const scan = await attacker.goto(`${app.issuer}/interaction/${uid}/wechat/miniprogram-scan`);
    expect(scan?.status()).toBe(400);
    expect(await attacker.locator('[data-failure]').getAttribute('data-failure')).toBe('session');
    expect((await countLoginRows(app)).accounts).toBe(0);
    // The victim's own browser still completes it.
    const phone = phoneOf(app, mp, 'vera');
    const miniProgramSub = (await phone.login())?.['sub'];
    await victim.page.locator('[data-action="link-existing"]').click();
    const scene = await victim.page.locator('img[data-scene]').getAttribute('data-scene') ?? '';
    await Promise.all([victim.page.waitForURL((url) => url.href.startsWith(rp.site.callback)), phone.confirmWebSignIn(scene)]);
    expect((await rp.finish(victim.page.url(), victim.started)).claims()?.sub).toBe(miniProgramSub);
  });

  it('says in words, with a 403 and nothing written, that an app creating no accounts cannot sign in a new person where there is no other way in', async () => {
    const app = await startTestApp();
    const apps = await setUpBrowserApps(app);
    await app.admin.apps.updateAccountSettings(apps.website.appId, { newAccountsAllowed: false });
    const rp = await registerRelyingParty(app, { firstParty: true, scope: 'openid', name: 'Demo Shop' });
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en-US,en;q=0.9' });
    const started = await rp.start();
    await page.goto(started.url);
    await page.locator('[data-method="website-qr"]').click();
    const [answer] = await Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/wechat-callback')),
      approveOnWeChat(page, 'newcomer'),
    ]);
    expect(answer.status()).toBe(403);
    expect(await page.locator('[data-failure]').getAttribute('data-failure')).toBe('no_account');
    expect(await page.locator('body').innerText()).toContain('only for people who already have an account');
    await saveScreenshot(page, 'web-error-no-account-en');
    expect(await countLoginRows(app)).toMatchObject({ accounts: 0, identities: 0 });
    expect(rp.site.hits.filter((hit) => hit.pathname === '/callback')).toEqual([]);
  });
});
