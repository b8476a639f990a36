// The simulator's HTTP control API under /__simulator/ (wechat-api.md §14 item 25): scripting a simulator
// in another process, its zod-validated 400s, and the request log.
import { describe, expect, it } from 'vitest';
import { exchangeLogin, exchangeOAuth, getRaw, loginUrl, MINI, OA, startSimulator, type TestSimulator } from './simulator-fixture.ts';

async function control(t: TestSimulator, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const init: RequestInit = { method };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(`${t.url}/__simulator${path}`, init);
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
}

const APP = { appId: 'wx1234567890abcdef', secret: 'f'.repeat(32), kind: 'miniprogram', openPlatformId: 'op-x' };

describe('control API: apps and codes', () => {
  it('registers an app and mints a code that jscode2session accepts', async () => {
    const t = await startSimulator();
    expect((await control(t, 'POST', '/apps', APP)).status).toBe(204);
    const minted = await control(t, 'POST', '/codes', { appId: APP.appId, user: 'carol' });
    expect(minted.status).toBe(201);
    expect(minted.json).toEqual({
      code: expect.stringMatching(/^[0-9A-Za-z]{32}$/) as unknown,
      openid: t.sim.openIdOf(APP.appId, 'carol'),
      unionid: t.sim.unionIdOf('op-x', 'carol'),
    });
    const { code } = minted.json as { code: string };
    const session = JSON.parse((await exchangeLogin(t, { ...APP, kind: 'miniprogram' }, code)).raw) as unknown;
    expect(session).toMatchObject({ openid: t.sim.openIdOf(APP.appId, 'carol'), unionid: t.sim.unionIdOf('op-x', 'carol') });
  });

  it('mints many codes in one call, in the order of the users', async () => {
    const t = await startSimulator();
    const minted = await control(t, 'POST', '/codes/batch', { appId: MINI.appId, users: ['ann', 'bob'] });
    expect(minted.status).toBe(201);
    const { codes } = minted.json as { codes: string[] };
    expect(codes).toHaveLength(2);
    const session = JSON.parse((await exchangeLogin(t, MINI, codes[1] ?? '')).raw) as unknown;
    expect(session).toMatchObject({ openid: t.sim.openIdOf(MINI.appId, 'bob') });
    expect((await control(t, 'POST', '/codes/batch', { appId: MINI.appId, users: [] })).status).toBe(400);
  });

  it('omits unionid for an unbound app', async () => {
    const t = await startSimulator();
    const minted = await control(t, 'POST', '/codes', { appId: MINI.appId, user: 'carol' });
    expect(minted.json).not.toHaveProperty('unionid');
  });
});

describe('control API: faults, flags and settings', () => {
  it('queues a fault', async () => {
    const t = await startSimulator();
    expect((await control(t, 'POST', '/faults', { kind: 'errcode', errcode: 45011, times: 1 })).status).toBe(204);
    expect(JSON.parse((await getRaw(loginUrl(t.url, {}))).raw)).toMatchObject({ errcode: 45011 });
    expect(JSON.parse((await getRaw(loginUrl(t.url, {}))).raw)).toMatchObject({ errcode: 41002 });
  });

  it('clears queued faults', async () => {
    const t = await startSimulator();
    await control(t, 'POST', '/faults', { kind: 'empty_body', times: 5 });
    expect((await control(t, 'DELETE', '/faults')).status).toBe(204);
    expect(JSON.parse((await getRaw(loginUrl(t.url, {}))).raw)).toMatchObject({ errcode: 41002 });
  });

  it('blocks a user through the flags route', async () => {
    const t = await startSimulator();
    expect((await control(t, 'POST', '/users/dave%20x/flags', { blocked: true })).status).toBe(204);
    const response = await exchangeLogin(t, MINI, t.sim.issueCode({ appId: MINI.appId, user: 'dave x' }));
    expect(JSON.parse(response.raw)).toMatchObject({ errcode: 40226 });
  });

  it('flags a snapshot-mode user: the minted code and its exchange show the virtual openid', async () => {
    const t = await startSimulator();
    expect((await control(t, 'POST', '/users/sam/flags', { snapshot: true })).status).toBe(204);
    const minted = await control(t, 'POST', '/codes', { appId: OA.appId, user: 'sam', scope: 'snsapi_userinfo' });
    expect(minted.json).toEqual({ code: expect.any(String) as unknown, openid: t.sim.snapshotOpenIdOf(OA.appId, 'sam') });
    const { code } = minted.json as { code: string };
    expect(JSON.parse((await exchangeOAuth(t, OA, code)).raw)).toMatchObject({ openid: t.sim.snapshotOpenIdOf(OA.appId, 'sam'), is_snapshotuser: 1 });
  });

  it('sets the profile sns/userinfo shows', async () => {
    const t = await startSimulator();
    const profile = { nickname: '小明 🎉', headimgurl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132' };
    expect((await control(t, 'PUT', '/users/xiaoming/profile', profile)).status).toBe(204);
    const { access_token: token, openid } = JSON.parse((await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'xiaoming', scope: 'snsapi_userinfo' }))).raw) as Record<string, string>;
    const info = await getRaw(`${t.url}/sns/userinfo?${new URLSearchParams({ access_token: token ?? '', openid: openid ?? '' }).toString()}`);
    expect(JSON.parse(info.raw)).toMatchObject(profile);
  });

  it('registers an app with a name, authorized redirect domains and published pages', async () => {
    const t = await startSimulator();
    const app = { appId: 'wx00000000000000f1', secret: 'e'.repeat(32), kind: 'web', name: '示例网站', redirectDomains: ['rp.example', '127.0.0.1:8080'] };
    expect((await control(t, 'POST', '/apps', app)).status).toBe(204);
    expect((await control(t, 'POST', '/apps', { ...MINI, pages: ['pages/index/index', 'pages/web-sign-in/index'] })).status).toBe(204);
    const page = await getRaw(`${t.url}/connect/qrconnect?${new URLSearchParams({ appid: app.appId, redirect_uri: 'https://other.example/cb', response_type: 'code', scope: 'snsapi_login' }).toString()}`);
    expect(page.raw).toContain('data-errcode="10003"');
  });

  it('switches the sns/userinfo openid check through settings', async () => {
    const t = await startSimulator();
    expect((await control(t, 'PUT', '/settings', { userinfoChecksOpenId: false })).status).toBe(204);
    const { access_token: token } = JSON.parse((await exchangeOAuth(t, OA, t.sim.issueCode({ appId: OA.appId, user: 'a', scope: 'snsapi_userinfo' }))).raw) as Record<string, string>;
    const info = await getRaw(`${t.url}/sns/userinfo?access_token=${encodeURIComponent(token ?? '')}&openid=someone-else`);
    expect(JSON.parse(info.raw)).toMatchObject({ openid: t.sim.openIdOf(OA.appId, 'a') });
  });

  it('changes Content-Type, latency and errmsg style through settings', async () => {
    const t = await startSimulator();
    const settings = { contentTypes: { jscode2session: 'application/json; encoding=utf-8' }, latencyMs: 0, errmsgStyle: 'hints_req_id' };
    expect((await control(t, 'PUT', '/settings', settings)).status).toBe(204);
    const response = await getRaw(loginUrl(t.url, {}));
    expect(response.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    expect(response.raw).toContain('hints: [ req_id: ');
  });
});

describe('control API: request log', () => {
  it('lists WeChat calls with their query (secret included) and outcome, and clears them', async () => {
    const t = await startSimulator();
    t.advance(5_000);
    const code = t.sim.issueCode({ appId: MINI.appId, user: 'alice' });
    await exchangeLogin(t, MINI, code);
    await exchangeLogin(t, MINI, code);
    const listed = await control(t, 'GET', '/requests');
    expect(listed.json).toEqual({ requests: t.sim.requests });
    expect(t.sim.requests).toEqual([
      expect.objectContaining({ at: t.now(), method: 'GET', path: '/sns/jscode2session', endpoint: 'jscode2session', outcome: 'ok' }),
      expect.objectContaining({ outcome: 40163, remoteAddress: '127.0.0.1' }),
    ]);
    expect(t.sim.requests[0]?.query).toEqual({ appid: MINI.appId, secret: MINI.secret, js_code: code, grant_type: 'authorization_code' });
    expect((await control(t, 'DELETE', '/requests')).status).toBe(204);
    expect(t.sim.requests).toEqual([]);
  });

  it('does not log control calls, nor let faults or latency touch them', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'connection_reset' });
    t.sim.setLatency(5_000);
    const listed = await control(t, 'GET', '/requests');
    expect(listed).toEqual({ status: 200, json: { requests: [] } });
  });

  it('clears the log programmatically and hands out snapshots', async () => {
    const t = await startSimulator();
    await getRaw(loginUrl(t.url, {}));
    const snapshot = t.sim.requests;
    t.sim.clearRequests();
    expect(snapshot).toHaveLength(1);
    expect(t.sim.requests).toHaveLength(0);
  });
});

describe('control API: bad input', () => {
  const cases: ReadonlyArray<[string, string, string, unknown, string]> = [
    ['a body that is not JSON', 'POST', '/apps', '{nope', 'invalid_json'],
    ['an app without a secret', 'POST', '/apps', { appId: 'wx1', kind: 'miniprogram' }, 'invalid_request'],
    ['an unknown app kind', 'POST', '/apps', { ...APP, kind: 'game' }, 'invalid_request'],
    ['a misspelt key', 'POST', '/apps', { ...APP, appid: 'wx1' }, 'invalid_request'],
    ['a code for an unregistered app', 'POST', '/codes', { appId: 'wx-nope', user: 'a' }, 'invalid_request'],
    ['an unknown scope', 'POST', '/codes', { appId: MINI.appId, user: 'a', scope: 'snsapi_all' }, 'invalid_request'],
    ['an unknown fault kind', 'POST', '/faults', { kind: 'meteor' }, 'invalid_request'],
    ['a fault applied zero times', 'POST', '/faults', { kind: 'errcode', errcode: -1, times: 0 }, 'invalid_request'],
    ['a delay without ms', 'POST', '/faults', { kind: 'delay' }, 'invalid_request'],
    ['an HTTP status fault of 200', 'POST', '/faults', { kind: 'http_status', status: 200 }, 'invalid_request'],
    ['a non-boolean flag', 'POST', '/users/a/flags', { blocked: 'yes' }, 'invalid_request'],
    ['a snapshot flag that is not a boolean', 'POST', '/users/a/flags', { snapshot: 1 }, 'invalid_request'],
    ['an avatar that is not a URL', 'PUT', '/users/a/profile', { headimgurl: 'javascript:alert(1)' }, 'invalid_request'],
    ['a redirect domain with a scheme', 'POST', '/apps', { ...APP, redirectDomains: ['https://rp.example'] }, 'invalid_request'],
    ['a page with a leading slash', 'POST', '/apps', { ...APP, pages: ['/pages/index/index'] }, 'invalid_request'],
    ['a scope the kind of app cannot have', 'POST', '/codes', { appId: OA.appId, user: 'a', scope: 'snsapi_login' }, 'invalid_request'],
    ['a Content-Type with a newline', 'PUT', '/settings', { contentTypes: { jscode2session: 'a\nb' } }, 'invalid_request'],
  ];

  it.each(cases)('answers 400 with {error, message} for %s', async (_name, method, path, body, error) => {
    const t = await startSimulator();
    const response = await control(t, method, path, body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error, message: expect.any(String) as unknown });
  });

  it('answers 404 for an unknown control route and 405 for a wrong method', async () => {
    const t = await startSimulator();
    expect(await control(t, 'GET', '/nope')).toMatchObject({ status: 404, json: { error: 'not_found' } });
    expect(await control(t, 'GET', '/apps')).toMatchObject({ status: 405, json: { error: 'method_not_allowed' } });
  });

  it('answers 413 for an oversized body', async () => {
    const t = await startSimulator();
    const response = await control(t, 'POST', '/apps', { ...APP, secret: 'x'.repeat(70_000) });
    expect(response).toMatchObject({ status: 413, json: { error: 'body_too_large' } });
  });
});
