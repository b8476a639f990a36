// max_age (OpenID Connect Core §3.1.2.1, issue 13 #1): with a session, max_age=0 still asks for a fresh
// sign-in, and the ID token then carries auth_time (§2: REQUIRED when max_age was requested); a max_age
// the session is younger than signs in without a page.
import { describe, expect, it } from 'vitest';
import { approveOnWeChat, registerRelyingParty, setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, useBrowser } from '../support/browser.ts';
import { startTestApp } from '../support/test-app.ts';

const browser = useBrowser();

describe('GET /auth max_age', () => {
  it('forces a fresh sign-in with max_age=0 despite a session, and the ID token carries auth_time', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { firstParty: true, scope: 'openid' });
    const page = await openPage(browser(), { client: 'desktopChrome' });

    const first = await rp.start();
    await page.goto(first.url);
    await page.locator('[data-method="website-qr"]').click();
    await approveOnWeChat(page, 'maxine');
    const firstClaims = (await rp.finish(page.url(), first)).claims();

    // A max_age the session is younger than: back at the RP without any page.
    const lenient = await rp.start({ max_age: '3600' });
    await page.goto(lenient.url);
    expect(page.url().startsWith(rp.site.callback)).toBe(true);
    const lenientClaims = (await rp.finish(page.url(), lenient)).claims();
    expect(lenientClaims?.sub).toBe(firstClaims?.sub);
    expect(typeof lenientClaims?.auth_time).toBe('number');

    // max_age=0: the hosted sign-in page again, although the session exists.
    const fresh = await rp.start({ max_age: '0' });
    await page.goto(fresh.url);
    await page.locator('[data-method="website-qr"]').waitFor();
    expect(page.url()).toContain('/interaction/');
    await page.locator('[data-method="website-qr"]').click();
    await approveOnWeChat(page, 'maxine');
    const freshClaims = (await rp.finish(page.url(), fresh)).claims();
    expect(freshClaims?.sub).toBe(firstClaims?.sub);
    expect(typeof freshClaims?.auth_time).toBe('number');
    expect(freshClaims?.auth_time).toBeGreaterThanOrEqual(Number(lenientClaims?.auth_time));
  });
});
