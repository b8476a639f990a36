// GET /sns/oauth2/access_token for official-account, website and app logins (wechat-api.md §7, §8.1–§8.2,
// §14 item 20): body shape and key order, unionid rules, code errors and credential errors.
import { describe, expect, it } from 'vitest';
import {
  errorBodyPattern,
  exchangeLogin,
  exchangeOAuth,
  getRaw,
  MINI,
  OA,
  oauthParams,
  oauthUrl,
  startSimulator,
  UNBOUND_OA,
  WEB,
} from './simulator-fixture.ts';

const TOKEN = '\\d{1,2}_[0-9A-Za-z_-]{105,135}';
const OPENID = 'o[0-9A-Za-z_-]{27}';

describe('GET /sns/oauth2/access_token success', () => {
  it('answers access_token, expires_in 7200, refresh_token, openid and scope in that order, as text/plain', async () => {
    const t = await startSimulator();
    const response = await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'alice' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(response.raw)));
    expect(response.raw).toMatch(
      new RegExp(`^\\{"access_token":"${TOKEN}","expires_in":7200,"refresh_token":"${TOKEN}","openid":"${OPENID}","scope":"snsapi_base"\\}$`),
    );
    expect(JSON.parse(response.raw)).toHaveProperty('openid', t.sim.openIdOf(OA.appId, 'alice'));
  });

  it('adds unionid last for snsapi_userinfo on a bound official account', async () => {
    const t = await startSimulator();
    const code = t.sim.issueCode({ appId: OA.appId, user: 'alice', scope: 'snsapi_userinfo' });
    const body = JSON.parse((await exchangeOAuth(t, OA, code)).raw) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'refresh_token', 'openid', 'scope', 'unionid']);
    expect(body).toMatchObject({ scope: 'snsapi_userinfo', unionid: t.sim.unionIdOf('op-main', 'alice') });
  });

  it('gives a website login (snsapi_login by default) the same unionid as the mini-program on that platform', async () => {
    const t = await startSimulator();
    const body = JSON.parse((await exchangeOAuth(t, WEB, t.sim.issueCode({ appId: WEB.appId, user: 'alice' }))).raw) as Record<string, unknown>;
    expect(body).toMatchObject({ scope: 'snsapi_login', unionid: t.sim.unionIdOf('op-main', 'alice') });
    expect(body['openid']).not.toBe(t.sim.openIdOf(OA.appId, 'alice'));
  });

  it('omits unionid for snsapi_base, and for an unbound app whatever the scope', async () => {
    const t = await startSimulator();
    const base = await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'alice', scope: 'snsapi_base' }));
    const unboundCode = t.sim.issueCode({ appId: UNBOUND_OA.appId, user: 'alice', scope: 'snsapi_userinfo' });
    const unbound = await exchangeOAuth(t, UNBOUND_OA, unboundCode);
    expect(JSON.parse(base.raw)).not.toHaveProperty('unionid');
    expect(JSON.parse(unbound.raw)).toMatchObject({ scope: 'snsapi_userinfo' });
    expect(JSON.parse(unbound.raw)).not.toHaveProperty('unionid');
  });

  it('issues new tokens on every exchange', async () => {
    const t = await startSimulator();
    const first = JSON.parse((await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'a' }))).raw) as Record<string, string>;
    const second = JSON.parse((await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'a' }))).raw) as Record<string, string>;
    expect(second['access_token']).not.toBe(first['access_token']);
    expect(second['refresh_token']).not.toBe(first['refresh_token']);
    expect(second['openid']).toBe(first['openid']);
  });
});

describe('GET /sns/oauth2/access_token code errors', () => {
  it('answers 40163 to a second exchange of the same code', async () => {
    const t = await startSimulator();
    const code = t.sim.issueCode({ appId: OA.appId, user: 'alice' });
    await exchangeOAuth(t, OA, code);
    expect((await exchangeOAuth(t, OA, code)).raw).toMatch(errorBodyPattern(t, 40163, 'code been used'));
  });

  it('answers 42003 `code expired` for an official-account code older than 300 s', async () => {
    const t = await startSimulator();
    const code = t.sim.issueCode({ appId: OA.appId, user: 'alice' });
    t.advance(300_001);
    expect((await exchangeOAuth(t, OA, code)).raw).toMatch(errorBodyPattern(t, 42003, 'code expired'));
  });

  it('lets an Open Platform website code live 600 s', async () => {
    const t = await startSimulator();
    const young = t.sim.issueCode({ appId: WEB.appId, user: 'alice' });
    const old = t.sim.issueCode({ appId: WEB.appId, user: 'alice' });
    t.advance(600_000);
    expect(JSON.parse((await exchangeOAuth(t, WEB, young)).raw)).toHaveProperty('access_token');
    t.advance(1);
    expect(JSON.parse((await exchangeOAuth(t, WEB, old)).raw)).toMatchObject({ errcode: 42003 });
  });

  it('answers 40029 for a mini-program code, another app\'s code and an unknown code', async () => {
    const t = await startSimulator();
    const miniCode = t.sim.issueCode({ appId: MINI.appId, user: 'alice' });
    const responses = [
      await exchangeOAuth(t, MINI, miniCode),
      await exchangeOAuth(t, OA, t.sim.issueCode({ appId: WEB.appId, user: 'alice' })),
      await exchangeOAuth(t, OA, '041r9d0S04Lgnc2kjP3S0rBj0S0r9d0Q'),
    ];
    for (const response of responses) expect(response.raw).toMatch(errorBodyPattern(t, 40029, 'invalid code'));
    // The mini-program code is still good where it belongs.
    expect(JSON.parse((await exchangeLogin(t, MINI, miniCode)).raw)).toHaveProperty('session_key');
  });
});

describe('GET /sns/oauth2/access_token request checks', () => {
  const full = oauthParams(OA, 'A'.repeat(32));
  const cases: ReadonlyArray<[string, Record<string, string>, number, string]> = [
    ['no appid', { ...full, appid: '' }, 41002, 'appid missing'],
    ['no secret', { appid: OA.appId, code: 'x', grant_type: 'authorization_code' }, 41004, 'appsecret missing'],
    ['`js_code` instead of `code`', { appid: OA.appId, secret: OA.secret, js_code: 'x' }, 41008, 'missing code'],
    ['an unknown appid', { ...full, appid: 'wx-unknown' }, 40013, 'invalid appid'],
    ['a wrong secret', { ...full, secret: 'nope' }, 40125, 'invalid appsecret'],
    ['a wrong grant_type', { ...full, grant_type: 'refresh_token' }, 40002, 'invalid grant_type'],
  ];

  it.each(cases)('answers HTTP 200 and the right errcode for %s', async (_name, params, errcode, stem) => {
    const t = await startSimulator();
    const response = await getRaw(oauthUrl(t.url, params));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.raw).toMatch(errorBodyPattern(t, errcode, stem));
  });

  it('does not apply the mini-program API IP whitelist to OAuth code exchange', async () => {
    const t = await startSimulator();
    t.sim.registerApp({ ...OA, ipWhitelistEnabled: true });
    const response = await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'alice' }));
    expect(JSON.parse(response.raw)).toHaveProperty('access_token');
  });
});
