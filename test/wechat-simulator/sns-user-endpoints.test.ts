// The user-token side of web/official-account OAuth (wechat-api.md §8.1 snapshot mode, §8.2, §8.4 sns/userinfo,
// §8.5 sns/auth, §14 items 20, 22, 23): tokens from a code exchange, scopes, openid checks and body shapes.
import { describe, expect, it } from 'vitest';
import { json } from './app-token-helpers.ts';
import { errorBodyPattern, exchangeOAuth, getRaw, OA, startSimulator, UNBOUND_OA, WEB, type TestSimulator } from './simulator-fixture.ts';
import type { OAuthScope, SimulatedApp } from '../../src/wechat-simulator/wechat-simulator.ts';

async function userToken(t: TestSimulator, app: SimulatedApp, user: string, scope?: OAuthScope): Promise<{ token: string; openid: string }> {
  const code = t.sim.issueCode({ appId: app.appId, user, ...(scope === undefined ? {} : { scope }) });
  const body = json(await exchangeOAuth(t, app, code));
  return { token: String(body['access_token']), openid: String(body['openid']) };
}

function userInfo(t: TestSimulator, params: Record<string, string>) {
  return getRaw(`${t.url}/sns/userinfo?${new URLSearchParams({ lang: 'zh_CN', ...params }).toString()}`);
}

function snsAuth(t: TestSimulator, params: Record<string, string>) {
  return getRaw(`${t.url}/sns/auth?${new URLSearchParams(params).toString()}`);
}

describe('GET /sns/userinfo (item 22)', () => {
  it('answers the §8.4 shape in order, raw UTF-8 nickname with emoji, `\\/` in headimgurl, unionid last, as text/plain', async () => {
    const t = await startSimulator();
    const { token, openid } = await userToken(t, OA, 'alice', 'snsapi_userinfo');
    const response = await userInfo(t, { access_token: token, openid });
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.raw).toMatch(
      new RegExp(`^\\{"openid":"${openid}","nickname":"alice 🐼","sex":0,"language":"","city":"","province":"","country":"",`
        + `"headimgurl":"https:\\\\/\\\\/thirdwx\\.qlogo\\.cn\\\\/mmopen\\\\/vi_32\\\\/[0-9A-Za-z]{43}\\\\/132","privilege":\\[\\],`
        + `"unionid":"${t.sim.unionIdOf('op-main', 'alice')}"\\}$`),
    );
  });

  it('reads a website snsapi_login token, and shows the profile a test set', async () => {
    const t = await startSimulator();
    t.sim.setUserProfile('bob', { nickname: '恩爸\u0007😀', headimgurl: '' });
    const { token, openid } = await userToken(t, WEB, 'bob');
    expect(json(await userInfo(t, { access_token: token, openid }))).toMatchObject({ openid, nickname: '恩爸\u0007😀', headimgurl: '' });
  });

  it('omits unionid for an app without Open Platform binding', async () => {
    const t = await startSimulator();
    const { token, openid } = await userToken(t, UNBOUND_OA, 'carol', 'snsapi_userinfo');
    expect(json(await userInfo(t, { access_token: token, openid }))).not.toHaveProperty('unionid');
  });

  it('answers 48001 to a snsapi_base token', async () => {
    const t = await startSimulator();
    const { token, openid } = await userToken(t, OA, 'dave', 'snsapi_base');
    expect((await userInfo(t, { access_token: token, openid })).raw).toMatch(errorBodyPattern(t, 48001, 'api unauthorized'));
  });

  it('answers 42001 once the token is older than 7200 s, 40001 to an unknown token and 40014 to a malformed one', async () => {
    const t = await startSimulator();
    const { token, openid } = await userToken(t, OA, 'erin', 'snsapi_userinfo');
    expect(json(await userInfo(t, { access_token: `${token.slice(0, -4)}AAAA`, openid }))).toMatchObject({ errcode: 40001 });
    expect(json(await userInfo(t, { access_token: 'not a token', openid }))).toMatchObject({ errcode: 40014 });
    expect(json(await userInfo(t, { openid }))).toMatchObject({ errcode: 41001 });
    t.advance(7_200_001);
    expect((await userInfo(t, { access_token: token, openid })).raw).toMatch(errorBodyPattern(t, 42001, 'access_token expired'));
  });

  it('answers 40003 for another openid and 41009 for none, unless the openid check is switched off', async () => {
    const t = await startSimulator();
    const { token } = await userToken(t, OA, 'frank', 'snsapi_userinfo');
    const other = t.sim.openIdOf(OA.appId, 'grace');
    expect((await userInfo(t, { access_token: token, openid: other })).raw).toMatch(errorBodyPattern(t, 40003, 'invalid openid'));
    expect(json(await userInfo(t, { access_token: token }))).toMatchObject({ errcode: 41009 });
    t.sim.setUserinfoChecksOpenId(false);
    expect(json(await userInfo(t, { access_token: token, openid: other }))).toMatchObject({ openid: t.sim.openIdOf(OA.appId, 'frank') });
  });
});

describe('snapshot-mode users (§8.1, item 19)', () => {
  it('exchange to is_snapshotuser 1 with a virtual openid and no unionid, and read a virtual profile', async () => {
    const t = await startSimulator();
    t.sim.setUserFlags('sam', { snapshot: true });
    const code = t.sim.issueCode({ appId: OA.appId, user: 'sam', scope: 'snsapi_userinfo' });
    const body = json(await exchangeOAuth(t, OA, code));
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'refresh_token', 'openid', 'scope', 'is_snapshotuser']);
    expect(body['is_snapshotuser']).toBe(1);
    expect(body['openid']).toBe(t.sim.snapshotOpenIdOf(OA.appId, 'sam'));
    expect(body['openid']).not.toBe(t.sim.openIdOf(OA.appId, 'sam'));
    const info = json(await userInfo(t, { access_token: String(body['access_token']), openid: String(body['openid']) }));
    expect(info).toMatchObject({ openid: body['openid'], nickname: '微信用户' });
    expect(info).not.toHaveProperty('unionid');
  });

  it('leaves website logins of the same person untouched, and ends when the flag is cleared', async () => {
    const t = await startSimulator();
    t.sim.setUserFlags('sam', { snapshot: true });
    const web = json(await exchangeOAuth(t, WEB, t.sim.issueCode({ appId: WEB.appId, user: 'sam' })));
    expect(web).not.toHaveProperty('is_snapshotuser');
    t.sim.setUserFlags('sam', { snapshot: false });
    const oa = json(await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'sam' })));
    expect(oa).toMatchObject({ openid: t.sim.openIdOf(OA.appId, 'sam') });
    expect(oa).not.toHaveProperty('is_snapshotuser');
  });
});

describe('GET /sns/auth (item 23)', () => {
  it('answers errcode 0 for the token\'s own openid, 40003 for another and 42001 after expiry', async () => {
    const t = await startSimulator();
    const { token, openid } = await userToken(t, OA, 'heidi', 'snsapi_base');
    expect((await snsAuth(t, { access_token: token, openid })).raw).toBe('{"errcode":0,"errmsg":"ok"}');
    expect((await snsAuth(t, { access_token: token, openid: t.sim.openIdOf(OA.appId, 'ivan') })).raw).toMatch(errorBodyPattern(t, 40003, 'invalid openid'));
    t.advance(7_200_001);
    expect(json(await snsAuth(t, { access_token: token, openid }))).toMatchObject({ errcode: 42001 });
  });
});

describe('issueCode scopes', () => {
  it('refuses a scope the kind of app cannot be granted', async () => {
    const t = await startSimulator();
    expect(() => t.sim.issueCode({ appId: OA.appId, user: 'a', scope: 'snsapi_login' })).toThrow(/official_account app cannot be granted snsapi_login/);
    expect(() => t.sim.issueCode({ appId: WEB.appId, user: 'a', scope: 'snsapi_userinfo' })).toThrow(/web app cannot/);
  });
});
