// The authorization endpoint with the hosted WeChat sign-in (design.md §10, issue 13 #1–#2): openid-client
// as an unmodified relying party (PKCE S256, state, nonce, RFC 9207 iss), a real Chromium on the hosted
// pages and the simulator's WeChat pages, tokens verified with jose against the JWKS.
import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { approveOnWeChat, registerRelyingParty, setUpBrowserApps, type RelyingParty } from '../support/browser-sign-in.ts';
import { openPage, saveScreenshot, useBrowser } from '../support/browser.ts';
import { verifyIdToken } from '../support/oidc-client.ts';
import { dumpPayloads, piecesIn } from '../support/payload-dump.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import type { Page } from 'playwright-core';

const browser = useBrowser();

async function getJson(url: string): Promise<Record<string, unknown>> {
  return (await (await fetch(url)).json()) as Record<string, unknown>;
}

/** From the RP's authorization URL through the hosted page and WeChat's, back at the RP's callback (consenting when asked). */
async function signInThroughBrowser(page: Page, rp: RelyingParty, user: string, options: { params?: Record<string, string>; screenshot?: string } = {}) {
  const started = await rp.start(options.params);
  await page.goto(started.url);
  const method = page.locator('[data-method="website-qr"]');
  await method.waitFor();
  if (options.screenshot !== undefined) await saveScreenshot(page, `${options.screenshot}-sign-in`);
  await method.click();
  await approveOnWeChat(page, user);
  if (page.url().includes('/interaction/')) {
    if (options.screenshot !== undefined) await saveScreenshot(page, `${options.screenshot}-consent`);
    await Promise.all([page.waitForURL(`${rp.site.callback}**`), page.locator('[data-consent="allow"]').click()]);
  }
  expect(page.url().startsWith(rp.site.callback)).toBe(true);
  return { landing: page.url(), started };
}

describe('discovery (issue 13 #1)', () => {
  it('tells the truth: the code flow with S256 only, iss in the response, logout, no endpoint that does not work', async () => {
    const app = await startTestApp();
    const doc = await getJson(`${app.baseUrl}/.well-known/openid-configuration`);
    expect(doc).toMatchObject({
      authorization_endpoint: `${app.issuer}/auth`,
      end_session_endpoint: `${app.issuer}/session/end`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(doc['grant_types_supported']).toContain('authorization_code');
    expect(doc['grant_types_supported']).not.toContain('implicit');
    expect(doc).not.toHaveProperty('pushed_authorization_request_endpoint');
    expect(doc).not.toHaveProperty('registration_endpoint');
  });
});

describe('openid-client as the relying party', () => {
  let app: TestApp;

  it('signs a person in on a desktop browser through website QR: consent, code + PKCE, a verified ID token with the nonce', async () => {
    app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { name: 'Demo Shop' });
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    const { landing, started } = await signInThroughBrowser(page, rp, 'alice', { screenshot: 'web-sign-in-desktop-en' });
    const params = new URL(landing).searchParams;
    expect(params.get('iss')).toBe(app.issuer);
    expect(params.get('state')).toBe(started.state);
    const tokens = await rp.finish(landing, started);
    const claims = await verifyIdToken(app.issuer, tokens.id_token ?? '', rp.clientId);
    expect(claims['nonce']).toBe(started.nonce);
    expect(claims['sub']).toMatch(/^[0-9a-f-]{36}$/);
    const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, String(claims['sub']));
    expect(userinfo.sub).toBe(claims['sub']);
    // Issue #15 finding 5: a copy of the database holds neither the code nor the opaque access token.
    const dump = await dumpPayloads(app);
    expect(piecesIn(dump, params.get('code') ?? '')).toEqual([]);
    expect(piecesIn(dump, tokens.access_token)).toEqual([]);
  });
});

describe('the authorization endpoint (RFC 9700)', () => {
  it('skips consent for a first-party client, answers prompt=none from the session, and asks again with prompt=login', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { firstParty: true, type: 'spa' });
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'zh-CN,zh;q=0.9' });
    const started = await rp.start();
    await page.goto(started.url);
    await saveScreenshot(page, 'web-sign-in-desktop-zh-sign-in');
    await page.locator('[data-method="website-qr"]').click();
    await approveOnWeChat(page, 'bob');
    // No consent page: WeChat's approval leads straight back to the application.
    expect(page.url().startsWith(rp.site.callback)).toBe(true);
    const first = await rp.finish(page.url(), started);
    const sub = first.claims()?.sub;

    const silent = await rp.start({ prompt: 'none' });
    await page.goto(silent.url);
    expect(page.url().startsWith(rp.site.callback)).toBe(true);
    expect((await rp.finish(page.url(), silent)).claims()?.sub).toBe(sub);

    const again = await rp.start({ prompt: 'login' });
    await page.goto(again.url);
    await page.locator('[data-method="website-qr"]').waitFor();
    expect(page.url()).toContain('/interaction/');
  });

  it('answers prompt=none without a session with login_required at the registered redirect URI', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app);
    const page = await openPage(browser(), { client: 'desktopChrome' });
    const started = await rp.start({ prompt: 'none' });
    await page.goto(started.url);
    const landing = new URL(page.url());
    expect(landing.origin + landing.pathname).toBe(rp.site.callback);
    expect(landing.searchParams.get('error')).toBe('login_required');
    expect(landing.searchParams.get('state')).toBe(started.state);
    expect(landing.searchParams.get('iss')).toBe(app.issuer);
  });

  it('remembers a third-party consent per grant: the second sign-in asks nothing', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app);
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'zh-CN' });
    await signInThroughBrowser(page, rp, 'carol', { screenshot: 'web-sign-in-desktop-zh' });
    const again = await rp.start();
    await page.goto(again.url);
    expect(page.url().startsWith(rp.site.callback)).toBe(true);
    expect((await rp.finish(page.url(), again)).id_token).toBeDefined();
  });

  it('sends nothing back when the person denies consent but access_denied', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app);
    const page = await openPage(browser(), { client: 'desktopChrome' });
    const started = await rp.start();
    await page.goto(started.url);
    await page.locator('[data-method="website-qr"]').click();
    await approveOnWeChat(page, 'dave');
    await Promise.all([page.waitForURL(`${rp.site.callback}**`), page.locator('[data-consent="deny"]').click()]);
    const landing = new URL(page.url());
    expect(landing.searchParams.get('error')).toBe('access_denied');
    expect(landing.searchParams.has('code')).toBe(false);
  });

  it('refuses an authorization request without PKCE, and with plain PKCE (invalid_request at the redirect URI)', async () => {
    const app = await startTestApp();
    const rp = await registerRelyingParty(app);
    for (const params of [{}, { code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) }]) {
      const url = new URL(`${app.baseUrl}/auth`);
      for (const [name, value] of Object.entries({ client_id: rp.clientId, response_type: 'code', scope: 'openid', redirect_uri: rp.site.callback, state: 'xyz', ...params })) url.searchParams.set(name, value);
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location') ?? '');
      expect(location.origin + location.pathname).toBe(rp.site.callback);
      expect(location.searchParams.get('error')).toBe('invalid_request');
    }
  });

  it('refuses implicit and hybrid response types', async () => {
    const app = await startTestApp();
    const rp = await registerRelyingParty(app);
    for (const responseType of ['token', 'id_token', 'code id_token']) {
      const url = new URL(`${app.baseUrl}/auth`);
      for (const [name, value] of Object.entries({ client_id: rp.clientId, response_type: responseType, scope: 'openid', redirect_uri: rp.site.callback, nonce: 'n', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })) url.searchParams.set(name, value);
      const response = await fetch(url, { redirect: 'manual' });
      const location = response.headers.get('location') ?? '';
      expect(location).not.toContain('access_token=');
      expect(location).not.toContain('id_token=');
      expect(response.status === 400 || /error=unsupported_response_type|error=unauthorized_client/.test(location)).toBe(true);
    }
  });

  it('shows an error page and redirects nowhere for a redirect_uri that is not registered exactly', async () => {
    const app = await startTestApp();
    const rp = await registerRelyingParty(app);
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    for (const redirectUri of [`${rp.site.callback}/evil`, `${rp.site.callback}?x=1`, 'https://attacker.example/callback']) {
      const started = await rp.start({ redirect_uri: redirectUri });
      const response = await page.goto(started.url);
      expect(response?.status()).toBe(400);
      expect(new URL(page.url()).origin).toBe(app.baseUrl);
      await page.locator('[data-failure="request"]').waitFor();
    }
    await saveScreenshot(page, 'web-error-redirect-uri-en');
    expect(rp.site.hits).toEqual([]);
  });

  it('refuses a code issued to client A when client B redeems it, and a code redeemed twice', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const a = await registerRelyingParty(app, { firstParty: true });
    const b = await registerRelyingParty(app, { firstParty: true });
    const page = await openPage(browser(), { client: 'desktopChrome' });
    const started = await a.start();
    await page.goto(started.url);
    await page.locator('[data-method="website-qr"]').click();
    await approveOnWeChat(page, 'erin');
    const code = new URL(page.url()).searchParams.get('code') ?? '';
    const asB = await fetch(`${app.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${b.clientId}:${b.clientSecret ?? ''}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: b.site.callback, code_verifier: started.verifier }).toString(),
    });
    expect(asB.status).toBe(400);
    expect(((await asB.json()) as { error: string }).error).toBe('invalid_grant');
    // B's attempt does not help B; A redeems its own code once, and never twice.
    await a.finish(page.url(), started);
    await expect(a.finish(page.url(), started)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('signs out through RP-initiated logout to a registered post_logout_redirect_uri; prompt=none then needs a login', async () => {
    const app = await startTestApp();
    await setUpBrowserApps(app);
    const rp = await registerRelyingParty(app, { firstParty: true });
    const page = await openPage(browser(), { client: 'desktopChrome', acceptLanguage: 'en' });
    const { landing, started } = await signInThroughBrowser(page, rp, 'frank');
    const tokens = await rp.finish(landing, started);
    const logout = oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: rp.site.loggedOut, state: 'bye' });
    await page.goto(logout.href);
    await page.locator('[data-logout="confirm"]').waitFor();
    await saveScreenshot(page, 'web-logout-en');
    await Promise.all([page.waitForURL(`${rp.site.loggedOut}**`), page.locator('[data-logout="confirm"]').click()]);
    expect(new URL(page.url()).searchParams.get('state')).toBe('bye');
    const silent = await rp.start({ prompt: 'none' });
    await page.goto(silent.url);
    expect(new URL(page.url()).searchParams.get('error')).toBe('login_required');
  });

  it('does not send the browser to an unregistered post_logout_redirect_uri', async () => {
    const app = await startTestApp();
    const rp = await registerRelyingParty(app);
    const url = new URL(`${app.baseUrl}/session/end`);
    url.searchParams.set('client_id', rp.clientId);
    url.searchParams.set('post_logout_redirect_uri', 'https://attacker.example/');
    const response = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
