// "Scan with the mini-program" (issue 13 #3, "Done when"): the browser shows a mini-program code whose
// scene is a 120 s single-use ticket; the test plays the phone through packages/miniprogram-sdk against
// the same server. Confirm, reject, expiry, replay, a foreign browser and another app's client — in Chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createWxBridge, WxBridgeError, type WxBridge } from '../../packages/miniprogram-sdk/src/index.ts';
import { createFakeWx } from '../sdk/fake-wx.ts';
import { registerRelyingParty, type RelyingParty } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { queryDatabase, setUpMiniProgram, type MiniProgram } from '../support/wechat-fixtures.ts';

const browser = useBrowser();
const WEB_SIGN_IN_PAGE = 'pages/web-sign-in/index';

/** A mini-program that has published its web sign-in page, and a first-party web client. */
async function arrange(env: Record<string, string> = {}): Promise<{ app: TestApp; mp: MiniProgram; rp: RelyingParty }> {
  const app = await startTestApp({ env });
  const mp = await setUpMiniProgram(app, { scope: 'openid profile' });
  app.wechat.registerApp({ appId: mp.appId, secret: mp.secret, kind: 'miniprogram', pages: ['pages/index/index', WEB_SIGN_IN_PAGE] });
  const rp = await registerRelyingParty(app, { firstParty: true, scope: 'openid', name: 'Demo Shop' });
  return { app, mp, rp };
}

function phoneOf(app: TestApp, mp: MiniProgram, user: string): WxBridge {
  return createWxBridge({ issuer: app.issuer, clientId: mp.clientId, scope: 'openid profile', wx: createFakeWx(app, mp.appId, user) });
}

/** Opens the RP's request in a desktop browser, picks the scan method, and reads the code's scene. */
async function showCode(rp: RelyingParty, options: { language?: string; page?: Page } = {}) {
  const page = options.page ?? await openPage(browser(), { client: 'desktopChrome', ...(options.language === undefined ? {} : { acceptLanguage: options.language }) });
  const started = await rp.start();
  await page.goto(started.url);
  await page.locator('[data-method="miniprogram-scan"]').click();
  // The code, or an error page: a failure says which, instead of a bare locator timeout.
  await page.locator('img[data-scene], [data-failure]').first().waitFor({ timeout: 60_000 });
  const failure = await page.locator('[data-failure]').getAttribute('data-failure', { timeout: 1 }).catch(() => null);
  if (failure !== null) throw new Error(`the scan page failed (${failure}): ${await page.locator('body').innerText()}`);
  const scene = await page.locator('img[data-scene]').getAttribute('data-scene') ?? '';
  return { page, started, scene };
}

const codesMade = (app: TestApp): number => app.wechat.requests.filter((r) => r.endpoint === 'getwxacodeunlimit').length;
const sceneOf = async (page: Page): Promise<string> => await page.locator('img[data-scene]').getAttribute('data-scene') ?? '';

/** Goes to the scan page of the interaction open in `page` (as "scan again" does); its status and failure, if any. */
async function openScanAgain(page: Page) {
  const uid = new URL(page.url()).pathname.split('/')[2] ?? '';
  const response = await page.goto(new URL(`/interaction/${uid}/wechat/miniprogram-scan`, page.url()).href);
  return { status: response?.status(), retryAfter: response?.headers()['retry-after'], failure: await page.locator('[data-failure]').getAttribute('data-failure', { timeout: 1_000 }).catch(() => null) };
}

const statusOf = (page: Page): Promise<string | null> => page.locator('[data-scan-status]').getAttribute('data-scan-status');

// Each test starts an app, a browser page and a phone: on a loaded machine (the full suite) that is well past 30 s.
describe('scan with the mini-program', { timeout: 90_000 }, () => {
  it('signs the browser in as the mini-program user who confirms, with the same sub', async () => {
    const { app, mp, rp } = await arrange();
    const { page, started, scene } = await showCode(rp, { language: 'zh-CN,zh;q=0.9' });
    expect(scene).toMatch(/^[A-Za-z0-9_-]{32}$/);
    // The code was made for this scene and the configured page, with the app's central access token.
    expect(app.wechat.requests.filter((r) => r.endpoint === 'getwxacodeunlimit').at(-1)).toMatchObject({ scene });
    await saveScreenshot(page, 'web-sign-in-scan-zh');

    const phone = phoneOf(app, mp, 'wendy');
    const miniProgramSub = (await phone.login())?.['sub'];
    await expect(phone.webSignIn(scene)).resolves.toMatchObject({ status: 'scanned', clientId: rp.clientId, clientName: 'Demo Shop' });
    await page.locator('[data-scan-status="scanned"]').waitFor();
    await Promise.all([page.waitForURL((url) => url.href.startsWith(rp.site.callback)), phone.confirmWebSignIn(scene)]);

    const tokens = await rp.finish(page.url(), started);
    expect(tokens.claims()?.sub).toBe(miniProgramSub);
    // The website's own token is no mini-program client's: it cannot answer a code.
    const webAnswer = await fetch(`${app.issuer}/me/web-sign-ins/${scene}/confirm`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(webAnswer.status).toBe(403);
    const audit = await queryDatabase<{ action: string; outcome: string; reason: string | null }>(app, "select action, outcome, reason from audit_events where action like 'web_sign_in.%' order by at");
    expect(audit).toEqual([
      { action: 'web_sign_in.confirm', outcome: 'success', reason: null },
      { action: 'web_sign_in.confirm', outcome: 'failure', reason: 'web_sign_in.wrong_app' },
    ]);
  });

  it('shows the rejection and lands nowhere when the phone rejects', async () => {
    const { app, mp, rp } = await arrange();
    const { page, scene } = await showCode(rp, { language: 'en-US,en;q=0.9' });
    await saveScreenshot(page, 'web-sign-in-scan-en');
    await phoneOf(app, mp, 'rita').rejectWebSignIn(scene);
    await page.locator('[data-scan-status="rejected"]').waitFor();
    expect(await page.locator('[data-action="scan-again"]').isVisible()).toBe(true);
    await saveScreenshot(page, 'web-sign-in-scan-rejected-en');
    expect(rp.site.hits.filter((hit) => hit.pathname === '/callback')).toEqual([]);
  });

  it('expires the ticket after 120 s: the browser says so and the phone is refused', async () => {
    const { app, mp, rp } = await arrange();
    const { page, scene } = await showCode(rp);
    app.clock.advance(121_000);
    await page.locator('[data-scan-status="expired"]').waitFor();
    await saveScreenshot(page, 'web-sign-in-scan-expired-zh');
    await expect(phoneOf(app, mp, 'eve').confirmWebSignIn(scene)).rejects.toMatchObject({ statusCode: 410, error: 'web_sign_in_expired' });
    expect(rp.site.hits.filter((hit) => hit.pathname === '/callback')).toEqual([]);
  });

  it('refuses a replayed confirmation, and an unknown scene, with a 4xx', async () => {
    const { app, mp, rp } = await arrange();
    const { page, scene } = await showCode(rp);
    const phone = phoneOf(app, mp, 'pat');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(rp.site.callback)), phone.confirmWebSignIn(scene)]);
    const replay = phone.confirmWebSignIn(scene);
    await expect(replay).rejects.toBeInstanceOf(WxBridgeError);
    await expect(replay).rejects.toMatchObject({ statusCode: 409, error: 'web_sign_in_used' });
    await expect(phone.rejectWebSignIn(scene)).rejects.toMatchObject({ statusCode: 409 });
    await expect(phone.confirmWebSignIn('A'.repeat(32))).rejects.toMatchObject({ statusCode: 404, error: 'web_sign_in_unknown' });
    await expect(phone.confirmWebSignIn('not a scene')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('does not let a ticket confirmed for one browser complete another browser\'s interaction', async () => {
    const { app, mp, rp } = await arrange();
    const victim = await showCode(rp);
    const attacker = await showCode(rp);
    const attackerUid = new URL(attacker.page.url()).pathname.split('/')[2] ?? '';
    // The attacker keeps their confirmed ticket instead of letting their own browser complete with it.
    await attacker.page.close();
    await phoneOf(app, mp, 'mallory').confirmWebSignIn(attacker.scene);

    // The victim's browser, sent to complete its own interaction with the attacker's scene: refused.
    const victimUid = new URL(victim.page.url()).pathname.split('/')[2] ?? '';
    const withOwnInteraction = await victim.page.goto(`${app.issuer}/interaction/${victimUid}/scan/${attacker.scene}/complete`);
    expect(withOwnInteraction?.status()).toBe(400);
    expect(await victim.page.locator('[data-failure]').getAttribute('data-failure')).toBe('state');
    // …and sent to the attacker's interaction: its cookie finds no such interaction.
    const withForeignInteraction = await victim.page.goto(`${app.issuer}/interaction/${attackerUid}/scan/${attacker.scene}/complete`);
    expect(withForeignInteraction?.status()).toBe(400);
    expect(await victim.page.locator('[data-failure]').getAttribute('data-failure')).toBe('session');
    expect(rp.site.hits.filter((hit) => hit.pathname === '/callback')).toEqual([]);
  });

  it('refuses a token of another mini-program\'s client', async () => {
    const { app, mp, rp } = await arrange();
    const { page, scene } = await showCode(rp);
    // Registered after the code was shown: the page signs in with the first mini-program by appid (ADR 0019).
    const stranger = await setUpMiniProgram(app, { scope: 'openid profile' });
    await expect(phoneOf(app, stranger, 'sam').confirmWebSignIn(scene)).rejects.toMatchObject({ statusCode: 403, error: 'web_sign_in_wrong_app' });
    await expect(phoneOf(app, stranger, 'sam').webSignIn(scene)).rejects.toMatchObject({ statusCode: 403 });
    expect(await statusOf(page)).toBe('pending');
    // The rightful user can still answer afterwards.
    await Promise.all([page.waitForURL((url) => url.href.startsWith(rp.site.callback)), phoneOf(app, mp, 'sam').confirmWebSignIn(scene)]);
  });

  it('shows the same code again on a reload without asking WeChat, and a new one only once the ticket is over, at most 5 per interaction', async () => {
    const { app, mp, rp } = await arrange();
    const { page, scene } = await showCode(rp);
    expect(codesMade(app)).toBe(1);
    await page.reload();
    expect(await sceneOf(page)).toBe(scene);
    expect(codesMade(app)).toBe(1);

    // Expired: "scan again" mints a new ticket and code.
    app.clock.advance(121_000);
    await page.locator('[data-scan-status="expired"]').waitFor();
    await page.locator('[data-action="scan-again"]').click();
    const second = await sceneOf(page);
    expect(second).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(second).not.toBe(scene);
    expect(codesMade(app)).toBe(2);

    // Rejected tickets are over too; the interaction's fifth code is its last.
    let current = second;
    for (let made = 3; made <= 5; made += 1) {
      await phoneOf(app, mp, 'rob').rejectWebSignIn(current);
      await openScanAgain(page);
      current = await sceneOf(page);
      expect(codesMade(app)).toBe(made);
    }
    await phoneOf(app, mp, 'rob').rejectWebSignIn(current);
    await expect(openScanAgain(page)).resolves.toMatchObject({ status: 429, failure: 'throttled' });
    expect(codesMade(app)).toBe(5);
  });

  it('limits the codes minted per address: 429 with Retry-After and a clear page, without calling WeChat', async () => {
    const { app, rp } = await arrange({ WXBRIDGE_RATE_LIMIT_SCAN_CODES_PER_IP: '2' });
    // Limits count in fixed 60 s windows: start just after a window begins, so that no window ends between
    // the codes this test counts (one did, once, when they happened to straddle a minute).
    const windowMs = 60_000;
    app.clock.advance(windowMs - (app.clock.now() % windowMs) + 1_000);
    const first = await showCode(rp, { language: 'en-US,en;q=0.9' });
    await showCode(rp);
    expect(codesMade(app)).toBe(2);

    const third = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en-US,en;q=0.9' });
    await third.goto((await rp.start()).url);
    await expect(openScanAgain(third)).resolves.toMatchObject({ status: 429, failure: 'throttled', retryAfter: expect.stringMatching(/^[1-9][0-9]*$/) });
    expect(await third.locator('body').innerText()).toContain('Too many attempts. Please try again shortly.');
    await saveScreenshot(third, 'web-sign-in-scan-throttled-en');
    expect(codesMade(app)).toBe(2);

    // A reload of a page already showing its code mints nothing, so it is not refused.
    await first.page.reload();
    expect(await sceneOf(first.page)).toBe(first.scene);
    // The next window allows codes again.
    app.clock.advance(windowMs + 1_000);
    await expect(openScanAgain(third)).resolves.toMatchObject({ status: 200, failure: null });
    expect(codesMade(app)).toBe(3);
  });

  it('shows the code of the mini-program the client chose, and refuses a choice that is no mini-program app', async () => {
    const { app, mp } = await arrange();
    // An appid after any random one: "the first by appid" would not pick it.
    const chosen = await setUpMiniProgram(app, { appId: 'wxffffffffffffff01', scope: 'openid profile' });
    app.wechat.registerApp({ appId: chosen.appId, secret: chosen.secret, kind: 'miniprogram', pages: [WEB_SIGN_IN_PAGE] });
    const rp = await registerRelyingParty(app, { firstParty: true, scope: 'openid', scanAppId: chosen.appId });
    const { page, started, scene } = await showCode(rp);
    expect(await queryDatabase<{ app_id: string }>(app, 'select app_id from web_sign_in_tickets')).toEqual([{ app_id: chosen.appId }]);
    // The first mini-program's users cannot answer it; the chosen one's can.
    await expect(phoneOf(app, mp, 'uma').confirmWebSignIn(scene)).rejects.toMatchObject({ statusCode: 403, error: 'web_sign_in_wrong_app' });
    await Promise.all([page.waitForURL((url) => url.href.startsWith(rp.site.callback)), phoneOf(app, chosen, 'uma').confirmWebSignIn(scene)]);
    await expect(rp.finish(page.url(), started)).resolves.toMatchObject({ token_type: expect.stringMatching(/bearer/i) });

    await expect(registerRelyingParty(app, { scanAppId: 'wx0123456789abcdef' })).rejects.toMatchObject({ code: 'client.invalid_metadata' });
    const admin = await app.admin.clients.register({ type: 'web', clientId: 'scan-app-admin', redirectUris: ['https://rp.example/cb'], scanAppId: mp.appId });
    expect(admin.clientId).toBe('scan-app-admin');
  });
});
