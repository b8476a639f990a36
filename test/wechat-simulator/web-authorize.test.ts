// The simulator's authorize pages in a real Chromium (wechat-api.md §8.1, §14 item 19; design.md §10;
// house-style §13): a desktop browser on qrconnect and WeChat's in-app browser on oauth2/authorize, filling
// `input[name=user]`, submitting `#wechat-approve`, following the redirect to a local callback and exchanging
// the code with the WeChat client — plus deny, on-page errors, expired and reused codes, snapshot users,
// zh-CN and English screenshots, and axe-core on every page.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWeChatClient } from '../../src/wechat/wechat-client.ts';
import { accessibilityViolations, findChromium, openPage, saveScreenshot, useBrowser, type ClientName } from '../support/browser.ts';
import { OA, startSimulator, WEB, type TestSimulator } from './simulator-fixture.ts';

const browser = useBrowser();

/** A relying party's callback: records what the browser brought back and says so. */
async function startCallback(): Promise<{ url: string; hits: URLSearchParams[] }> {
  const hits: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://callback');
    // Only the callback itself: the browser also asks this origin for /favicon.ico.
    if (url.pathname === '/wechat/callback') hits.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>Signed in</title><main><h1>Back at the website</h1></main></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/wechat/callback`, hits };
}

interface Scene {
  readonly t: TestSimulator;
  readonly callback: { url: string; hits: URLSearchParams[] };
  readonly client: ReturnType<typeof createWeChatClient>;
}

async function startScene(): Promise<Scene> {
  const t = await startSimulator();
  t.sim.registerApp({ ...WEB, name: '示例商城 Demo Shop', redirectDomains: ['127.0.0.1'] });
  t.sim.registerApp({ ...OA, name: '示例服务号', redirectDomains: ['127.0.0.1'] });
  return { t, callback: await startCallback(), client: createWeChatClient({ baseUrl: t.url, timeoutMs: 5000 }) };
}

function authorizeUrl(scene: Scene, path: 'qrconnect' | 'oauth2/authorize', params: Record<string, string>): string {
  const defaults = path === 'qrconnect'
    ? { appid: WEB.appId, scope: 'snsapi_login' }
    : { appid: OA.appId, scope: 'snsapi_userinfo' };
  const query = new URLSearchParams({ ...defaults, redirect_uri: scene.callback.url, response_type: 'code', state: 'st8xyz', ...params });
  return `${scene.t.url}/connect/${path}?${query.toString()}#wechat_redirect`;
}

async function open(client: ClientName, url: string, acceptLanguage?: string): Promise<Page> {
  const page = await openPage(browser(), { client, ...(acceptLanguage === undefined ? {} : { acceptLanguage }) });
  await page.goto(url);
  return page;
}

/** Plays the person: types a simulated user's name and submits the approve form; resolves at the callback. */
async function approveAs(scene: Scene, page: Page, user: string): Promise<URLSearchParams> {
  await page.locator('input[name=user]').fill(user);
  await Promise.all([page.waitForURL(`${scene.callback.url}**`), page.locator('#wechat-approve button[type=submit]').click()]);
  const hit = scene.callback.hits.at(-1);
  if (hit === undefined) throw new Error('the callback was not reached');
  return hit;
}

async function textOf(locator: Locator): Promise<string | undefined> {
  return (await locator.textContent())?.trim();
}

async function expectAccessible(page: Page): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
}

describe('the browser', () => {
  it('is found, or the suite says in one line how to get one', () => {
    expect(findChromium()).toMatch(/chrom/i);
    const none = { env: { PATH: '' }, systemPaths: [], bundled: () => undefined };
    expect(() => findChromium(none)).toThrow(/^no Chromium found: apt-get install chromium, or set CHROMIUM_PATH=\S+$/);
    expect(() => findChromium({ env: { CHROMIUM_PATH: '/nowhere/chrome' } })).toThrow(/^CHROMIUM_PATH=\/nowhere\/chrome does not exist/);
  });
});

// A browser round trip with axe-core takes seconds on a loaded machine; the budget is generous, nothing asserts speed.
const BROWSER_TIMEOUT = { timeout: 90_000 };

describe('website QR sign-in (/connect/qrconnect) in desktop Chrome', BROWSER_TIMEOUT, () => {
  it('approves as a simulated user, lands on the callback with code and state, and the code exchanges for that person', async () => {
    const scene = await startScene();
    const page = await open('desktopChrome', authorizeUrl(scene, 'qrconnect', {}));
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('微信登录');
    await expectAccessible(page);
    await saveScreenshot(page, 'wechat-qrconnect-zh-cn');
    const back = await approveAs(scene, page, 'alice');
    expect(back.get('state')).toBe('st8xyz');
    const identity = await scene.client.exchangeOAuthCode({ appId: WEB.appId, secret: WEB.secret, code: back.get('code') ?? '' });
    expect(identity).toMatchObject({ openId: scene.t.sim.openIdOf(WEB.appId, 'alice'), unionId: scene.t.sim.unionIdOf('op-main', 'alice'), scope: 'snsapi_login', isSnapshotUser: false });
  });

  it('speaks English with lang=en, and switches language from the page', async () => {
    const scene = await startScene();
    const page = await open('desktopChrome', authorizeUrl(scene, 'qrconnect', { lang: 'en' }));
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('Sign in with WeChat');
    expect(await page.getByLabel('Simulated WeChat user').isVisible()).toBe(true);
    await expectAccessible(page);
    await saveScreenshot(page, 'wechat-qrconnect-en');
    await Promise.all([page.waitForURL(/lang=cn/), page.getByRole('link', { name: '中文' }).click()]);
    expect(await page.getByRole('button', { name: '同意' }).isVisible()).toBe(true);
  });

  it('denies: the callback gets the state and no code', async () => {
    const scene = await startScene();
    const page = await open('desktopChrome', authorizeUrl(scene, 'qrconnect', {}));
    await Promise.all([page.waitForURL(`${scene.callback.url}**`), page.getByRole('button', { name: '拒绝' }).click()]);
    expect([...(scene.callback.hits.at(-1) ?? new URLSearchParams())]).toEqual([['state', 'st8xyz']]);
    expect(scene.t.sim.storeSizes().oauthCodes).toBe(0);
  });

  it('keeps a name it cannot take in the browser: the form is not sent', async () => {
    const scene = await startScene();
    const page = await open('desktopChrome', authorizeUrl(scene, 'qrconnect', {}));
    await page.locator('input[name=user]').fill('alice smith');
    await page.locator('#wechat-approve button[type=submit]').click();
    expect(await page.locator('input[name=user]:invalid').count()).toBe(1);
    expect(scene.callback.hits).toHaveLength(0);
  });

  it('answers 42003 for a code older than 600 s and 40163 for a code used twice', async () => {
    const scene = await startScene();
    const first = await approveAs(scene, await open('desktopChrome', authorizeUrl(scene, 'qrconnect', {})), 'bob');
    const second = await approveAs(scene, await open('desktopChrome', authorizeUrl(scene, 'qrconnect', {})), 'bob');
    const exchange = (code: string | null) => scene.client.exchangeOAuthCode({ appId: WEB.appId, secret: WEB.secret, code: code ?? '' });
    await expect(exchange(second.get('code'))).resolves.toMatchObject({ openId: scene.t.sim.openIdOf(WEB.appId, 'bob') });
    await expect(exchange(second.get('code'))).rejects.toMatchObject({ code: 'wechat.code_invalid', errcode: 40163 });
    scene.t.advance(600_001);
    await expect(exchange(first.get('code'))).rejects.toMatchObject({ code: 'wechat.code_invalid', errcode: 42003 });
  });

  it('shows 10003 on the page for a callback outside the authorized domains, and never goes there', async () => {
    const scene = await startScene();
    const page = await open('desktopChrome', authorizeUrl(scene, 'qrconnect', { redirect_uri: 'https://evil.example/steal' }));
    expect(await textOf(page.locator('[data-errcode="10003"]'))).toBe('10003');
    expect(await textOf(page.getByRole('alert'))).toBe('redirect_uri 域名与后台配置不一致');
    await expectAccessible(page);
    await saveScreenshot(page, 'wechat-error-10003-zh-cn');
    expect(page.url()).toContain(scene.t.url);
  });
});

describe('official-account sign-in (/connect/oauth2/authorize) in WeChat', BROWSER_TIMEOUT, () => {
  it('approves snsapi_userinfo in English, and the user token reads the profile', async () => {
    const scene = await startScene();
    const page = await open('wechat', authorizeUrl(scene, 'oauth2/authorize', {}), 'en-US,en;q=0.9');
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toBe('WeChat authorization');
    await expectAccessible(page);
    await saveScreenshot(page, 'wechat-oauth2-authorize-en');
    const back = await approveAs(scene, page, 'carol');
    const identity = await scene.client.exchangeOAuthCode({ appId: OA.appId, secret: OA.secret, code: back.get('code') ?? '' });
    expect(identity.scope).toBe('snsapi_userinfo');
    const profile = await scene.client.fetchUserInfo({ appId: OA.appId, accessToken: identity.accessToken, openId: identity.openId });
    expect(profile).toMatchObject({ nickname: 'carol 🐼', unionId: scene.t.sim.unionIdOf('op-main', 'carol') });
  });

  it('shows the zh-CN page to the HarmonyOS build of WeChat for snsapi_base', async () => {
    const scene = await startScene();
    const page = await open('wechatHarmony', authorizeUrl(scene, 'oauth2/authorize', { scope: 'snsapi_base' }));
    expect(await page.getByRole('button', { name: '同意' }).isVisible()).toBe(true);
    await expectAccessible(page);
    await saveScreenshot(page, 'wechat-oauth2-authorize-zh-cn');
    const back = await approveAs(scene, page, 'dave');
    const identity = await scene.client.exchangeOAuthCode({ appId: OA.appId, secret: OA.secret, code: back.get('code') ?? '' });
    expect(identity).toMatchObject({ scope: 'snsapi_base', openId: scene.t.sim.openIdOf(OA.appId, 'dave') });
    expect(identity).not.toHaveProperty('unionId');
  });

  it('hands a snapshot-mode user a virtual openid, flagged, without unionid', async () => {
    const scene = await startScene();
    scene.t.sim.setUserFlags('sam', { snapshot: true });
    const page = await open('wecom', authorizeUrl(scene, 'oauth2/authorize', {}));
    const back = await approveAs(scene, page, 'sam');
    const identity = await scene.client.exchangeOAuthCode({ appId: OA.appId, secret: OA.secret, code: back.get('code') ?? '' });
    expect(identity).toMatchObject({ isSnapshotUser: true, openId: scene.t.sim.snapshotOpenIdOf(OA.appId, 'sam') });
    expect(identity).not.toHaveProperty('unionId');
  });

  it('shows 10005 for a website scope, in English', async () => {
    const scene = await startScene();
    const page = await open('wechatAndroid', authorizeUrl(scene, 'oauth2/authorize', { scope: 'snsapi_login' }), 'en');
    expect(await page.locator('[data-errcode="10005"]').isVisible()).toBe(true);
    expect(await textOf(page.getByRole('alert'))).toBe('This app has no permission for the requested scope');
    await expectAccessible(page);
    await saveScreenshot(page, 'wechat-error-10005-en');
    expect(scene.callback.hits).toHaveLength(0);
  });
});
