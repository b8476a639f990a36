// Login-code semantics of jscode2session (wechat-api.md §3.3, §7, §11, §14 items 2–7): one-time use,
// expiry, app binding, the per-user minute quota, risk blocking, unionid binding and session_key rotation.
import { describe, expect, it } from 'vitest';
import {
  BOUND_MINI,
  errorBodyPattern,
  exchangeLogin,
  exchangeOAuth,
  MINI,
  OA,
  startSimulator,
  type TestSimulator,
} from './simulator-fixture.ts';

function login(t: TestSimulator, user: string, app: typeof MINI | typeof BOUND_MINI = MINI): string {
  return t.sim.issueCode({ appId: app.appId, user });
}

async function sessionOf(t: TestSimulator, code: string): Promise<Record<string, string>> {
  return JSON.parse((await exchangeLogin(t, MINI, code)).raw) as Record<string, string>;
}

describe('jscode2session login codes', () => {
  it('mints 32-character alphanumeric codes', async () => {
    const t = await startSimulator();
    expect(login(t, 'alice')).toMatch(/^[0-9A-Za-z]{32}$/);
  });

  it('accepts a code once, then answers 40163 `code been used`', async () => {
    const t = await startSimulator();
    const code = login(t, 'alice');
    expect(JSON.parse((await exchangeLogin(t, MINI, code)).raw)).toHaveProperty('session_key');
    expect((await exchangeLogin(t, MINI, code)).raw).toMatch(errorBodyPattern(t, 40163, 'code been used'));
  });

  it('accepts a code up to 300 s old and answers 40029 after that', async () => {
    const t = await startSimulator();
    const fresh = login(t, 'alice');
    const stale = login(t, 'alice');
    t.advance(300_000);
    expect(JSON.parse((await exchangeLogin(t, MINI, fresh)).raw)).toHaveProperty('openid');
    t.advance(1);
    expect((await exchangeLogin(t, MINI, stale)).raw).toMatch(errorBodyPattern(t, 40029, 'invalid code'));
  });

  it('honours a configured code TTL', async () => {
    const t = await startSimulator({ codeTtlMs: 1_000 });
    const code = login(t, 'alice');
    t.advance(1_001);
    expect((await exchangeLogin(t, MINI, code)).raw).toMatch(errorBodyPattern(t, 40029, 'invalid code'));
  });

  it('answers 40029 for unknown codes, other apps\' codes and official-account codes', async () => {
    const t = await startSimulator();
    const unknown = await exchangeLogin(t, MINI, 'Z'.repeat(32));
    const otherApp = await exchangeLogin(t, MINI, login(t, 'alice', BOUND_MINI));
    const oaCode = t.sim.issueCode({ appId: OA.appId, user: 'alice' });
    const oaAtLogin = await exchangeLogin(t, OA, oaCode);
    for (const response of [unknown, otherApp, oaAtLogin]) {
      expect(response.raw).toMatch(errorBodyPattern(t, 40029, 'invalid code'));
    }
    // The OA code was not spent by the wrong endpoint.
    expect(JSON.parse((await exchangeOAuth(t, OA, oaCode)).raw)).toHaveProperty('access_token');
  });

  it('refuses codes for unknown apps at issue time', async () => {
    const t = await startSimulator();
    expect(() => t.sim.issueCode({ appId: 'wx-nope', user: 'alice' })).toThrow(/register it first/);
  });
});

describe('jscode2session per-user minute quota', () => {
  it('answers 45011 to the 101st call by one user within a minute, and recovers a minute later', async () => {
    const t = await startSimulator();
    const codes = Array.from({ length: 101 }, () => login(t, 'alice'));
    for (const code of codes.slice(0, 100)) {
      expect(JSON.parse((await exchangeLogin(t, MINI, code)).raw)).toHaveProperty('openid');
    }
    const limited = await exchangeLogin(t, MINI, codes[100] ?? '');
    const stem = 'api minute-quota reach limit mustslower retry next minute';
    expect(limited.raw).toMatch(errorBodyPattern(t, 45011, stem, ' '));
    // Other users are not affected, and the refused code was not spent.
    expect(JSON.parse((await exchangeLogin(t, MINI, login(t, 'bob'))).raw)).toHaveProperty('openid');
    t.advance(60_000);
    expect(JSON.parse((await exchangeLogin(t, MINI, codes[100] ?? '')).raw)).toHaveProperty('openid');
  });

  it('honours a configured quota', async () => {
    const t = await startSimulator({ perUserMinuteQuota: 1 });
    await exchangeLogin(t, MINI, login(t, 'alice'));
    expect(JSON.parse((await exchangeLogin(t, MINI, login(t, 'alice'))).raw)).toMatchObject({ errcode: 45011 });
  });
});

describe('jscode2session risk control', () => {
  it('answers 40226 `code blocked` for a flagged user and spends the code', async () => {
    const t = await startSimulator();
    t.sim.setUserFlags('mallory', { blocked: true });
    const code = login(t, 'mallory');
    expect((await exchangeLogin(t, MINI, code)).raw).toMatch(errorBodyPattern(t, 40226, 'code blocked'));
    t.sim.setUserFlags('mallory', { blocked: false });
    expect(JSON.parse((await exchangeLogin(t, MINI, code)).raw)).toMatchObject({ errcode: 40163 });
    expect(JSON.parse((await exchangeLogin(t, MINI, login(t, 'mallory'))).raw)).toHaveProperty('openid');
  });
});

describe('jscode2session identities', () => {
  it('gives one stable openid per (app, user) and one unionid per (platform, user)', async () => {
    const t = await startSimulator();
    const first = await sessionOf(t, login(t, 'alice'));
    const second = await sessionOf(t, login(t, 'alice'));
    expect(second['openid']).toBe(first['openid']);
    expect(t.sim.openIdOf(BOUND_MINI.appId, 'alice')).not.toBe(first['openid']);
    expect(t.sim.unionIdOf('op-main', 'alice')).toBe(t.sim.unionIdOf('op-main', 'alice'));
    expect(t.sim.unionIdOf('op-other', 'alice')).not.toBe(t.sim.unionIdOf('op-main', 'alice'));
  });

  it('starts returning unionid for the same openid once the app is re-registered as bound', async () => {
    const t = await startSimulator();
    const before = await sessionOf(t, login(t, 'alice'));
    expect(before).not.toHaveProperty('unionid');
    t.sim.registerApp({ ...MINI, openPlatformId: 'op-main' });
    const after = await sessionOf(t, login(t, 'alice'));
    expect(after['openid']).toBe(before['openid']);
    expect(after['unionid']).toBe(t.sim.unionIdOf('op-main', 'alice'));
  });
});

describe('jscode2session session_key rotation', () => {
  it('keeps the session_key for logins within 300 s and rotates it on a login after that', async () => {
    const t = await startSimulator();
    const first = await sessionOf(t, login(t, 'alice'));
    t.advance(299_999);
    const second = await sessionOf(t, login(t, 'alice'));
    expect(second['session_key']).toBe(first['session_key']);
    t.advance(1);
    const third = await sessionOf(t, login(t, 'alice'));
    expect(third['session_key']).not.toBe(first['session_key']);
    expect(third['session_key']).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(t.sim.findSessionKey(MINI.appId, 'alice')).toBe(third['session_key']);
  });

  it('keeps separate session_keys per user and honours a configured rotation age', async () => {
    const t = await startSimulator({ sessionKeyRotationMs: 1_000 });
    const alice = await sessionOf(t, login(t, 'alice'));
    const bob = await sessionOf(t, login(t, 'bob'));
    expect(bob['session_key']).not.toBe(alice['session_key']);
    t.advance(1_000);
    expect((await sessionOf(t, login(t, 'alice')))['session_key']).not.toBe(alice['session_key']);
  });

  it('has no session_key before the first login', async () => {
    const t = await startSimulator();
    expect(t.sim.findSessionKey(MINI.appId, 'nobody')).toBeNull();
  });
});
