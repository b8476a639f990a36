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
      openId: 'o1', unionId: 'u1', scope: 'snsapi_userinfo', isSnapshotUser,
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
