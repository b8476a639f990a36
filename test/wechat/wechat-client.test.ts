// The WeChat client against the WeChat simulator on a real socket: success shapes, errcode classes,
// transport faults, content types, one upstream request per exchange and no secret in errors or events.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createWeChatClient } from '../../src/wechat/wechat-client.ts';
import type { WeChatCallEvent, WeChatEndpoint } from '../../src/wechat/wechat-client.ts';
import { WeChatError } from '../../src/wechat/wechat-errors.ts';
import type { WeChatErrorCode } from '../../src/wechat/wechat-errors.ts';
import { createWeChatSimulator } from '../../src/wechat-simulator/wechat-simulator.ts';
import type { Fault, SimulatedApp, WeChatSimulator } from '../../src/wechat-simulator/wechat-simulator.ts';

const secret = (n: number): string => n.toString(16).repeat(32).slice(0, 32);
const miniProgram = { appId: 'wx4f4bc4dec97d474b', secret: secret(1), kind: 'miniprogram' } satisfies SimulatedApp;
const boundMiniProgram = { appId: 'wx00000000000000b1', secret: secret(2), kind: 'miniprogram', openPlatformId: 'op-1' } satisfies SimulatedApp;
const officialAccount = { appId: 'wx00000000000000c1', secret: secret(3), kind: 'official_account', openPlatformId: 'op-1' } satisfies SimulatedApp;
const website = { appId: 'wx00000000000000d1', secret: secret(4), kind: 'web', openPlatformId: 'op-1' } satisfies SimulatedApp;
const mobileApp = { appId: 'wx00000000000000e1', secret: secret(5), kind: 'app', openPlatformId: 'op-1' } satisfies SimulatedApp;
const allApps = [miniProgram, boundMiniProgram, officialAccount, website, mobileApp];
const ridShape = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
const anyDuration: unknown = expect.any(Number);
const anyRid: unknown = expect.stringMatching(ridShape);
const userToken: unknown = expect.stringMatching(/^\d{1,2}_[\w-]{100,}$/);

async function startWeChat(options: { timeoutMs?: number; now?: () => number } = {}) {
  const simulator = createWeChatSimulator(options.now === undefined ? {} : { now: options.now });
  for (const app of allApps) simulator.registerApp(app);
  const { url } = await simulator.listen();
  onTestFinished(async () => {
    await simulator.close();
  });
  const events: WeChatCallEvent[] = [];
  const client = createWeChatClient({ baseUrl: url, timeoutMs: options.timeoutMs ?? 2000, onCall: (event) => events.push(event) });
  return { simulator, client, events, url };
}

type Started = Awaited<ReturnType<typeof startWeChat>>;

/** Exchanges a fresh code of `app` for `user`, whichever endpoint the app kind uses. */
function exchange({ client }: Started, app: SimulatedApp, code: string) {
  const input = { appId: app.appId, secret: app.secret, code };
  return app.kind === 'miniprogram' ? client.exchangeMiniProgramCode(input) : client.exchangeOAuthCode(input);
}

async function failureOf(promise: Promise<unknown>): Promise<WeChatError> {
  const error: unknown = await promise.then(() => expect.unreachable('the exchange succeeded'), (reason: unknown) => reason);
  expect(error).toBeInstanceOf(WeChatError);
  return error as WeChatError;
}

function expectOneRequest(simulator: WeChatSimulator, endpoint: WeChatEndpoint, code: string): void {
  const requests = simulator.requests.filter((request) => request.endpoint === endpoint);
  expect(requests).toHaveLength(1);
  expect(requests[0]?.query[endpoint === 'jscode2session' ? 'js_code' : 'code']).toBe(code);
}

function expectNothingSecret(things: unknown[], secrets: Array<string | null>): void {
  const text = things.map((thing) => `${String(thing)}\n${inspect(thing, { depth: Infinity })}\n${JSON.stringify(thing)}`).join('\n');
  for (const value of secrets) if (value !== null) expect(text).not.toContain(value);
}

describe('exchangeMiniProgramCode (GET /sns/jscode2session)', () => {
  it('returns openId and sessionKey, and no unionId for an app without Open Platform binding', async () => {
    const started = await startWeChat();
    const code = started.simulator.issueCode({ appId: miniProgram.appId, user: 'alice' });
    const session = await started.client.exchangeMiniProgramCode({ appId: miniProgram.appId, secret: miniProgram.secret, code });
    expect(session).toStrictEqual({
      openId: started.simulator.openIdOf(miniProgram.appId, 'alice'),
      sessionKey: started.simulator.findSessionKey(miniProgram.appId, 'alice'),
    });
    expectOneRequest(started.simulator, 'jscode2session', code);
    expect(started.simulator.requests[0]?.query).toEqual({
      appid: miniProgram.appId, secret: miniProgram.secret, js_code: code, grant_type: 'authorization_code',
    });
    expect(started.events).toEqual([{ endpoint: 'jscode2session', appId: miniProgram.appId, durationMs: anyDuration, outcome: 'ok' }]);
    expectNothingSecret([started.events], [miniProgram.secret, code, session.sessionKey]);
  });

  it('returns the unionId of an app bound to an Open Platform account', async () => {
    const started = await startWeChat();
    const code = started.simulator.issueCode({ appId: boundMiniProgram.appId, user: 'bob' });
    const session = await exchange(started, boundMiniProgram, code);
    expect(session).toStrictEqual({
      openId: started.simulator.openIdOf(boundMiniProgram.appId, 'bob'),
      unionId: started.simulator.unionIdOf('op-1', 'bob'),
      sessionKey: started.simulator.findSessionKey(boundMiniProgram.appId, 'bob'),
    });
  });
});

describe('exchangeOAuthCode (GET /sns/oauth2/access_token)', () => {
  it('returns openId and scope for an official-account snsapi_base code, without unionId', async () => {
    const started = await startWeChat();
    const code = started.simulator.issueCode({ appId: officialAccount.appId, user: 'carol', scope: 'snsapi_base' });
    await expect(exchange(started, officialAccount, code)).resolves.toStrictEqual({
      openId: started.simulator.openIdOf(officialAccount.appId, 'carol'), scope: 'snsapi_base', isSnapshotUser: false, accessToken: userToken,
    });
    expectOneRequest(started.simulator, 'oauth2_access_token', code);
    expect(started.events).toMatchObject([{ endpoint: 'oauth2_access_token', appId: officialAccount.appId, outcome: 'ok' }]);
  });

  it.each([
    ['an official-account snsapi_userinfo', officialAccount, 'snsapi_userinfo'],
    ['a website snsapi_login', website, 'snsapi_login'],
    ['a mobile-app snsapi_userinfo', mobileApp, 'snsapi_userinfo'],
  ] as const)('returns the unionId for %s code of a bound app', async (_name, app, scope) => {
    const started = await startWeChat();
    const code = started.simulator.issueCode({ appId: app.appId, user: 'dave', scope });
    await expect(exchange(started, app, code)).resolves.toStrictEqual({
      openId: started.simulator.openIdOf(app.appId, 'dave'), unionId: started.simulator.unionIdOf('op-1', 'dave'), scope, isSnapshotUser: false, accessToken: userToken,
    });
  });
});

type ErrcodeCase = {
  name: string;
  app: SimulatedApp;
  code: WeChatErrorCode;
  errcode: number;
  /** Sets the scene and returns the code to exchange (default: a fresh code of `app` for mallory). */
  arrange?: (simulator: WeChatSimulator) => unknown;
  wrongSecret?: true;
};

const errcodeCases: ErrcodeCase[] = [
  { name: 'an unknown code (40029)', app: miniProgram, code: 'wechat.code_invalid', errcode: 40029, arrange: () => 'x'.repeat(32) },
  { name: 'an OAuth code of another app (40029)', app: officialAccount, code: 'wechat.code_invalid', errcode: 40029,
    arrange: (simulator) => simulator.issueCode({ appId: website.appId, user: 'mallory' }) },
  { name: 'a blocked user (40226)', app: miniProgram, code: 'wechat.user_blocked', errcode: 40226,
    arrange: (simulator) => { simulator.setUserFlags('mallory', { blocked: true }); } },
  { name: 'the per-minute limit (45011)', app: miniProgram, code: 'wechat.rate_limited', errcode: 45011,
    arrange: (simulator) => { simulator.injectFault({ kind: 'errcode', errcode: 45011 }); } },
  { name: 'system busy (-1)', app: officialAccount, code: 'wechat.unavailable', errcode: -1,
    arrange: (simulator) => { simulator.injectFault({ kind: 'errcode', errcode: -1 }); } },
  { name: 'a wrong AppSecret (40125)', app: miniProgram, code: 'wechat.misconfigured', errcode: 40125, wrongSecret: true },
  { name: 'a wrong OAuth AppSecret (40125)', app: website, code: 'wechat.misconfigured', errcode: 40125, wrongSecret: true },
  { name: 'an IP outside the whitelist (40164)', app: miniProgram, code: 'wechat.misconfigured', errcode: 40164,
    arrange: (simulator) => { simulator.registerApp({ ...miniProgram, ipWhitelistEnabled: true, ipWhitelist: ['203.0.113.7'] }); } },
  { name: 'a frozen AppSecret (40243)', app: website, code: 'wechat.misconfigured', errcode: 40243,
    arrange: (simulator) => { simulator.registerApp({ ...website, secretFrozen: true }); } },
  { name: 'an errcode we do not know', app: mobileApp, code: 'wechat.rejected', errcode: 61999,
    arrange: (simulator) => { simulator.injectFault({ kind: 'errcode', errcode: 61999 }); } },
];

describe('WeChat errcodes', () => {
  it.each(errcodeCases)('maps $name to $code', async ({ app, code: kind, errcode, arrange, wrongSecret }) => {
    const started = await startWeChat();
    const arranged = arrange?.(started.simulator);
    const code = typeof arranged === 'string' ? arranged : started.simulator.issueCode({ appId: app.appId, user: 'mallory' });
    const usedSecret = wrongSecret === true ? secret(9) : app.secret;
    const error = await failureOf(exchange(started, { ...app, secret: usedSecret }, code));
    expect(error).toMatchObject({ code: kind, errcode, rid: anyRid });
    expect(error.message).toMatch(new RegExp(`^WeChat errcode ${String(errcode)}: [a-zA-Z]`));
    const endpoint = app.kind === 'miniprogram' ? 'jscode2session' : 'oauth2_access_token';
    expectOneRequest(started.simulator, endpoint, code);
    expect(started.events).toEqual([{ endpoint, appId: app.appId, durationMs: anyDuration, outcome: kind, errcode, rid: error.rid }]);
    // No secret, no code, and none of errmsg's free text (40164 names our IP).
    expectNothingSecret([error, started.events], [app.secret, usedSecret, code, '127.0.0.1', 'whitelist,']);
  });

  it('answers wechat.code_invalid (40163) for a reused code and sends it once per exchange', async () => {
    const started = await startWeChat();
    const code = started.simulator.issueCode({ appId: miniProgram.appId, user: 'erin' });
    await exchange(started, miniProgram, code);
    const error = await failureOf(exchange(started, miniProgram, code));
    expect(error).toMatchObject({ code: 'wechat.code_invalid', errcode: 40163 });
    expect(started.simulator.requests).toHaveLength(2);
  });

  it('answers wechat.code_invalid (42003) for an expired OAuth code', async () => {
    let now = Date.now();
    const started = await startWeChat({ now: () => now });
    const code = started.simulator.issueCode({ appId: officialAccount.appId, user: 'frank' });
    now += 301_000;
    await expect(exchange(started, officialAccount, code)).rejects.toMatchObject({ code: 'wechat.code_invalid', errcode: 42003 });
  });

  it('puts neither the IP-bearing errmsg nor the rid text into the message', async () => {
    const started = await startWeChat();
    started.simulator.registerApp({ ...miniProgram, ipWhitelistEnabled: true });
    const code = started.simulator.issueCode({ appId: miniProgram.appId, user: 'grace' });
    const error = await failureOf(exchange(started, miniProgram, code));
    expect(error.message).toBe('WeChat errcode 40164: caller IP not in the API IP whitelist');
  });
});

describe('transport faults', () => {
  it.each<[string, Fault]>([
    ['an empty body', { kind: 'empty_body' }],
    ['a non-JSON body', { kind: 'non_json_body' }],
    ['an HTML page', { kind: 'html_body' }],
    ['a truncated JSON body', { kind: 'truncated_json' }],
    ['HTTP 502', { kind: 'http_status', status: 502 }],
    ['HTTP 504', { kind: 'http_status', status: 504 }],
    ['a connection reset', { kind: 'connection_reset' }],
    ['a reset after WeChat burnt the code', { kind: 'burn_code_then', then: 'connection_reset' }],
  ])('answers wechat.unavailable for %s, after exactly one request', async (_name, fault) => {
    const started = await startWeChat();
    for (const app of [miniProgram, officialAccount]) {
      started.simulator.injectFault(fault);
      const code = started.simulator.issueCode({ appId: app.appId, user: 'heidi' });
      const error = await failureOf(exchange(started, app, code));
      expect(error).toMatchObject({ code: 'wechat.unavailable', errcode: undefined, retryAfterSeconds: 5 });
      expectOneRequest(started.simulator, app.kind === 'miniprogram' ? 'jscode2session' : 'oauth2_access_token', code);
      expectNothingSecret([error, started.events], [app.secret, code]);
    }
    expect(started.events.map((event) => event.outcome)).toEqual(['wechat.unavailable', 'wechat.unavailable']);
  });

  it('gives up within the timeout when WeChat is slow, and does not retry', async () => {
    const started = await startWeChat({ timeoutMs: 200 });
    started.simulator.injectFault({ kind: 'delay', ms: 600 });
    const code = started.simulator.issueCode({ appId: miniProgram.appId, user: 'ivan' });
    const began = performance.now();
    const error = await failureOf(exchange(started, miniProgram, code));
    const elapsed = performance.now() - began;
    expect(error).toMatchObject({ code: 'wechat.unavailable', message: 'WeChat did not answer within 200 ms' });
    expect(error.cause).toBeDefined();
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(450);
    expect(started.events).toMatchObject([{ outcome: 'wechat.unavailable' }]);
    // The simulator logs a request once it has answered it (after its 600 ms delay).
    await vi.waitFor(() => {
      expect(started.simulator.requests).toHaveLength(1);
    }, { timeout: 2000 });
    expectOneRequest(started.simulator, 'jscode2session', code);
    expectNothingSecret([error, started.events], [miniProgram.secret, code, started.simulator.findSessionKey(miniProgram.appId, 'ivan')]);
  });

  it('times out when the headers arrive but the body stalls', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '200' });
      res.write('{"session_key":"');
    });
    await new Promise<void>((resolve) => {
      stalling.listen(0, '127.0.0.1', resolve);
    });
    onTestFinished(async () => {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    });
    const { port } = stalling.address() as AddressInfo;
    const client = createWeChatClient({ baseUrl: `http://127.0.0.1:${String(port)}`, timeoutMs: 200 });
    const began = performance.now();
    const error = await failureOf(client.exchangeMiniProgramCode({ appId: miniProgram.appId, secret: miniProgram.secret, code: 'c'.repeat(32) }));
    expect(error).toMatchObject({ code: 'wechat.unavailable', message: 'WeChat did not answer within 200 ms' });
    expect(performance.now() - began).toBeLessThan(450);
  });

  it('answers wechat.unavailable when nothing listens', async () => {
    const started = await startWeChat();
    await started.simulator.close();
    const client = createWeChatClient({ baseUrl: started.url, timeoutMs: 2000 });
    const error = await failureOf(client.exchangeMiniProgramCode({ appId: miniProgram.appId, secret: miniProgram.secret, code: 'c'.repeat(32) }));
    expect(error).toMatchObject({ code: 'wechat.unavailable', message: 'WeChat could not be reached' });
    expectNothingSecret([error], [miniProgram.secret, 'c'.repeat(32)]);
  });
});

describe('content types (wechat-api §1.3)', () => {
  it.each(['text/plain', 'application/json', 'application/json; encoding=utf-8', 'text/html; charset=gbk'])(
    'parses successes and errors served as %s',
    async (contentType) => {
      const started = await startWeChat();
      started.simulator.setContentType('jscode2session', contentType);
      started.simulator.setContentType('oauth2_access_token', contentType);
      for (const app of [boundMiniProgram, website]) {
        const code = started.simulator.issueCode({ appId: app.appId, user: 'judy' });
        await expect(exchange(started, app, code)).resolves.toMatchObject({ openId: started.simulator.openIdOf(app.appId, 'judy') });
        await expect(exchange(started, app, code)).rejects.toMatchObject({ code: 'wechat.code_invalid', errcode: 40163 });
      }
      expect(started.simulator.requests).toHaveLength(4);
    },
  );
});
