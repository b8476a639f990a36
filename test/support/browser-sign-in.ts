/**
 * Browser sign-in as an operator and a relying party set it up (design.md §10): a website app and an
 * official account in the simulator and in wxbridge's registry (under one Open Platform), a browser
 * client registered through the admin services, and openid-client as an unmodified RP — PKCE S256,
 * state, nonce — with its redirect URI on a local HTTP server the browser really lands on.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import type { Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import type { TestApp } from './test-app.ts';
import { discover } from './oidc-client.ts';
import { randomAppId, randomName, randomSecret } from './wechat-fixtures.ts';

export interface BrowserApps {
  readonly website: { appId: string; secret: string };
  readonly officialAccount: { appId: string; secret: string };
  readonly openPlatformId: string;
}

/** A website app and an official account, both bound to `openPlatformId`, in the simulator and the registry. */
export async function setUpBrowserApps(app: TestApp, openPlatformId = randomName('op')): Promise<BrowserApps> {
  const website = { appId: randomAppId(), secret: randomSecret() };
  const officialAccount = { appId: randomAppId(), secret: randomSecret() };
  app.wechat.registerApp({ ...website, kind: 'web', openPlatformId, name: 'Demo website', redirectDomains: ['127.0.0.1'] });
  app.wechat.registerApp({ ...officialAccount, kind: 'official_account', openPlatformId, name: 'Demo official account', redirectDomains: ['127.0.0.1'] });
  await app.admin.apps.upsert({ ...website, kind: 'web', openPlatformId });
  await app.admin.apps.upsert({ ...officialAccount, kind: 'official_account', openPlatformId });
  return { website, officialAccount, openPlatformId };
}

/** The relying party's own origin: every path answers a small page; the callback and post-logout hits are recorded. */
export async function startRelyingPartySite(): Promise<{ origin: string; callback: string; loggedOut: string; hits: URL[] }> {
  const hits: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/favicon.ico') hits.push(url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>Relying party</title><main><h1>Back at the application</h1></main></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return { origin, callback: `${origin}/callback`, loggedOut: `${origin}/logged-out`, hits };
}

export interface RelyingParty {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly config: oidc.Configuration;
  readonly site: Awaited<ReturnType<typeof startRelyingPartySite>>;
  /** A new authorization request (fresh PKCE verifier, state, nonce) and what is needed to finish it. */
  start(params?: Record<string, string>): Promise<{ url: string; verifier: string; state: string; nonce: string }>;
  /** Exchanges the browser's landing URL for tokens, checking iss, state, nonce and PKCE as openid-client does. */
  finish(landing: string, started: { verifier: string; state: string; nonce: string }): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers>;
}

export async function registerRelyingParty(app: TestApp, options: { type?: 'web' | 'spa'; firstParty?: boolean; scope?: string; name?: string; scanAppId?: string } = {}): Promise<RelyingParty> {
  const site = await startRelyingPartySite();
  const clientId = randomName(options.type ?? 'web');
  const registered = await app.admin.clients.register({
    type: options.type ?? 'web', clientId, redirectUris: [site.callback], postLogoutRedirectUris: [site.loggedOut],
    firstParty: options.firstParty ?? false, scope: options.scope ?? 'openid profile', ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.scanAppId === undefined ? {} : { scanAppId: options.scanAppId }),
  });
  const config = await discover(app.issuer, clientId, registered.clientSecret);
  return {
    clientId, clientSecret: registered.clientSecret, config, site,
    async start(params = {}) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: site.callback, scope: options.scope ?? 'openid profile', state, nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
      });
      return { url: url.href, verifier, state, nonce };
    },
    finish(landing, started) {
      return oidc.authorizationCodeGrant(config, new URL(landing), { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce });
    },
  };
}

/** Plays the person on the simulator's WeChat page: types the simulated user and approves. */
export async function approveOnWeChat(page: Page, user: string): Promise<void> {
  await page.locator('#wechat-approve').waitFor();
  await page.locator('input[name=user]').fill(user);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/connect/')), page.locator('#wechat-approve button[type=submit]').click()]);
}
