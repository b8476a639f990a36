// Phone numbers (design.md §3–§4, wechat-api.md §5.1): `phone_code` in the login grant and POST /me/phone,
// claims under scope `phone` only, codes of other apps refused, failures mapped, nothing half-stored.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import { postToken, WECHAT_GRANT } from '../support/oidc-client.ts';
import { countLoginRows, queryDatabase, randomAppId, randomName, randomSecret } from '../support/wechat-fixtures.ts';
import { callMe, setUpUserApp, signIn, userinfo } from './me-fixtures.ts';

describe('phone_code in the WeChat login grant', () => {
  it('puts the verified number in E.164 into the ID token and userinfo under scope phone', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const phone = app.wechat.issuePhoneCode({ appId: mp.appId, user: 'alice', phoneNumber: '18339907936' });

    const login = await signIn(mp, 'alice', 'openid phone', { phone_code: phone.code });

    const claims = { phone_number: '+8618339907936', phone_number_verified: true };
    expect(login.tokens.claims()).toMatchObject(claims);
    expect(await userinfo(mp, login)).toMatchObject(claims);
    // The code went to WeChat with the user's openid, so WeChat checks the binding (W-14).
    const call = app.wechat.requests.find((r) => r.endpoint === 'getuserphonenumber');
    expect(JSON.parse(call?.body ?? '{}')).toEqual({ code: phone.code, openid: app.wechat.openIdOf(mp.appId, 'alice') });
  });

  it('keeps phone claims out of tokens and userinfo without scope phone', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    await signIn(mp, 'bob', 'openid phone', { phone_code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'bob' }).code });

    const bare = await signIn(mp, 'bob', 'openid profile');

    expect(bare.tokens.claims()).not.toHaveProperty('phone_number');
    expect(await userinfo(mp, bare)).not.toHaveProperty('phone_number');
  });

  it('fails the whole login on a refused phone code: invalid_grant, no grant, no phone, no tokens', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const other = await setUpUserApp(app);
    const foreign = app.wechat.issuePhoneCode({ appId: other.appId, user: 'carol' }).code;
    const before = await countLoginRows(app);

    const response = await mp.post({ code: mp.code('carol'), scope: 'openid phone', phone_code: foreign });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('phone code') as unknown });
    expect(response.body).not.toHaveProperty('access_token');
    expect((await countLoginRows(app)).grants).toBe(before.grants);
    expect(await queryDatabase(app, 'select phone_number from accounts where phone_number is not null')).toEqual([]);
  });

  it('refuses phone_code without the phone scope before calling WeChat', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const response = await mp.post({ code: mp.code('dave'), scope: 'openid', phone_code: 'a'.repeat(64) });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(app.wechat.requestCounts()).toMatchObject({ jscode2session: 0, stable_token: 0, getuserphonenumber: 0 });
  });

  it('refuses phone_code for a client of an official account (no getuserphonenumber there)', async () => {
    const app = await startTestApp();
    const appId = randomAppId();
    const secret = randomSecret();
    app.wechat.registerApp({ appId, secret, kind: 'official_account' });
    await app.admin.apps.upsert({ appId, kind: 'official_account', secret });
    const clientId = randomName('oa');
    await app.admin.clients.register({ type: 'miniprogram', clientId, wechatAppId: appId, scope: 'openid phone' });
    const response = await postToken(app.baseUrl, {
      grant_type: WECHAT_GRANT, client_id: clientId, code: app.wechat.issueCode({ appId, user: 'olga' }), scope: 'openid phone', phone_code: 'a'.repeat(64),
    });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(app.wechat.requestCounts()).toMatchObject({ oauth2_access_token: 0, getuserphonenumber: 0 });
  });

  it('answers 503 with Retry-After when WeChat is down for the phone call', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    app.wechat.injectFault({ kind: 'errcode', errcode: -1, endpoint: 'getuserphonenumber' });
    const response = await mp.post({ code: mp.code('erin'), scope: 'openid phone', phone_code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'erin' }).code });
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('POST /me/phone', () => {
  it('stores the number from a phone code and releases it at userinfo and in refreshed ID tokens', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'frank');
    const phone = app.wechat.issuePhoneCode({ appId: mp.appId, user: 'frank', phoneNumber: '61234567', countryCode: '852' });

    const response = await callMe(app, 'POST', '/me/phone', { token: login.accessToken, body: { code: phone.code } });

    expect(response).toMatchObject({ status: 200, body: { phone_number: '+85261234567', phone_number_verified: true } });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await userinfo(mp, login)).toMatchObject({ phone_number: '+85261234567', phone_number_verified: true });
    const refreshed = await oidc.refreshTokenGrant(mp.config, login.tokens.refresh_token ?? '');
    expect(refreshed.claims()).toMatchObject({ phone_number: '+85261234567', phone_number_verified: true });
    const [audit] = await queryDatabase<{ actor: string; account_id: string }>(app, `select actor, account_id from audit_events where action = 'account.phone_verified'`);
    expect(audit).toEqual({ actor: mp.clientId, account_id: login.sub });
  });

  it('answers 400 invalid_request to a used code and to a phone code of another app', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const other = await setUpUserApp(app);
    const login = await signIn(mp, 'gina');
    const phone = app.wechat.issuePhoneCode({ appId: mp.appId, user: 'gina' });
    await callMe(app, 'POST', '/me/phone', { token: login.accessToken, body: { code: phone.code } });

    const reused = await callMe(app, 'POST', '/me/phone', { token: login.accessToken, body: { code: phone.code } });
    const foreign = await callMe(app, 'POST', '/me/phone', {
      token: login.accessToken,
      body: { code: app.wechat.issuePhoneCode({ appId: other.appId, user: 'gina', phoneNumber: '13580006666' }).code },
    });

    for (const response of [reused, foreign]) {
      expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringContaining('phone code') as unknown } });
    }
    expect(await userinfo(mp, login)).not.toMatchObject({ phone_number: '+8613580006666' });
  });

  it('refuses a phone code of another user of the same app (WeChat checks it against the caller openid)', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'hugo');
    const strangers = app.wechat.issuePhoneCode({ appId: mp.appId, user: 'ivan' });
    const response = await callMe(app, 'POST', '/me/phone', { token: login.accessToken, body: { code: strangers.code } });
    expect(response.status).toBe(400);
    expect(await userinfo(mp, login)).not.toHaveProperty('phone_number');
  });

  it('answers 503 temporarily_unavailable when WeChat times out, and 400 to a malformed body', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'judy');
    app.wechat.injectFault({ kind: 'delay', ms: 3000, endpoint: 'getuserphonenumber' });
    const slow = await callMe(app, 'POST', '/me/phone', { token: login.accessToken, body: { code: app.wechat.issuePhoneCode({ appId: mp.appId, user: 'judy' }).code } });
    const malformed = await callMe(app, 'POST', '/me/phone', { token: login.accessToken, body: { code: 'not a code!' } });
    expect(slow).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(slow.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(malformed).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('requires the phone scope (403 insufficient_scope)', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'karl', 'openid profile');
    const response = await callMe(app, 'POST', '/me/phone', { token: login.accessToken, body: { code: 'a'.repeat(64) } });
    expect(response).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    expect(response.headers.get('www-authenticate')).toContain('scope="phone"');
    expect(app.wechat.requestCounts().getuserphonenumber).toBe(0);
  });
});
