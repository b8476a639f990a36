import { describe, expect, it } from 'vitest';
import { WECHAT_GRANT } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, countLoginRows, randomName, setUpMiniProgram, subOf, type MiniProgram } from '../support/wechat-fixtures.ts';

interface World { app: TestApp; mp: MiniProgram; api: string; otherApi: string; svc: { clientId: string; clientSecret: string } }

// One app for the file: every case must leave WeChat untouched, which each case checks itself.
let shared: Promise<World> | undefined;
const world = (): Promise<World> => (shared ??= (async () => {
  const app = await startTestApp();
  const api = await addResourceServer(app, 'read write');
  const otherApi = await addResourceServer(app, 'other'); // exists, but this client is not registered for it
  const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access', resources: { [api]: 'read' }, defaultResource: api });
  const svc = await app.admin.clients.register({ type: 'service', clientId: randomName('svc'), resources: { [api]: 'read' } });
  return { app, mp, api, otherApi, svc: { clientId: svc.clientId, clientSecret: svc.clientSecret ?? '' } };
})());

/** A raw POST /token, so that malformed bodies reach the server exactly as written. */
async function post(app: TestApp, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${app.baseUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

const form = (entries: readonly (readonly [string, string])[]): string => new URLSearchParams(entries.map(([k, v]): [string, string] => [k, v])).toString();
const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** RFC 6749 §5.2 error response, never a token, never a 5xx, and WeChat was not called. */
async function expectRefused(app: TestApp, response: Awaited<ReturnType<typeof post>>, status: number, error: string): Promise<void> {
  expect({ status: response.status, error: response.body['error'] }).toEqual({ status, error });
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const description = response.body['error_description'];
  expect(typeof description === 'string' ? description : '').toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/);
  expect(response.body).not.toHaveProperty('access_token');
  expect(app.wechat.requests).toEqual([]);
  expect((await countLoginRows(app)).grants).toBe(0);
}

describe('POST /token with bad input for the WeChat grant', () => {
  const malformed: readonly (readonly [string, (mp: MiniProgram) => string])[] = [
    ['no code', (mp) => form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId]])],
    ['an empty code', (mp) => form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', '']])],
    ['code[]=x', (mp) => `${form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId]])}&code%5B%5D=x`],
    ['code[a]=x', (mp) => `${form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId]])}&code%5Ba%5D=x`],
    ['a code with CR/LF', (mp) => form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', `${mp.code('crlf')}\r\nX-Injected: 1`]])],
    ['a non-ASCII code', (mp) => form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', '微信登录码微信登录码']])],
    ['a 10 KiB code', (mp) => form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', 'a'.repeat(10_240)]])],
    ['a path-traversal code', (mp) => form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', '../../sns/jscode2session']])],
    ['an SQL-metacharacter code', (mp) => form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', "x' or '1'='1"]])],
    ['the code twice', (mp) => form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', mp.code('dup-a')], ['code', mp.code('dup-b')]])],
  ];

  it.each(malformed)('answers invalid_request to %s without calling WeChat', async (_name, body) => {
    const { app, mp } = await world();
    await expectRefused(app, await post(app, body(mp)), 400, 'invalid_request');
  });

  it('answers invalid_request to a JSON body', async () => {
    const { app, mp } = await world();
    const body = JSON.stringify({ grant_type: WECHAT_GRANT, client_id: mp.clientId, code: mp.code('json') });
    await expectRefused(app, await post(app, body, { 'content-type': 'application/json' }), 400, 'invalid_request');
  });

  it('answers unsupported_grant_type to grant_type=password', async () => {
    const { app, mp } = await world();
    const body = form([['grant_type', 'password'], ['client_id', mp.clientId], ['username', 'u'], ['password', 'p']]);
    await expectRefused(app, await post(app, body), 400, 'unsupported_grant_type');
  });

  it('answers unauthorized_client to a service client using the WeChat grant', async () => {
    const { app, mp, svc } = await world();
    const body = form([['grant_type', WECHAT_GRANT], ['code', mp.code('svc')]]);
    await expectRefused(app, await post(app, body, { authorization: basic(svc.clientId, svc.clientSecret) }), 400, 'unauthorized_client');
  });

  it('answers invalid_client to an unknown client_id', async () => {
    const { app, mp } = await world();
    const body = form([['grant_type', WECHAT_GRANT], ['client_id', 'no-such-client'], ['code', mp.code('ghost')]]);
    await expectRefused(app, await post(app, body), 401, 'invalid_client');
  });

  it('refuses a public mini-program client that also sends a client_secret', async () => {
    const { app, mp } = await world();
    const response = await post(app, form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['client_secret', 'guessed-secret'], ['code', mp.code('secretive')]]));
    expect([400, 401]).toContain(response.status);
    await expectRefused(app, response, response.status, response.status === 401 ? 'invalid_client' : 'invalid_request');
  });

  it('answers invalid_scope to scopes beyond the client registration (OIDC or API)', async () => {
    const { app, mp, api } = await world();
    for (const scope of ['openid phone', 'openid wechat', 'openid write', 'openid admin']) {
      const body = form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', mp.code('greedy')], ['scope', scope], ['resource', api]]);
      await expectRefused(app, await post(app, body), 400, 'invalid_scope');
    }
  });

  it('never reflects a refused scope: a client secret sent as scope is not in the answer (issue #15 finding 8)', async () => {
    const { app, mp, api, svc } = await world();
    const login = await post(app, form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', mp.code('leaky')], ['scope', `openid ${svc.clientSecret}`], ['resource', api]]));
    await expectRefused(app, login, 400, 'invalid_scope');
    const service = await post(app, form([['grant_type', 'client_credentials'], ['scope', `read ${svc.clientSecret}`]]), { authorization: basic(svc.clientId, svc.clientSecret) });
    await expectRefused(app, service, 400, 'invalid_scope');
    for (const answer of [login, service]) {
      expect(JSON.stringify(answer.body)).not.toContain(svc.clientSecret);
      expect(answer.body).not.toHaveProperty('scope');
    }
  });

  it('answers invalid_target to a resource the client is not registered for, existing or not', async () => {
    const { app, mp, otherApi } = await world();
    for (const resource of ['https://unregistered.example.test', otherApi, 'not a uri', 'constructor', '__proto__', 'toString']) {
      const body = form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', mp.code('lost')], ['resource', resource]]);
      await expectRefused(app, await post(app, body), 400, 'invalid_target');
    }
  });

  it('answers 404 to GET /token', async () => {
    const { app, mp } = await world();
    const response = await fetch(`${app.baseUrl}/token?${form([['grant_type', WECHAT_GRANT], ['client_id', mp.clientId], ['code', mp.code('get')]])}`);
    expect(response.status).toBe(404);
    expect(app.wechat.requests).toEqual([]);
  });

  it('ignores openid, unionid and session_key parameters chosen by the caller (W-06)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const victim = await mp.login('victim');
    const forged = { openid: app.wechat.openIdOf(mp.appId, 'victim'), unionid: 'u', session_key: 'k', phone: '+8613800000000' };

    const attacker = await mp.login('attacker', forged);

    expect(subOf(attacker)).not.toBe(subOf(victim));
    expect(attacker.claims()?.['wechat_openid']).toBe(app.wechat.openIdOf(mp.appId, 'attacker'));
    expect(app.wechat.requests.at(-1)?.query).not.toHaveProperty('openid');
  });
});
