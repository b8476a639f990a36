import { describe, expect, it } from 'vitest';
import { createWeChatClient } from './wechat-client.ts';
import type { WeChatCallEvent, WeChatClientDeps } from './wechat-client.ts';

// Pure: fetch is replaced by an in-memory function (the process edge), no socket is opened. The
// real-socket behaviour (timeouts, resets, the simulator) is covered in test/wechat/.
function stubClient(body: string, overrides: Partial<WeChatClientDeps> = {}) {
  const urls: string[] = [];
  const events: WeChatCallEvent[] = [];
  const client = createWeChatClient({
    baseUrl: 'https://wechat.example/',
    timeoutMs: 1000,
    fetch: (input) => {
      urls.push(input instanceof Request ? input.url : input.toString());
      return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/plain' } }));
    },
    onCall: (event) => events.push(event),
    ...overrides,
  });
  return { client, urls, events };
}

const anyDuration: unknown = expect.any(Number);
const exchange = { appId: 'wx4f4bc4dec97d474b', secret: 's3cr3t+/&=', code: 'c0de+/&=' };
const oauthBody = (extra: string) =>
  `{"access_token":"a","expires_in":7200,"refresh_token":"r","openid":"o1","scope":"snsapi_userinfo"${extra}}`;

describe('createWeChatClient request building', () => {
  it('calls jscode2session once with every parameter URL-encoded', async () => {
    const { client, urls } = stubClient('{"session_key":"k==","openid":"o1"}');
    await client.exchangeMiniProgramCode(exchange);
    expect(urls).toHaveLength(1);
    const url = new URL(urls[0] ?? '');
    expect(`${url.origin}${url.pathname}`).toBe('https://wechat.example/sns/jscode2session');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: exchange.appId, secret: exchange.secret, js_code: exchange.code, grant_type: 'authorization_code',
    });
  });

  it('calls sns/oauth2/access_token under a base URL with a path prefix', async () => {
    const { client, urls } = stubClient(oauthBody(''), { baseUrl: 'http://proxy.internal/wechat' });
    await client.exchangeOAuthCode(exchange);
    const url = new URL(urls[0] ?? '');
    expect(`${url.origin}${url.pathname}`).toBe('http://proxy.internal/wechat/sns/oauth2/access_token');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: exchange.appId, secret: exchange.secret, code: exchange.code, grant_type: 'authorization_code',
    });
  });

  it('refuses an invalid base URL when built, before any secret is put in a URL', () => {
    expect(() => createWeChatClient({ baseUrl: 'not a url', timeoutMs: 1000 })).toThrow(TypeError);
  });
});

describe('createWeChatClient results', () => {
  it('renames wire fields to camelCase and omits an absent unionid', async () => {
    const { client } = stubClient('{"session_key":"\\/k==","openid":"o1"}');
    const session = await client.exchangeMiniProgramCode(exchange);
    expect(session).toStrictEqual({ openId: 'o1', sessionKey: '/k==' });
  });

  it.each([
    ['is_snapshotuser absent', '', false],
    ['is_snapshotuser 0', ',"is_snapshotuser":0', false],
    ['is_snapshotuser 1', ',"is_snapshotuser":1', true],
  ])('surfaces snapshot users (%s)', async (_name, extra, isSnapshotUser) => {
    const { client } = stubClient(oauthBody(`${extra},"unionid":"u1"`));
    await expect(client.exchangeOAuthCode(exchange)).resolves.toStrictEqual({
      openId: 'o1', unionId: 'u1', scope: 'snsapi_userinfo', isSnapshotUser, accessToken: 'a',
    });
  });

  it('reports one event per call without secret, code, session_key or URL', async () => {
    const { client, events } = stubClient('{"session_key":"SESSIONKEY==","openid":"o1"}');
    await client.exchangeMiniProgramCode(exchange);
    expect(events).toEqual([{ endpoint: 'jscode2session', appId: exchange.appId, durationMs: anyDuration, outcome: 'ok' }]);
    const serialised = JSON.stringify(events);
    for (const secret of [exchange.secret, exchange.code, 'SESSIONKEY', 'http']) expect(serialised).not.toContain(secret);
  });

  it('reports errcode and rid of a WeChat error in the event', async () => {
    const { client, events } = stubClient('{"errcode":40029,"errmsg":"invalid code, rid: 66c69111-4157f271-729ca238"}');
    await expect(client.exchangeMiniProgramCode(exchange)).rejects.toMatchObject({ code: 'wechat.code_invalid' });
    expect(events).toEqual([{
      endpoint: 'jscode2session', appId: exchange.appId, durationMs: anyDuration,
      outcome: 'wechat.code_invalid', errcode: 40029, rid: '66c69111-4157f271-729ca238',
    }]);
  });

  it('turns a fetch failure into wechat.unavailable with the cause chained, and never retries', async () => {
    const cause = new TypeError('fetch failed');
    let calls = 0;
    const { client } = stubClient('', { fetch: () => { calls += 1; return Promise.reject(cause); } });
    await expect(client.exchangeMiniProgramCode(exchange)).rejects.toMatchObject({ code: 'wechat.unavailable', cause });
    expect(calls).toBe(1);
  });

  it('keeps the result when the onCall observer throws', async () => {
    const { client } = stubClient('{"session_key":"k==","openid":"o1"}', { onCall: () => { throw new Error('logger down'); } });
    await expect(client.exchangeMiniProgramCode(exchange)).resolves.toMatchObject({ openId: 'o1' });
  });
});

const userInfoBody = '{"openid":"o1","nickname":"恩爸\u0001😀","sex":0,"language":"","city":"","province":"","country":"","headimgurl":"https:\\/\\/thirdwx.qlogo.cn\\/mmopen\\/vi_32\\/x\\/132","privilege":[],"unionid":"u1"}';

describe('fetchUserInfo (GET /sns/userinfo, §8.4)', () => {
  it('sends access_token, openid and lang=zh_CN, and returns the profile without control characters', async () => {
    const { client, urls, events } = stubClient(userInfoBody);
    const info = await client.fetchUserInfo({ appId: exchange.appId, accessToken: 'USERTOKEN/+', openId: 'o1' });
    expect(info).toStrictEqual({ openId: 'o1', unionId: 'u1', nickname: '恩爸😀', pictureUrl: 'https://thirdwx.qlogo.cn/mmopen/vi_32/x/132' });
    const url = new URL(urls[0] ?? '');
    expect(url.pathname).toBe('/sns/userinfo');
    expect(Object.fromEntries(url.searchParams)).toEqual({ access_token: 'USERTOKEN/+', openid: 'o1', lang: 'zh_CN' });
    expect(JSON.stringify(events)).not.toContain('USERTOKEN');
  });

  it('leaves pictureUrl out for an empty or non-http headimgurl', async () => {
    for (const headimgurl of ['', 'javascript:alert(1)']) {
      const { client } = stubClient(`{"openid":"o1","nickname":"n","headimgurl":"${headimgurl}","privilege":[]}`);
      await expect(client.fetchUserInfo({ appId: exchange.appId, accessToken: 't', openId: 'o1' })).resolves.toStrictEqual({ openId: 'o1', nickname: 'n' });
    }
  });

  it('answers wechat.insufficient_scope to 48001 (a snsapi_base token)', async () => {
    const { client } = stubClient('{"errcode":48001,"errmsg":"api unauthorized, rid: 66c69111-4157f271-729ca238"}');
    await expect(client.fetchUserInfo({ appId: exchange.appId, accessToken: 't', openId: 'o1' })).rejects.toMatchObject({ code: 'wechat.insufficient_scope', errcode: 48001 });
  });

  it('refuses a profile of another openid than the one asked for', async () => {
    const { client } = stubClient(userInfoBody);
    await expect(client.fetchUserInfo({ appId: exchange.appId, accessToken: 't', openId: 'o2' })).rejects.toMatchObject({ code: 'wechat.rejected' });
  });
});

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 9, 9]);

function imageClient(body: Uint8Array | string, contentType: string) {
  const requests: Request[] = [];
  const events: WeChatCallEvent[] = [];
  const client = createWeChatClient({
    baseUrl: 'https://wechat.example',
    timeoutMs: 1000,
    fetch: (input, init) => {
      requests.push(new Request(input, init));
      return Promise.resolve(new Response(body, { headers: { 'content-type': contentType } }));
    },
    onCall: (event) => events.push(event),
  });
  return { client, requests, events };
}

const codeRequest = { appId: exchange.appId, accessToken: 'APPTOKEN', scene: 'a1B2c3' };

describe('createMiniProgramCode (POST /wxa/getwxacodeunlimit, §8.6)', () => {
  it('posts the JSON body with WeChat\'s names, only the fields given, and the token in the query', async () => {
    const { client, requests, events } = imageClient(PNG, 'image/png');
    await client.createMiniProgramCode({ ...codeRequest, page: 'pages/web-sign-in/index', checkPath: false, envVersion: 'trial', width: 280 });
    await client.createMiniProgramCode(codeRequest);
    const [full, minimal] = requests;
    expect(full?.method).toBe('POST');
    expect(new URL(full?.url ?? '').pathname).toBe('/wxa/getwxacodeunlimit');
    expect(new URL(full?.url ?? '').searchParams.get('access_token')).toBe('APPTOKEN');
    expect(await full?.json()).toEqual({ scene: 'a1B2c3', page: 'pages/web-sign-in/index', check_path: false, env_version: 'trial', width: 280 });
    expect(await minimal?.json()).toEqual({ scene: 'a1B2c3' });
    expect(events.map((event) => event.endpoint)).toEqual(['getwxacodeunlimit', 'getwxacodeunlimit']);
    expect(JSON.stringify(events)).not.toContain('APPTOKEN');
  });

  it.each([
    ['a PNG', PNG, 'image/png', 'image/png'],
    ['a JPEG', JPEG, 'image/jpeg', 'image/jpeg'],
    ['a PNG labelled as JSON', PNG, 'application/json', 'image/png'],
  ])('returns the bytes of %s, typed by its first bytes', async (_name, bytes, label, contentType) => {
    const { client } = imageClient(bytes, label);
    await expect(client.createMiniProgramCode(codeRequest)).resolves.toStrictEqual({ contentType, bytes: new Uint8Array(bytes) });
  });

  it.each([
    [41030, 'wechat.page_invalid'],
    [40169, 'wechat.scene_invalid'],
    [40001, 'wechat.misconfigured'],
    [45009, 'wechat.misconfigured'],
  ])('maps a JSON errcode %i to %s, even under an image Content-Type', async (errcode, code) => {
    const { client } = imageClient(`{"errcode":${String(errcode)},"errmsg":"x hint: [a1] rid: 66c69111-4157f271-729ca238"}`, 'image/jpeg');
    await expect(client.createMiniProgramCode(codeRequest)).rejects.toMatchObject({ code, errcode });
  });

  it.each([
    ['JSON without an errcode', '{"ok":true}'],
    ['an HTML page', '<html>busy</html>'],
    ['an empty body', ''],
  ])('answers wechat.unavailable to %s', async (_name, body) => {
    const { client } = imageClient(body, 'image/png');
    await expect(client.createMiniProgramCode(codeRequest)).rejects.toMatchObject({ code: 'wechat.unavailable' });
  });
});
