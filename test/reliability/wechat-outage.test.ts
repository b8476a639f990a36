/**
 * WeChat 100 % down or hanging (test-catalogue U-02, U-03, U-09): logins fail with 503 and Retry-After
 * and create nothing, while everything that does not need WeChat — refresh, userinfo, introspection,
 * JWKS, discovery — keeps answering, even while every login is still waiting on WeChat. (How fast is
 * bench/'s business: these tests assert what happens and in which order, never how long it took.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as oidc from 'openid-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createWeChatSimulator } from '../../src/wechat-simulator/wechat-simulator.ts';
import { oauthErrorProblems } from '../support/oauth-error.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { countLoginRows, queryDatabase, setUpMiniProgram, subOf, type MiniProgram } from '../support/wechat-fixtures.ts';

type Session = Awaited<ReturnType<MiniProgram['login']>>;

/** A login with a code WeChat would accept; answered as a raw response. */
async function failedLogin(app: TestApp, mp: MiniProgram, user: string): Promise<{ status: number; problems: string[]; retryAfter: string | null }> {
  const answer = await fetch(`${app.baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:wxbridge:params:oauth:grant-type:wechat-code', client_id: mp.clientId, code: mp.code(user) }),
  }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
  return { status: answer.status, problems: oauthErrorProblems(answer), retryAfter: answer.headers.get('retry-after') };
}

/** Everything a signed-in user does without WeChat; returns how many steps succeeded (5). */
async function workWithoutWeChat(app: TestApp, mp: MiniProgram, session: Session): Promise<number> {
  const refreshed = await oidc.refreshTokenGrant(mp.config, session.refresh_token ?? '');
  const userinfo = await oidc.fetchUserInfo(mp.config, refreshed.access_token, subOf(session));
  const introspection = await oidc.tokenIntrospection(mp.config, refreshed.refresh_token ?? '');
  const [jwks, discovery] = [await fetch(`${app.baseUrl}/jwks`), await fetch(`${app.baseUrl}/.well-known/openid-configuration`)];
  expect(userinfo.sub).toBe(subOf(session));
  expect(introspection.active).toBe(true);
  expect([jwks.status, discovery.status]).toEqual([200, 200]);
  return 5;
}

function expectRetryable503s(logins: readonly { status: number; problems: string[]; retryAfter: string | null }[]): void {
  expect(logins.map((login) => login.status)).toEqual(logins.map(() => 503));
  expect(logins.flatMap((login) => login.problems)).toEqual([]);
  expect(logins.every((login) => Number(login.retryAfter) >= 1)).toBe(true);
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

    const [logins, steps] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, (_, i) => failedLogin(app, mp, `newcomer-${String(i)}`))),
      Promise.all(sessions.map((session) => workWithoutWeChat(app, mp, session))),
    ]);

    expectRetryable503s(logins);
    expect(steps).toEqual([5, 5, 5, 5]);
    expect(await countLoginRows(app)).toEqual(before); // refreshes rotate tokens inside the existing grants
    // The client hears "retry shortly"; the log says why, at warn, for every one (issue 18 #5).
    const warnings = app.logs.map((line) => JSON.parse(line) as { level: number; msg: string; path?: string }).filter((entry) => entry.msg.startsWith('answering 503'));
    expect(warnings).toHaveLength(30);
    expect(warnings[0]).toMatchObject({ level: 40, path: '/token', msg: expect.stringMatching(/^answering 503 temporarily_unavailable: .*ECONNREFUSED/) });

    // WeChat is back (a closed simulator is final: a new one on the same port): logins work again.
    const back = createWeChatSimulator();
    await back.listen(Number(new URL(app.config.wechat.apiBaseUrl).port));
    onTestFinished(() => back.close());
    back.registerApp({ appId: mp.appId, secret: mp.secret, kind: 'miniprogram' });
    const code = back.issueCode({ appId: mp.appId, user: 'returning' });
    expect((await mp.post({ code })).status).toBe(200);
  });

  it('answers logins 503 once the WeChat timeout passes while WeChat hangs, and refresh and JWKS answer meanwhile (U-02)', async () => {
    // WeChat hangs for a minute; wxbridge gives up after its timeout (15 s here: room for the work below on a loaded machine).
    const app = await startTestApp({ env: { WXBRIDGE_WECHAT_TIMEOUT_MS: '15000' } });
    const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access' });
    const sessions = await signedInUsers(mp, 4);
    app.wechat.injectFault({ kind: 'delay', ms: 60_000, endpoint: 'jscode2session', times: 1000 });
    const claimedCodes = async (): Promise<number> => Number((await queryDatabase<{ n: string }>(app, 'select count(*) as n from wechat_login_codes'))[0]?.n);
    const claimedBefore = await claimedCodes();

    let answeredLogins = 0;
    const hanging = Promise.all(Array.from({ length: 30 }, async (_, i) => {
      const login = await failedLogin(app, mp, `stalled-${String(i)}`);
      answeredLogins += 1;
      return login;
    }));
    // Every login is now waiting on WeChat (a code is claimed in the ledger right before it is sent).
    while ((await claimedCodes()) < claimedBefore + 30) await sleep(20);
    const steps = await Promise.all(sessions.map((session) => workWithoutWeChat(app, mp, session)));
    const answeredBeforeWorkDone = answeredLogins;
    const logins = await hanging;

    // The other endpoints answered while all 30 logins were still waiting on WeChat.
    expect(steps).toEqual([5, 5, 5, 5]);
    expect(answeredBeforeWorkDone).toBe(0);
    expectRetryable503s(logins);
    app.wechat.clearFaults();
  }, 90_000);
});
