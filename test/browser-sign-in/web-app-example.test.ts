// examples/web-app (issue 13 #5): the example application, unmodified, signs a person in and out in
// Chromium against a running wxbridge — the commands README "Sign in on the web" gives.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWebApp } from '../../examples/web-app/app.ts';
import { findFreePort } from '../../src/db/postmaster.ts';
import { approveOnWeChat, setUpBrowserApps } from '../support/browser-sign-in.ts';
import { openPage, useBrowser } from '../support/browser.ts';
import { startTestApp } from '../support/test-app.ts';

const browser = useBrowser();

describe('examples/web-app', () => {
  it('signs in with WeChat (website QR) and signs out again', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const port = await findFreePort();
    const origin = `http://127.0.0.1:${port}`;
    await app.admin.clients.register({ type: 'spa', clientId: 'example-web', redirectUris: [`${origin}/callback`], postLogoutRedirectUris: [`${origin}/`], firstParty: true });
    const server = await createWebApp({ issuer: app.issuer, clientId: 'example-web', origin });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));

    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    await page.goto(`${origin}/`);
    await page.locator('#login').click();
    await page.locator('[data-method="website-qr"]').click();
    await approveOnWeChat(page, 'nina');
    await page.locator('#sub').waitFor();
    expect(await page.locator('#sub').textContent()).toMatch(/^[0-9a-f-]{36}$/);

    await page.locator('#logout').click();
    await Promise.all([page.waitForURL(`${origin}/**`), page.locator('[data-logout="confirm"]').click()]);
    await page.locator('#login').waitFor();
  });
});
