// PATCH /me/profile (design.md §3–§4, wechat-api.md §10): user-supplied nickname and picture become the
// `profile` claims with a new `updated_at`; WeChat's placeholders and malformed values are refused.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import { queryDatabase } from '../support/wechat-fixtures.ts';
import { callMe, setUpUserApp, signIn, userinfo } from './me-fixtures.ts';

const AVATAR = 'https://cdn.example.test/avatars/alice.png';

describe('PATCH /me/profile', () => {
  it('updates nickname and picture, which userinfo and refreshed ID tokens then carry with a later updated_at', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'alice');
    const before = (await userinfo(mp, login))['updated_at'] as number;
    app.clock.advance(1100); // updated_at has one-second resolution

    const response = await callMe(app, 'PATCH', '/me/profile', { token: login.accessToken, body: { nickname: '  爱丽丝 🐱  ', picture: AVATAR } });

    expect(response).toMatchObject({ status: 200, body: { nickname: '爱丽丝 🐱', picture: AVATAR, updated_at: expect.any(Number) as unknown } });
    const claims = await userinfo(mp, login);
    expect(claims).toMatchObject({ nickname: '爱丽丝 🐱', picture: AVATAR });
    expect(claims['updated_at']).toBeGreaterThan(before);
    const refreshed = await oidc.refreshTokenGrant(mp.config, login.tokens.refresh_token ?? '');
    expect(refreshed.claims()).toMatchObject({ nickname: '爱丽丝 🐱', picture: AVATAR });
  });

  it('changes only the fields given, and audits the change without the values', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'bob');
    await callMe(app, 'PATCH', '/me/profile', { token: login.accessToken, body: { nickname: 'Bob', picture: AVATAR } });
    await callMe(app, 'PATCH', '/me/profile', { token: login.accessToken, body: { nickname: 'Robert' } });
    expect(await userinfo(mp, login)).toMatchObject({ nickname: 'Robert', picture: AVATAR });
    const audit = await queryDatabase<{ after: unknown }>(app, `select after from audit_events where action = 'account.profile_updated' order by id`);
    expect(audit.map((row) => row.after)).toEqual([{ fields: ['nickname', 'picture'] }, { fields: ['nickname'] }]);
  });

  it.each([
    ['an empty nickname', { nickname: '   ' }],
    ['a 65-character nickname', { nickname: 'x'.repeat(65) }],
    ['a nickname with a control character', { nickname: 'a\u0007b' }],
    ['a nickname with a line break', { nickname: 'a\nb' }],
    ['a nickname with a bidi override', { nickname: 'abc\u202Efdp.exe' }],
    ["WeChat's placeholder nickname", { nickname: '微信用户' }],
    ["WeChat's grey placeholder avatar", { picture: 'https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcPq4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132' }],
    ['an http picture', { picture: 'http://cdn.example.test/a.png' }],
    ['a picture URL with credentials', { picture: 'https://user:pw@cdn.example.test/a.png' }],
    ['a picture that is not a URL', { picture: 'avatar.png' }],
    ['a picture over 1024 characters', { picture: `https://cdn.example.test/${'a'.repeat(1010)}` }],
    ['an empty update', {}],
    ['an unknown field', { nickname: 'ok', phone_number: '+8613800138000' }],
  ])('refuses %s with 400 invalid_request and changes nothing', async (_name, body) => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'carol');
    const response = await callMe(app, 'PATCH', '/me/profile', { token: login.accessToken, body });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.any(String) as unknown } });
    expect(await userinfo(mp, login)).not.toHaveProperty('nickname');
    expect(await userinfo(mp, login)).not.toHaveProperty('phone_number');
  });

  it('accepts a 64-character nickname of emoji (counted as PostgreSQL counts characters)', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'dave');
    const nickname = '😀'.repeat(64);
    expect(await callMe(app, 'PATCH', '/me/profile', { token: login.accessToken, body: { nickname } })).toMatchObject({ status: 200, body: { nickname } });
  });

  it('accepts the same update as POST, since wx.request has no PATCH', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'gina');
    expect(await callMe(app, 'POST', '/me/profile', { token: login.accessToken, body: { nickname: 'Gina' } })).toMatchObject({ status: 200, body: { nickname: 'Gina' } });
    expect(await userinfo(mp, login)).toMatchObject({ nickname: 'Gina' });
  });

  it('answers 400 to a body that is not JSON', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'erin');
    const response = await callMe(app, 'PATCH', '/me/profile', { token: login.accessToken, rawBody: '{nope' });
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});
