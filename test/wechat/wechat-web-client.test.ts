// The WeChat client's browser-sign-in and mini-program-code calls against the simulator on a real socket
// (wechat-api.md §8.2, §8.4, §8.6): user tokens that work at sns/userinfo, scopes, snapshot users, PNG codes,
// errcodes with their own kinds, and token rejections a caller can recognise to refresh and retry once.
import { inspect } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWeChatClient, type WeChatCallEvent } from '../../src/wechat/wechat-client.ts';
import { isAccessTokenRejected, WeChatError } from '../../src/wechat/wechat-errors.ts';
import { createWeChatSimulator, type SimulatedApp } from '../../src/wechat-simulator/wechat-simulator.ts';

const miniProgram = { appId: 'wx00000000000000m1', secret: '1'.repeat(32), kind: 'miniprogram', openPlatformId: 'op-1', pages: ['pages/index/index', 'pages/web-sign-in/index'] } satisfies SimulatedApp;
const officialAccount = { appId: 'wx00000000000000c1', secret: '3'.repeat(32), kind: 'official_account', openPlatformId: 'op-1' } satisfies SimulatedApp;
const website = { appId: 'wx00000000000000d1', secret: '4'.repeat(32), kind: 'web', openPlatformId: 'op-1' } satisfies SimulatedApp;

async function startWeChat() {
  let now = Date.UTC(2025, 0, 6, 8);
  const simulator = createWeChatSimulator({ now: () => now });
  for (const app of [miniProgram, officialAccount, website]) simulator.registerApp(app);
  const { url } = await simulator.listen();
  onTestFinished(() => simulator.close());
  const events: WeChatCallEvent[] = [];
  const client = createWeChatClient({ baseUrl: url, timeoutMs: 2000, onCall: (event) => events.push(event) });
  return { simulator, client, events, advance: (ms: number) => { now += ms; } };
}

type Started = Awaited<ReturnType<typeof startWeChat>>;

async function signIn({ simulator, client }: Started, app: SimulatedApp, user: string, scope?: 'snsapi_base' | 'snsapi_userinfo') {
  const code = simulator.issueCode({ appId: app.appId, user, ...(scope === undefined ? {} : { scope }) });
  return client.exchangeOAuthCode({ appId: app.appId, secret: app.secret, code });
}

async function failureOf(promise: Promise<unknown>): Promise<WeChatError> {
  const error: unknown = await promise.then(() => expect.unreachable('the call succeeded'), (reason: unknown) => reason);
  expect(error).toBeInstanceOf(WeChatError);
  return error as WeChatError;
}

describe('exchangeOAuthCode + fetchUserInfo (§8.2, §8.4)', () => {
  it('returns a user token that reads the profile of the same person, with one unionid across website and official account', async () => {
    const started = await startWeChat();
    const web = await signIn(started, website, 'alice');
    const oa = await signIn(started, officialAccount, 'alice', 'snsapi_userinfo');
    const profile = await started.client.fetchUserInfo({ appId: website.appId, accessToken: web.accessToken, openId: web.openId });
    expect(profile).toStrictEqual({
      openId: started.simulator.openIdOf(website.appId, 'alice'),
      unionId: started.simulator.unionIdOf('op-1', 'alice'),
      nickname: 'alice 🐼',
      pictureUrl: expect.stringMatching(/^https:\/\/thirdwx\.qlogo\.cn\/mmopen\/vi_32\/\w+\/132$/) as unknown,
    });
    expect(oa.unionId).toBe(web.unionId);
    expect(started.events.map((event) => [event.endpoint, event.outcome])).toEqual([
      ['oauth2_access_token', 'ok'], ['oauth2_access_token', 'ok'], ['userinfo', 'ok'],
    ]);
    const leaked = `${JSON.stringify(started.events)}${inspect(started.events)}`;
    for (const token of [web.accessToken, oa.accessToken]) expect(leaked).not.toContain(token);
  });

  it('decodes the profile as UTF-8 whatever Content-Type WeChat claims', async () => {
    const started = await startWeChat();
    started.simulator.setUserProfile('bob', { nickname: '恩爸😀' });
    started.simulator.setContentType('userinfo', 'text/html; charset=gbk');
    const web = await signIn(started, website, 'bob');
    await expect(started.client.fetchUserInfo({ appId: website.appId, accessToken: web.accessToken, openId: web.openId })).resolves.toMatchObject({ nickname: '恩爸😀' });
  });

  it('answers wechat.insufficient_scope for a snsapi_base token', async () => {
    const started = await startWeChat();
    const base = await signIn(started, officialAccount, 'carol', 'snsapi_base');
    expect(base).toMatchObject({ scope: 'snsapi_base', isSnapshotUser: false });
    expect(base).not.toHaveProperty('unionId');
    const error = await failureOf(started.client.fetchUserInfo({ appId: officialAccount.appId, accessToken: base.accessToken, openId: base.openId }));
    expect(error).toMatchObject({ code: 'wechat.insufficient_scope', errcode: 48001 });
  });

  it('surfaces a snapshot-mode user: isSnapshotUser, a virtual openid and no unionid', async () => {
    const started = await startWeChat();
    started.simulator.setUserFlags('sam', { snapshot: true });
    const identity = await signIn(started, officialAccount, 'sam', 'snsapi_userinfo');
    expect(identity).toMatchObject({ isSnapshotUser: true, openId: started.simulator.snapshotOpenIdOf(officialAccount.appId, 'sam') });
    expect(identity).not.toHaveProperty('unionId');
  });

  it('recognises an expired user token as a token rejection (42001)', async () => {
    const started = await startWeChat();
    const web = await signIn(started, website, 'dave');
    started.advance(7_200_001);
    const error = await failureOf(started.client.fetchUserInfo({ appId: website.appId, accessToken: web.accessToken, openId: web.openId }));
    expect(error).toMatchObject({ errcode: 42001 });
    expect(isAccessTokenRejected(error)).toBe(true);
  });
});

describe('createMiniProgramCode (§8.6)', () => {
  async function appToken(started: Started, forceRefresh = false): Promise<string> {
    return (await started.client.fetchStableToken({ appId: miniProgram.appId, secret: miniProgram.secret, forceRefresh })).accessToken;
  }

  it('returns a PNG for the scene, which the simulator logs for the phone to scan', async () => {
    const started = await startWeChat();
    const image = await started.client.createMiniProgramCode({
      appId: miniProgram.appId, accessToken: await appToken(started), scene: 'k7Qx2', page: 'pages/web-sign-in/index', width: 280,
    });
    expect(image.contentType).toBe('image/png');
    expect(image.bytes.byteLength).toBeGreaterThan(100);
    expect(Buffer.from(image.bytes).includes('scene\u0000k7Qx2', 0, 'latin1')).toBe(true);
    expect(started.simulator.requests.filter((request) => request.endpoint === 'getwxacodeunlimit')).toMatchObject([{ scene: 'k7Qx2', outcome: 'ok' }]);
    expect(started.events.at(-1)).toMatchObject({ endpoint: 'getwxacodeunlimit', appId: miniProgram.appId, outcome: 'ok' });
  });

  it('answers wechat.page_invalid (41030) for an unpublished page and wechat.scene_invalid (40169) for a bad scene', async () => {
    const started = await startWeChat();
    const accessToken = await appToken(started);
    const page = await failureOf(started.client.createMiniProgramCode({ appId: miniProgram.appId, accessToken, scene: 's', page: 'pages/nope/index' }));
    const scene = await failureOf(started.client.createMiniProgramCode({ appId: miniProgram.appId, accessToken, scene: 'x'.repeat(33) }));
    expect(page).toMatchObject({ code: 'wechat.page_invalid', errcode: 41030 });
    expect(scene).toMatchObject({ code: 'wechat.scene_invalid', errcode: 40169 });
    expect(isAccessTokenRejected(page) || isAccessTokenRejected(scene)).toBe(false);
  });

  it('lets the caller recognise a revoked app token, refresh it and succeed on the one retry', async () => {
    const started = await startWeChat();
    const stale = await appToken(started);
    started.simulator.invalidateAccessTokens({ appId: miniProgram.appId });
    const error = await failureOf(started.client.createMiniProgramCode({ appId: miniProgram.appId, accessToken: stale, scene: 'retry1' }));
    expect(isAccessTokenRejected(error)).toBe(true);
    const fresh = await appToken(started, true);
    await expect(started.client.createMiniProgramCode({ appId: miniProgram.appId, accessToken: fresh, scene: 'retry1' })).resolves.toMatchObject({ contentType: 'image/png' });
    expect(inspect(error)).not.toContain(stale);
  });

  it('answers wechat.unavailable when the transport fails', async () => {
    const started = await startWeChat();
    const accessToken = await appToken(started);
    started.simulator.injectFault({ kind: 'truncated_json', endpoint: 'getwxacodeunlimit' });
    started.simulator.injectFault({ kind: 'http_status', status: 502, endpoint: 'getwxacodeunlimit' });
    for (let i = 0; i < 2; i += 1) {
      await expect(started.client.createMiniProgramCode({ appId: miniProgram.appId, accessToken, scene: 'f' })).rejects.toMatchObject({ code: 'wechat.unavailable' });
    }
  });
});
