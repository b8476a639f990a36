// GET /sns/jscode2session on the wire (wechat-api.md §1, §3, §14 items 1, 6, 7, 8).
import { describe, expect, it } from 'vitest';
import {
  BOUND_MINI,
  errorBodyPattern,
  exchangeLogin,
  getRaw,
  loginParams,
  loginUrl,
  MINI,
  startSimulator,
} from './simulator-fixture.ts';

const OPENID = 'o[0-9A-Za-z_-]{27}';
const ESCAPED_SESSION_KEY = '(?:[A-Za-z0-9+]|\\\\/){22}==';

describe('GET /sns/jscode2session success', () => {
  it('answers session_key then openid, no errcode, with the observed headers', async () => {
    const t = await startSimulator();
    const response = await exchangeLogin(t, MINI, t.sim.issueCode({ appId: MINI.appId, user: 'alice' }));
    expect(response.status).toBe(200);
    expect(response.raw).toMatch(new RegExp(`^\\{"session_key":"${ESCAPED_SESSION_KEY}","openid":"${OPENID}"\\}$`));
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(response.raw)));
    expect(response.headers.get('connection')).toBe('keep-alive');
    expect(response.headers.get('transfer-encoding')).toBeNull();
  });

  it('matches the stored identity byte for byte, writing every `/` of the session_key as `\\/`', async () => {
    // Rotation 0 gives a fresh key per login; about 30% of keys contain `/`, so 60 tries always find one.
    const t = await startSimulator({ sessionKeyRotationMs: 0 });
    let raw = '';
    let sessionKey = '';
    for (let i = 0; i < 60 && !sessionKey.includes('/'); i += 1) {
      raw = (await exchangeLogin(t, MINI, t.sim.issueCode({ appId: MINI.appId, user: 'alice' }))).raw;
      sessionKey = t.sim.findSessionKey(MINI.appId, 'alice') ?? '';
    }
    expect(sessionKey).toContain('/');
    const openid = t.sim.openIdOf(MINI.appId, 'alice');
    expect(raw).toBe(`{"session_key":"${sessionKey.replaceAll('/', '\\/')}","openid":"${openid}"}`);
    expect(JSON.parse(raw)).toEqual({ session_key: sessionKey, openid });
  });

  it('adds unionid last, only for an app bound to an Open Platform', async () => {
    const t = await startSimulator();
    const response = await exchangeLogin(t, BOUND_MINI, t.sim.issueCode({ appId: BOUND_MINI.appId, user: 'bob' }));
    const body = JSON.parse(response.raw) as Record<string, string>;
    expect(Object.keys(body)).toEqual(['session_key', 'openid', 'unionid']);
    expect(body['openid']).toBe(t.sim.openIdOf(BOUND_MINI.appId, 'bob'));
    expect(body['unionid']).toBe(t.sim.unionIdOf('op-main', 'bob'));
    expect(body['unionid']).toMatch(new RegExp(`^${OPENID}$`));
  });

  it('ignores unknown query parameters such as the access_token WxJava appends', async () => {
    const t = await startSimulator();
    const code = t.sim.issueCode({ appId: MINI.appId, user: 'alice' });
    const response = await getRaw(loginUrl(t.url, { ...loginParams(MINI, code), access_token: 'x', foo: 'bar' }));
    expect(JSON.parse(response.raw)).toHaveProperty('openid', t.sim.openIdOf(MINI.appId, 'alice'));
  });
});

describe('GET /sns/jscode2session request checks', () => {
  const code = 'A'.repeat(32);
  const full = loginParams(MINI, code);
  const cases: ReadonlyArray<[string, Record<string, string>, number, string]> = [
    ['no parameters at all', {}, 41002, 'appid missing'],
    ['an empty appid', { ...full, appid: '' }, 41002, 'appid missing'],
    ['`appsecret` instead of `secret`', { appid: MINI.appId, appsecret: MINI.secret, js_code: code }, 41004, 'appsecret missing'],
    ['no js_code (also unknown appid)', { appid: 'wx-unknown', secret: 'x' }, 41008, 'missing code'],
    ['an unknown appid (also a bad grant_type)', { ...full, appid: 'wx-unknown', grant_type: 'x' }, 40013, 'invalid appid'],
    ['a wrong secret (also a bad grant_type)', { ...full, secret: 'wrong', grant_type: 'x' }, 40125, 'invalid appsecret'],
    ['a wrong grant_type', { ...full, grant_type: 'client_credential' }, 40002, 'invalid grant_type'],
    ['no grant_type', { appid: MINI.appId, secret: MINI.secret, js_code: code }, 40002, 'invalid grant_type'],
  ];

  it.each(cases)('answers HTTP 200 and the right errcode for %s', async (_name, params, errcode, stem) => {
    const t = await startSimulator();
    const response = await getRaw(loginUrl(t.url, params));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(response.raw).toMatch(errorBodyPattern(t, errcode, stem));
  });

  it('answers 40243 for a frozen AppSecret, before the IP whitelist', async () => {
    const t = await startSimulator();
    t.sim.registerApp({ ...MINI, secretFrozen: true, ipWhitelistEnabled: true });
    const response = await exchangeLogin(t, MINI, code);
    expect(response.raw).toMatch(errorBodyPattern(t, 40243, 'appsecret is frozen'));
  });

  it('answers 40164 naming the caller IP when the whitelist is on and the caller is not in it', async () => {
    const t = await startSimulator();
    t.sim.registerApp({ ...MINI, ipWhitelistEnabled: true, ipWhitelist: ['10.0.0.1'] });
    const response = await getRaw(loginUrl(t.url, { ...full, grant_type: 'wrong' }));
    const stem = 'invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist';
    expect(response.raw).toMatch(errorBodyPattern(t, 40164, stem));
  });

  it('lets a whitelisted caller through', async () => {
    const t = await startSimulator();
    t.sim.registerApp({ ...MINI, ipWhitelistEnabled: true, ipWhitelist: ['127.0.0.1'] });
    const response = await exchangeLogin(t, MINI, t.sim.issueCode({ appId: MINI.appId, user: 'alice' }));
    expect(JSON.parse(response.raw)).toHaveProperty('openid');
  });

  it('answers 43001 `require GET method` to a POST, leaving the code unused', async () => {
    const t = await startSimulator();
    const issued = t.sim.issueCode({ appId: MINI.appId, user: 'alice' });
    const posted = await getRaw(loginUrl(t.url, loginParams(MINI, issued)), { method: 'POST' });
    expect(posted.status).toBe(200);
    expect(posted.raw).toMatch(errorBodyPattern(t, 43001, 'require GET method'));
    expect(JSON.parse((await exchangeLogin(t, MINI, issued)).raw)).toHaveProperty('session_key');
  });

  it('answers 404 for a path WeChat does not have here', async () => {
    const t = await startSimulator();
    const response = await getRaw(`${t.url}/sns/nope`);
    expect(response.status).toBe(404);
    expect(t.sim.requests.at(-1)).toMatchObject({ path: '/sns/nope', endpoint: null, outcome: 'not_found' });
  });
});

describe('errmsg suffix styles', () => {
  it('puts the simulator clock, in hex Unix seconds, in the first rid group', async () => {
    const t = await startSimulator();
    t.advance(86_400_000);
    const response = await getRaw(loginUrl(t.url, {}));
    const rid = /rid: ([0-9a-f]{8})-/.exec(response.raw)?.[1];
    expect(rid).toBe(Math.floor((Date.UTC(2024, 7, 22, 1, 2, 3) + 86_400_000) / 1000).toString(16));
  });

  it('writes the quota and system-error stems without a comma, others with one', async () => {
    const t = await startSimulator();
    t.sim.injectFault({ kind: 'errcode', errcode: -1 });
    expect((await getRaw(loginUrl(t.url, {}))).raw).toMatch(errorBodyPattern(t, -1, 'system error', ' '));
    expect((await getRaw(loginUrl(t.url, {}))).raw).toMatch(errorBodyPattern(t, 41002, 'appid missing', ', '));
  });

  it.each([
    ['hints_req_id', /^\{"errcode":41002,"errmsg":"appid missing, hints: \[ req_id: [0-9A-Za-z]{9}-[0-9A-Za-z_-]{6} \]"\}$/],
    ['hint_rid', /^\{"errcode":41002,"errmsg":"appid missing hint: \[[0-9A-Za-z]{9}-[0-9A-Za-z_-]{6}\] rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"\}$/],
    ['rid_no_comma', /^\{"errcode":41002,"errmsg":"appid missing rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"\}$/],
  ] as const)('switches to the legacy %s style', async (style, pattern) => {
    const t = await startSimulator();
    t.sim.setErrmsgStyle(style);
    expect((await getRaw(loginUrl(t.url, {}))).raw).toMatch(pattern);
  });
});
