// The WeChat side of browser sign-in (issue 13 #3–#4, "Done when"): inside-WeChat official-account OAuth
// (snsapi_base / snsapi_userinfo), one sub across the mini-program grant, website QR and the official
// account, snapshot users, an error page per WeChat failure class, and the attacks on state, code and
// browser binding — in Chromium against the simulator's WeChat pages.
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { approveOnWeChat, registerRelyingParty, setUpBrowserApps, type RelyingParty } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser, type ClientName } from '../support/browser.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { countLoginRows, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';
import type { Fault } from '../../src/wechat-simulator/faults.ts';

const browser = useBrowser();

/** Opens the RP's authorization request as `client` and clicks `method` on the hosted page; resolves on WeChat's page. */
async function toWeChat(rp: RelyingParty, options: { client: ClientName; method: string; language?: string; params?: Record<string, string>; page?: Page }) {
  const page = options.page ?? await openPage(browser(), { client: options.client, ...(options.language === undefined ? {} : { acceptLanguage: options.language }) });
  const started = await rp.start(options.params);
  await page.goto(started.url);
  await page.locator(`[data-method="${options.method}"]`).click();
  await page.locator('#wechat-approve').waitFor();
  return { page, started };
}

/**
 * Stands between WeChat's approval and the browser (Playwright cannot route a redirect hop): the POST
 * is sent as it is, and its 302 to our callback is handed to `rewrite` — a new Location, or null to
 * keep the browser where it is (the answer is captured, not delivered).
 */
async function interceptWeChatAnswer(page: Page, rewrite: (callback: string) => string | null): Promise<void> {
  await page.route((url) => url.pathname.startsWith('/connect/'), async (route: Route) => {
    if (route.request().method() !== 'POST') { await route.continue(); return; }
    const answer = await route.fetch({ maxRedirects: 0 });
    const location = rewrite(answer.headers()['location'] ?? '');
    if (location === null) await route.fulfill({ status: 200, contentType: 'text/plain', body: 'captured' });
    else await route.fulfill({ status: 302, headers: { location } });
  });
}

function oauthExchanges(app: TestApp): number {
  return app.wechat.requests.filter((r) => r.endpoint === 'oauth2_access_token').length;
}

function lastAuthorizePage(app: TestApp): Record<string, string> {
  const hit = app.wechat.requests.filter((r) => r.endpoint === null && r.method === 'GET').at(-1);
  return hit?.query ?? {};
}

describe('inside WeChat: official-account OAuth', () => {
  it('asks snsapi_base for openid only and snsapi_userinfo with profile, on WeChat iOS, Android and HarmonyOS', async () => {
    const app = await startTestApp();
    const apps = await setUpBrowserApps(app);
    const base = await registerRelyingParty(app, { scope: 'openid', firstParty: true });
    const withProfile = await registerRelyingParty(app, { scope: 'openid profile', firstParty: true });
    for (const [client, rp, scope] of [['wechat', base, 'snsapi_base'], ['wechatAndroid', withProfile, 'snsapi_userinfo'], ['wechatHarmony', base, 'snsapi_base']] as const) {
      const page = await openPage(browser(), { client });
      const started = await rp.start();
      await page.goto(started.url);
      // The natural method inside WeChat comes first.
      expect(await page.locator('[data-method]').first().getAttribute('data-method')).toBe('official-account');
      if (client === 'wechat') await saveScreenshot(page, 'web-sign-in-wechat-zh');
      await page.locator('[data-method="official-account"]').click();
      await page.locator('#wechat-approve').waitFor();
      expect(lastAuthorizePage(app)).toMatchObject({ appid: apps.officialAccount.appId, scope, response_type: 'code' });
      const userinfoCalls = app.wechat.requests.filter((r) => r.endpoint === 'userinfo').length;
      app.wechat.setUserProfile(`henry-${client}`, { nickname: `Henry ${client}` });
      await approveOnWeChat(page, `henry-${client}`);
      expect(page.url().startsWith(rp.site.callback)).toBe(true);
      const claims = (await rp.finish(page.url(), started)).claims();
      expect(claims?.sub).toMatch(/^[0-9a-f-]{36}$/);
      // sns/userinfo only when the scope allows it; its nickname becomes the profile claim.
      expect(app.wechat.requests.filter((r) => r.endpoint === 'userinfo').length - userinfoCalls).toBe(scope === 'snsapi_userinfo' ? 1 : 0);
      if (scope === 'snsapi_userinfo') expect(claims?.['nickname']).toBe(`Henry ${client}`);
    }
  });

  it('does not offer official-account OAuth to WeCom or a desktop browser', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app);
    for (const client of ['wecom', 'desktopChrome'] as const) {
      const page = await openPage(browser(), { client, acceptLanguage: 'en' });
      await page.goto((await rp.start()).url);
      expect(await page.locator('[data-method]').evaluateAll((nodes) => nodes.map((n) => (n as unknown as { dataset: { method: string } }).dataset.method))).toEqual(['website-qr']);
    }
  });
});

describe('one person, one sub (design.md §2, §10)', () => {
  it('gives the same sub through the mini-program grant, website QR and the official account under one Open Platform', async () => {
    const app = await startTestApp();
    const apps = await setUpBrowserApps(app);
    const miniProgram = await setUpMiniProgram(app, { openPlatformId: apps.openPlatformId });
    const viaMiniProgram = subOf(await miniProgram.login('grace'));
    const rp = await registerRelyingParty(app, { firstParty: true, scope: 'openid profile' });

    const qr = await toWeChat(rp, { client: 'desktopChrome', method: 'website-qr' });
    await approveOnWeChat(qr.page, 'grace');
    const viaWebsite = (await rp.finish(qr.page.url(), qr.started)).claims()?.sub;

    const oa = await toWeChat(rp, { client: 'wechat', method: 'official-account' });
    await approveOnWeChat(oa.page, 'grace');
    const viaOfficialAccount = (await rp.finish(oa.page.url(), oa.started)).claims()?.sub;

    expect(viaWebsite).toBe(viaMiniProgram);
    expect(viaOfficialAccount).toBe(viaMiniProgram);
    expect((await countLoginRows(app)).accounts).toBe(1);
  });
});

describe('WeChat failures end on an error page with a retry link (issue 13 #4)', () => {
  const cases: [string, Fault, string, number][] = [
    ['invalid or used code', { kind: 'errcode', errcode: 40163, endpoint: 'oauth2_access_token' }, 'code', 400],
    ['risk control', { kind: 'errcode', errcode: 40226, endpoint: 'oauth2_access_token' }, 'blocked', 403],
    ['rate limit', { kind: 'errcode', errcode: 45011, endpoint: 'oauth2_access_token' }, 'busy', 429],
    ['API not authorised (48001)', { kind: 'errcode', errcode: 48001, endpoint: 'oauth2_access_token' }, 'misconfigured', 500],
    ['daily quota', { kind: 'errcode', errcode: 45009, endpoint: 'oauth2_access_token' }, 'misconfigured', 500],
    ['system busy (-1)', { kind: 'errcode', errcode: -1, endpoint: 'oauth2_access_token' }, 'unavailable', 503],
    ['an HTML answer', { kind: 'html_body', endpoint: 'oauth2_access_token' }, 'unavailable', 503],
    ['an empty answer', { kind: 'empty_body', endpoint: 'oauth2_access_token' }, 'unavailable', 503],
    ['a timeout', { kind: 'delay', ms: 3000, endpoint: 'oauth2_access_token' }, 'unavailable', 503],
  ];

  it('shows each failure class in words, never WeChat\'s errmsg, creates nothing and redirects nowhere', { timeout: 180_000 }, async () => {
    const app = await startTestApp({ env: { WXBRIDGE_WECHAT_TIMEOUT_MS: '1000' } });
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { firstParty: true });
    for (const [name, fault, failure, status] of cases) {
      const { page } = await toWeChat(rp, { client: 'desktopChrome', method: 'website-qr', language: name === 'a timeout' ? 'zh-CN' : 'en' });
      app.wechat.injectFault(fault);
      await page.locator('input[name=user]').fill('ivy');
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/wechat-callback')), page.locator('#wechat-approve button[type=submit]').click()]);
      await page.locator(`[data-failure="${failure}"]`).waitFor();
      expect(response.status(), name).toBe(status);
      const html = await page.content();
      expect(html, name).not.toMatch(/errmsg|invalid code|rid:|at \S+\.ts:\d+/i);
      expect(await page.locator('[data-action="retry"]').getAttribute('href'), name).toMatch(/^\/interaction\/[\w-]+$/);
      await saveScreenshot(page, `web-error-${failure}-${name === 'a timeout' ? 'zh' : 'en'}`.replace(/[^a-z0-9-]/g, '-'));
      app.wechat.clearFaults();
    }
    expect(await countLoginRows(app)).toMatchObject({ accounts: 0, identities: 0 });
    expect(rp.site.hits).toEqual([]);
  });

  it('turns the snapshot-page virtual user away with a page to open the full page, and creates nothing', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { firstParty: true, scope: 'openid profile' });
    app.wechat.setUserFlags('snap', { snapshot: true });
    for (const language of ['zh-CN', 'en']) {
      const { page } = await toWeChat(rp, { client: 'wechat', method: 'official-account', language });
      await page.locator('input[name=user]').fill('snap');
      await Promise.all([page.waitForURL('**/wechat-callback**'), page.locator('#wechat-approve button[type=submit]').click()]);
      await page.locator('[data-failure="snapshot"]').waitFor();
      await saveScreenshot(page, `web-snapshot-user-${language === 'en' ? 'en' : 'zh'}`);
    }
    expect(await countLoginRows(app)).toMatchObject({ accounts: 0, identities: 0, grants: 0 });
  });
});

describe('attacks refused (issue 13, "Done when")', () => {
  it('refuses a tampered state and a replayed one', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { firstParty: true });
    const { page } = await toWeChat(rp, { client: 'desktopChrome', method: 'website-qr', language: 'en' });
    let callback = '';
    await interceptWeChatAnswer(page, (location) => { callback = location; return location; });
    await approveOnWeChat(page, 'jack');
    await page.unrouteAll();
    expect(page.url().startsWith(rp.site.callback)).toBe(true);
    const exchanged = oauthExchanges(app);
    // Replayed: the same callback URL again, in the same browser.
    const replay = await page.goto(callback);
    expect(replay?.status()).toBe(400);
    await page.locator('[data-failure]').waitFor();
    expect(await page.locator('[data-failure]').getAttribute('data-failure')).toMatch(/^(state|session)$/);
    // Tampered: a fresh trip whose state is altered on the way back.
    const second = await toWeChat(rp, { client: 'desktopChrome', method: 'website-qr', page, params: { prompt: 'login' } });
    await interceptWeChatAnswer(second.page, (location) => {
      const url = new URL(location);
      const state = url.searchParams.get('state') ?? '';
      url.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('0') ? '1' : '0'}`);
      return url.href;
    });
    await second.page.locator('input[name=user]').fill('jack');
    await Promise.all([second.page.waitForURL('**/wechat-callback**'), second.page.locator('#wechat-approve button[type=submit]').click()]);
    await second.page.locator('[data-failure="state"]').waitFor();
    await saveScreenshot(second.page, 'web-error-state-en');
    expect(oauthExchanges(app)).toBe(exchanged);
  });

  it('sends a replayed WeChat code to WeChat never again', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { firstParty: true });
    const { page } = await toWeChat(rp, { client: 'desktopChrome', method: 'website-qr' });
    let code = '';
    await interceptWeChatAnswer(page, (location) => { code = new URL(location).searchParams.get('code') ?? ''; return location; });
    await approveOnWeChat(page, 'kate');
    await page.unrouteAll();
    const exchanged = oauthExchanges(app);
    // A new trip in the same browser, its own valid state, but the old code.
    const again = await toWeChat(rp, { client: 'desktopChrome', method: 'website-qr', page, params: { prompt: 'login' } });
    const state = new URL(again.page.url()).searchParams.get('state') ?? '';
    const redirectUri = new URL(again.page.url()).searchParams.get('redirect_uri') ?? '';
    await again.page.goto(`${redirectUri}?code=${code}&state=${state}`);
    await again.page.locator('[data-failure="code"]').waitFor();
    expect(oauthExchanges(app)).toBe(exchanged);
  });

  it('refuses WeChat\'s answer carried to another browser (login CSRF): no sign-in, no account', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { firstParty: true });
    const { page } = await toWeChat(rp, { client: 'desktopChrome', method: 'website-qr' });
    let callback = '';
    await interceptWeChatAnswer(page, (location) => { callback = location; return null; });
    await page.locator('input[name=user]').fill('mallory');
    await page.locator('#wechat-approve button[type=submit]').click();
    await expect.poll(() => callback).not.toBe('');
    const victim = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    const response = await victim.goto(callback);
    expect(response?.status()).toBe(400);
    await victim.locator('[data-failure="session"]').waitFor();
    await saveScreenshot(victim, 'web-error-session-en');
    expect(new URL(victim.url()).origin).toBe(app.baseUrl);
    expect(oauthExchanges(app)).toBe(0);
    expect((await countLoginRows(app)).accounts).toBe(0);
  });
});
