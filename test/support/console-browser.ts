/**
 * The console (issue 14) in Chromium, shared by the console test files: signing in through the hosted
 * sign-in, axe-core plus a screenshot, and the same page again in English and in Chinese.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { approveOnWeChat } from './browser-sign-in.ts';
import { accessibilityViolations, openPage, saveScreenshot } from './browser.ts';

/** From a console URL through the hosted sign-in (website QR) as `user`, to where the console lands. */
export async function signInToConsole(page: Page, url: string, user: string): Promise<void> {
  await page.goto(url);
  await page.locator('[data-method="website-qr"]').click();
  await approveOnWeChat(page, user);
  // A person new to a deployment that also has a mini-program chooses first: link or create (issue 17 #2).
  // The admins of these tests are new people: they create their account.
  // A console page, not a step of the sign-in redirects (a goto during those would be cut short).
  const inConsole = (landing: URL): boolean => landing.pathname.startsWith('/console/') && !/^\/console\/(callback|sign-in|invite\/)/.test(landing.pathname);
  const bindPage = page.locator('[data-bind-or-register]');
  // Whichever comes first; the other wait is abandoned, so its later rejection is swallowed here.
  await Promise.race([page.waitForURL(inConsole).catch(() => undefined), bindPage.waitFor().catch(() => undefined)]);
  if (!inConsole(new URL(page.url())) && await bindPage.count() > 0) await page.locator('[data-action="create-new"]').click();
  await page.waitForURL(inConsole);
  await page.waitForLoadState('load');
}

/** No serious or critical axe-core violation, and a screenshot under test-results/screenshots/<name>.png. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
  await saveScreenshot(page, name);
}

/**
 * The page again in English and in Chinese, each in a fresh browser context holding this one's cookies (the
 * session travels; Accept-Language is fixed per context). A load may pass through sign-in again: waits
 * until it is back on the same path.
 */
export async function inBothLanguages(browser: Browser, page: Page, name: string): Promise<void> {
  const target = new URL(page.url());
  for (const [language, suffix] of [['en', 'en'], ['zh-CN,zh;q=0.9', 'zh']] as const) {
    const other = await openPage(browser, { client: 'desktopChrome', acceptLanguage: language });
    await other.context().addCookies(await page.context().cookies());
    await other.goto(target.href);
    await other.waitForURL((url) => url.pathname === target.pathname);
    await other.waitForLoadState('load');
    await other.locator('h1').waitFor();
    expect(await other.locator('html').getAttribute('lang')).toBe(suffix === 'en' ? 'en' : 'zh-CN');
    await expectAccessible(other, `${name}-${suffix}`);
  }
}

/** Clicks the submit button named `button` and answers the status of the console POST it sends (the page then shows its answer). */
export async function submitForm(page: Page, button: string): Promise<number> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/console/')),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return response.status();
}

/** A new admin, in through a fresh invitation as `user` (English pages), and their sub. */
export async function signInAsNewAdmin(browser: Browser, app: { issuer: string; admin: { admins: { invite(): Promise<{ token: string }> } } }, user: string): Promise<{ page: Page; adminSub: string }> {
  const page = await openPage(browser, { client: 'desktopChrome', acceptLanguage: 'en' });
  await signInToConsole(page, `${app.issuer}/console/invite/${(await app.admin.admins.invite()).token}`, user);
  return { page, adminSub: (await page.locator('[data-sub]').first().textContent()) ?? '' };
}
