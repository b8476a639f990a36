// A fresh clone's browser sign-in (issue 13 #5): `npm start` in sandbox mode seeds a website app and an
// official account under the demo Open Platform and the first-party client `sandbox-web`, so the whole
// flow works with nothing configured — and the same person is the same sub as in the mini-program demo.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { SANDBOX_WEB_CLIENT_ID, SANDBOX_WEB_ORIGIN } from '../../src/sandbox/sandbox.ts';
import { approveOnWeChat } from '../support/browser-sign-in.ts';
import { openPage, useBrowser } from '../support/browser.ts';
import { discover, postToken, WECHAT_GRANT } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';

const browser = useBrowser();

describe('sandbox mode: browser sign-in out of the box', () => {
  it('signs alice in on the website QR page and inside WeChat, with her mini-program sub', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_SANDBOX: '1' } });
    const config = await discover(app.issuer, SANDBOX_WEB_CLIENT_ID);
    const code = ((await (await fetch(`${app.baseUrl}/sandbox/wx-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"alice"}' })).json()) as { code: string }).code;
    const login = await postToken(app.baseUrl, { grant_type: WECHAT_GRANT, client_id: 'sandbox-miniprogram', code, scope: 'openid' });
    const miniProgramSub = JSON.parse(Buffer.from(String(login.body['id_token']).split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub: string };

    for (const [client, method] of [['desktopChrome', 'website-qr'], ['wechat', 'official-account']] as const) {
      const page = await openPage(browser(), { client, acceptLanguage: 'en' });
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${SANDBOX_WEB_ORIGIN}/callback`, scope: 'openid profile', state,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      await page.goto(url.href);
      await page.locator(`[data-method="${method}"]`).click();
      // The example app is not running here: the browser's request to its callback is what we need.
      const [callback] = await Promise.all([
        page.waitForRequest((request) => request.url().startsWith(`${SANDBOX_WEB_ORIGIN}/callback`)),
        approveOnWeChat(page, 'alice').catch(() => undefined),
      ]);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(callback.url()), { pkceCodeVerifier: verifier, expectedState: state });
      expect(tokens.claims()?.sub).toBe(miniProgramSub.sub);
    }
  });
});
