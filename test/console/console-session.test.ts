// Console sessions outlive the 5-minute admin token (issue 14 #2, ADR 0025 addendum), driven in Chromium:
// the console refreshes the token server-side (one refresh for two concurrent requests; a request that needs
// none takes no `select … for update`), a session ends after the idle timeout or the absolute lifetime and
// signs in again back to the page asked for, a revoked role still ends it, and the page to return to can
// never lead off the console.
//
// Time: oidc-provider stamps the tokens it mints with Date.now() (src/clock.ts), while the console and the
// admin API read the app's clock. The test clock is Date.now() plus an offset, so these tests move Date
// itself (only Date is faked; timers run for real): both clocks then agree, and a refreshed token is fresh
// to the admin API as it would be in production. Nothing here sleeps.
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { runCli } from '../support/cli-process.ts';
import { signInToConsole } from '../support/console-browser.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { randomAppId, randomSecret } from '../support/wechat-fixtures.ts';

const browser = useBrowser();
const MINUTE = 60_000;

beforeEach(() => { vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true }); });
afterEach(() => { vi.useRealTimers(); });

/** Moves the wall clock, and with it the app's clock, `ms` ahead. */
const advance = (ms: number): void => { vi.setSystemTime(Date.now() + ms); };

interface SignedIn { readonly app: TestApp; readonly page: Page; readonly adminSub: string; readonly authorizationRequests: string[] }

async function signedInAdmin(env: Record<string, string> = {}, database?: TestDatabase): Promise<SignedIn> {
  const app = await startTestApp({ env, ...(database === undefined ? {} : { database }) });
  await setUpBrowserApps(app);
  const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
  await signInToConsole(page, `${app.issuer}/console/invite/${(await app.admin.admins.invite()).token}`, 'erin');
  const adminSub = (await page.locator('[data-sub]').first().textContent()) ?? '';
  // Every pass through the authorization endpoint from here on is a new sign-in.
  const authorizationRequests: string[] = [];
  page.on('request', (request) => { if (new URL(request.url()).pathname === '/auth') authorizationRequests.push(request.url()); });
  return { app, page, adminSub, authorizationRequests };
}

async function openConsolePage(page: Page, url: string): Promise<number | undefined> {
  const response = await page.goto(url);
  await page.waitForLoadState('load');
  return response?.status();
}

const refreshes = async (app: TestApp): Promise<number> =>
  (await app.admin.audit.query({ action: 'token.refresh', limit: 50 })).items.filter((item) => item.clientId === 'wxbridge-console' && item.outcome === 'success').length;

// Each test starts an app and signs an admin in through the browser: well past 30 s on a loaded machine.
describe('console: sessions outlive the admin token', { timeout: 120_000 }, () => {
  it('loads a page and saves a form after the access token expired, without a new sign-in', async () => {
    const { app, page, adminSub, authorizationRequests } = await signedInAdmin();
    advance(6 * MINUTE); // past the 300 s admin token
    expect(await openConsolePage(page, `${app.issuer}/console/apps`)).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/console/apps');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('WeChat apps');

    advance(6 * MINUTE); // expired again while the form was being filled in
    const appId = randomAppId();
    await page.getByLabel('AppID').fill(appId);
    await page.getByLabel('AppSecret').fill(randomSecret());
    await page.getByRole('button', { name: 'Add app' }).click();
    await page.waitForURL((url) => url.searchParams.get('saved') === appId);
    await saveScreenshot(page, 'console-session-saved-after-expiry-en');
    expect(authorizationRequests).toEqual([]);
    await expect.poll(async () => (await app.admin.audit.query({ action: 'app.upsert', limit: 10 })).items.find((event) => event.target === appId))
      .toMatchObject({ actor: adminSub, clientId: 'wxbridge-console', outcome: 'success' });
    // Both expiries were met by a server-side refresh.
    await expect.poll(() => refreshes(app)).toBe(2);
  });

  it('refreshes once for two concurrent requests, and the session goes on working (no refresh-token reuse)', async () => {
    const { app, page, authorizationRequests } = await signedInAdmin();
    advance(6 * MINUTE);
    const [first, second] = await Promise.all([
      page.request.get(`${app.issuer}/console/apps`, { maxRedirects: 0 }),
      page.request.get(`${app.issuer}/console/clients`, { maxRedirects: 0 }),
    ]);
    expect([first.status(), second.status()]).toEqual([200, 200]);
    await expect.poll(() => refreshes(app)).toBe(1);
    // The grant is alive: the rotated refresh token works at the next expiry.
    advance(6 * MINUTE);
    expect(await openConsolePage(page, `${app.issuer}/console/keys`)).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/console/keys');
    expect(authorizationRequests).toEqual([]);
    await expect.poll(() => refreshes(app)).toBe(2);
    const reuse = await app.admin.audit.query({ action: 'token.refresh', limit: 50 });
    expect(reuse.items.filter((item) => item.outcome === 'failure')).toEqual([]);
  });

  it('serves a request that needs no refresh without taking its session row with select … for update', async () => {
    // Every connection of the app gives up a lock wait after 3 s, so a request that waits for the row fails
    // instead of hanging; the app has not connected yet, so all of its connections take the setting.
    const database = await createTestDatabase();
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query(`alter database ${pg.escapeIdentifier(database.name)} set lock_timeout = '3s'`);
    const { app, page, authorizationRequests } = await signedInAdmin({}, database);
    try {
      // FOR KEY SHARE conflicts with select … for update, not with a plain update of the row's other columns.
      await holder.query('begin');
      const held = await holder.query<{ expires_at: Date }>('select expires_at from console_sessions where account_id is not null for key share');
      expect(held.rows).toHaveLength(1);
      advance(MINUTE); // the access token is still fresh: no refresh is needed
      expect(await openConsolePage(page, `${app.issuer}/console/apps`)).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('WeChat apps');
      expect(authorizationRequests).toEqual([]);
      // And the idle expiry still slid on with the request.
      const after = await holder.query<{ expires_at: Date }>('select expires_at from console_sessions where account_id is not null');
      expect(after.rows[0]?.expires_at.getTime()).toBeGreaterThan(held.rows[0]?.expires_at.getTime() ?? Infinity);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
  });

  it('after the idle timeout signs in again and returns to the page asked for', async () => {
    const { app, page, authorizationRequests } = await signedInAdmin();
    advance(31 * MINUTE); // past WXBRIDGE_CONSOLE_IDLE_TIMEOUT (30 min)
    await page.goto(`${app.issuer}/console/audit?action=app.upsert`);
    // wxbridge's own session still knows the admin: the sign-in passes without WeChat.
    await page.waitForURL((url) => url.pathname === '/console/audit' && url.searchParams.get('action') === 'app.upsert');
    await page.waitForLoadState('load');
    expect(authorizationRequests).toHaveLength(1);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Audit log');
  });

  it('ends a session at its absolute lifetime however active the admin is', async () => {
    const { app, page, authorizationRequests } = await signedInAdmin({ WXBRIDGE_CONSOLE_SESSION_LIFETIME: '3600', WXBRIDGE_CONSOLE_IDLE_TIMEOUT: '1800' });
    for (let minute = 20; minute < 60; minute += 20) {
      advance(20 * MINUTE);
      expect(await openConsolePage(page, `${app.issuer}/console/apps`)).toBe(200);
    }
    advance(19 * MINUTE); // 59 minutes in: still the same session
    expect(await openConsolePage(page, `${app.issuer}/console/clients`)).toBe(200);
    expect(authorizationRequests).toEqual([]);
    advance(2 * MINUTE); // 61 minutes: past the lifetime, though the last request was 2 minutes ago
    await page.goto(`${app.issuer}/console/keys`);
    await page.waitForURL((url) => url.pathname === '/console/keys');
    await page.waitForLoadState('load');
    expect(authorizationRequests).toHaveLength(1);
  });

  it('still ends the session at the next request when the role is revoked, though the tokens are refreshable', async () => {
    const { app, page, adminSub } = await signedInAdmin();
    advance(6 * MINUTE);
    expect(await openConsolePage(page, `${app.issuer}/console/apps`)).toBe(200);
    expect((await runCli(app, ['users', 'revoke-admin', adminSub])).code).toBe(0);
    expect(await openConsolePage(page, `${app.issuer}/console/apps`)).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('No access');
    expect((await page.context().cookies()).find((cookie) => cookie.name === 'wxbridge_console')).toBeUndefined();
    advance(6 * MINUTE); // and a refresh does not bring it back
    await page.goto(`${app.issuer}/console/apps`);
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('No access');
  });

  it('returns after a sign-in only to a console page: never off the console or the origin', async () => {
    const { app, page } = await signedInAdmin();
    await page.goto(`${app.issuer}/console/sign-in?returnTo=${encodeURIComponent('/console/keys')}`);
    await page.waitForURL((url) => url.pathname === '/console/keys');
    for (const returnTo of ['/console/../../evil', '//evil.example', 'https://evil.example', '/console/%2e%2e/evil', '/\\evil.example']) {
      await page.goto(`${app.issuer}/console/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
      await page.waitForURL((url) => url.pathname === '/console/overview');
      expect(new URL(page.url()).origin, returnTo).toBe(app.issuer);
    }
  });
});
