/**
 * Two wxbridge instances over one PostgreSQL and one simulated WeChat (design.md §9 horizontal scale), and
 * phone requests to drive the shared WeChat access token (design.md §4, wechat-api.md §6).
 */
import { onTestFinished } from 'vitest';
import { createWeChatSimulator, type SimulatorOptions } from '../../src/wechat-simulator/wechat-simulator.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestClock } from '../support/test-clock.ts';
import type { MiniProgram } from '../support/wechat-fixtures.ts';
import { callMe, setUpUserApp, signIn, type MeResponse, type SignedIn } from '../me/me-fixtures.ts';

export interface Cluster {
  readonly first: TestApp;
  readonly second: TestApp;
  readonly mp: MiniProgram;
  readonly user: SignedIn;
}

/** Two instances sharing the database, the master key and WeChat; one mini-program user signed in. */
export async function startCluster(simulatorOptions?: SimulatorOptions): Promise<Cluster> {
  // One time for both instances and WeChat: a test lets a token's lifetime pass by advancing it.
  const clock = createTestClock();
  const own = simulatorOptions === undefined ? undefined : createWeChatSimulator({ ...simulatorOptions, now: () => clock.now() });
  const ownUrl = own === undefined ? undefined : (await own.listen()).url;
  if (own !== undefined) onTestFinished(() => own.close());
  const first = await startTestApp({
    clock,
    ...(own === undefined ? {} : { wechat: own }),
    ...(ownUrl === undefined ? {} : { env: { WXBRIDGE_WECHAT_API_BASE_URL: ownUrl } }),
  });
  const second = await startTestApp({
    clock,
    database: first.database,
    masterKey: first.masterKey,
    wechat: first.wechat,
    env: { WXBRIDGE_WECHAT_API_BASE_URL: first.config.wechat.apiBaseUrl },
  });
  const mp = await setUpUserApp(first);
  return { first, second, mp, user: await signIn(mp, 'alice', 'openid phone') };
}

/** POST /me/phone with a fresh phone code of alice, on `instance`. */
export function phoneRequest(cluster: Cluster, instance: TestApp): Promise<MeResponse> {
  const { code } = cluster.first.wechat.issuePhoneCode({ appId: cluster.mp.appId, user: 'alice' });
  return callMe(instance, 'POST', '/me/phone', { token: cluster.user.accessToken, body: { code } });
}

export function stableTokenCalls(app: TestApp): { force: boolean }[] {
  return app.wechat.requests
    .filter((r) => r.endpoint === 'stable_token')
    .map((r) => ({ force: (JSON.parse(r.body ?? '{}') as { force_refresh?: boolean }).force_refresh === true }));
}

export function phoneCallOutcomes(app: TestApp): unknown[] {
  return app.wechat.requests.filter((r) => r.endpoint === 'getuserphonenumber').map((r) => r.outcome);
}
