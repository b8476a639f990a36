/**
 * WeChat 100 % down or hanging (test-catalogue U-02, U-03, U-09): logins fail fast with 503 and
 * Retry-After and create nothing, while everything that does not need WeChat — refresh, userinfo,
 * introspection, JWKS, discovery — keeps answering at its usual speed.
 */
import * as oidc from 'openid-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWeChatSimulator } from '../../src/wechat-simulator/wechat-simulator.ts';
import { oauthErrorProblems } from '../support/oauth-error.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { countLoginRows, setUpMiniProgram, subOf, type MiniProgram } from '../support/wechat-fixtures.ts';

type Session = Awaited<ReturnType<MiniProgram['login']>>;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

/** A login with a code WeChat would accept; answered as a raw response. */
async function failedLogin(app: TestApp, mp: MiniProgram, user: string): Promise<{ status: number; problems: string[]; ms: number }> {
  const { value, ms } = await timed(async () => fetch(`${app.baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:wxbridge:params:oauth:grant-type:wechat-code', client_id: mp.clientId, code: mp.code(user) }),
  }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() })));
  return { status: value.status, problems: oauthErrorProblems(value), ms };
}

/** Everything a signed-in user does without WeChat; returns how long each step took. */
async function workWithoutWeChat(app: TestApp, mp: MiniProgram, session: Session): Promise<number[]> {
  const refreshed = await timed(() => oidc.refreshTokenGrant(mp.config, session.refresh_token ?? ''));
  const userinfo = await timed(() => oidc.fetchUserInfo(mp.config, refreshed.value.access_token, subOf(session)));
  const introspection = await timed(() => oidc.tokenIntrospection(mp.config, refreshed.value.refresh_token ?? ''));
  const jwks = await timed(() => fetch(`${app.baseUrl}/jwks`));
  const discovery = await timed(() => fetch(`${app.baseUrl}/.well-known/openid-configuration`));
  expect(userinfo.value.sub).toBe(subOf(session));
  expect(introspection.value.active).toBe(true);
  expect([jwks.value.status, discovery.value.status]).toEqual([200, 200]);
  return [refreshed.ms, userinfo.ms, introspection.ms, jwks.ms, discovery.ms];
}

async function signedInUsers(mp: MiniProgram, count: number): Promise<Session[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => mp.login(`regular-${String(i)}`)));
}

describe('wxbridge while WeChat is down (U-03, U-09)', () => {
  it('answers 30 concurrent logins 503 at once when nothing listens, and refresh, userinfo, introspection and JWKS keep working', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access' });
    const sessions = await signedInUsers(mp, 4);
    const before = await countLoginRows(app);
    await app.wechat.close(); // connection refused from now on

    const [logins, durations] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, (_, i) => failedLogin(app, mp, `newcomer-${String(i)}`))),
      Promise.all(sessions.map((session) => workWithoutWeChat(app, mp, session))),
    ]);

    expect(logins.map((login) => login.status)).toEqual(logins.map(() => 503));
    expect(logins.flatMap((login) => login.problems)).toEqual([]);
    // Refused at once: far below the WeChat timeout (1 s in config/test.env).
    expect(Math.max(...logins.map((login) => login.ms))).toBeLessThan(1000);
    expect(durations.flat().length).toBe(20);
    expect(await countLoginRows(app)).toEqual(before); // refreshes rotate tokens inside the existing grants

    // WeChat is back (a closed simulator is final: a new one on the same port): logins work again.
    const back = createWeChatSimulator();
    await back.listen(Number(new URL(app.config.wechat.apiBaseUrl).port));
    onTestFinished(() => back.close());
    back.registerApp({ appId: mp.appId, secret: mp.secret, kind: 'miniprogram' });
    const code = back.issueCode({ appId: mp.appId, user: 'returning' });
    expect((await mp.post({ code })).status).toBe(200);
  });

  it('answers logins 503 within the timeout while WeChat hangs, and refresh and JWKS stay fast meanwhile (U-02)', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_WECHAT_TIMEOUT_MS: '2000' } });
    const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access' });
    const sessions = await signedInUsers(mp, 4);
    app.wechat.injectFault({ kind: 'delay', ms: 10_000, endpoint: 'jscode2session', times: 1000 });

    const hanging = Promise.all(Array.from({ length: 30 }, (_, i) => failedLogin(app, mp, `stalled-${String(i)}`)));
    await new Promise((resolve) => setTimeout(resolve, 200)); // every login is now waiting on WeChat
    const durations = await Promise.all(sessions.map((session) => workWithoutWeChat(app, mp, session)));
    const logins = await hanging;

    // The other endpoints answered while all 30 logins were still waiting on WeChat.
    expect(Math.max(...durations.flat())).toBeLessThan(1500);
    expect(logins.map((login) => login.status)).toEqual(logins.map(() => 503));
    expect(logins.flatMap((login) => login.problems)).toEqual([]);
    expect(Math.min(...logins.map((login) => login.ms))).toBeGreaterThanOrEqual(1900);
    expect(Math.max(...logins.map((login) => login.ms))).toBeLessThan(2000 + 3000);
    app.wechat.clearFaults();
  });
});
