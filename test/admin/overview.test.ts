// GET /admin/v1/overview and `wxbridge overview` (issue 14): logins and failures per minute by reason from
// the audit log, WeChat errors per minute by errcode from the per-minute counts every instance flushes to
// PostgreSQL (one upsert, adding up across flushes and instances; a failed flush keeps its counts), key ages.
import { describe, expect, it } from 'vitest';
import type { OverviewReport } from '../../src/overview/overview-report.ts';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { postToken, WECHAT_GRANT } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { queryDatabase, setUpMiniProgram, type MiniProgram } from '../support/wechat-fixtures.ts';

const MINUTE = 60_000;

/** Moves the app's clock to one second past the start of the next minute, so a minute's traffic stays in it. */
function startNextMinute(app: TestApp): number {
  app.clock.advance(MINUTE - (app.clock.now() % MINUTE) + 1000);
  return Math.floor(app.clock.now() / MINUTE) * MINUTE;
}

async function overview(app: TestApp, query = ''): Promise<OverviewReport> {
  const api = await adminApi(app);
  const answer = await api.call('GET', `/overview${query}`);
  expect(answer.status).toBe(200);
  return answer.body as OverviewReport;
}

const minuteOf = (report: OverviewReport, start: number) => ({
  logins: report.logins.find((m) => m.minute === new Date(start).toISOString()),
  wechat: report.wechatCalls.find((m) => m.minute === new Date(start).toISOString()),
});

/** A login refused after WeChat answered `errcode` (the simulator's fault control). */
async function loginFailingWith(app: TestApp, mp: MiniProgram, errcode: number, user: string, baseUrl = app.baseUrl): Promise<number> {
  app.wechat.injectFault({ kind: 'errcode', errcode, endpoint: 'jscode2session' });
  return (await postToken(baseUrl, { grant_type: WECHAT_GRANT, client_id: mp.clientId, code: mp.code(user) })).status;
}

async function storedCount(app: TestApp, minute: number, errcode: string): Promise<number> {
  const rows = await queryDatabase<{ count: string }>(app, 'select count::text from wechat_call_minutes where minute = $1 and endpoint = $2 and errcode = $3', [new Date(minute), 'jscode2session', errcode]);
  return Number(rows[0]?.count ?? 0);
}

describe('GET /admin/v1/overview', () => {
  it('counts logins per minute by reason and WeChat errors per minute by errcode, across two minutes, two flushes and two instances', async () => {
    const first = await startTestApp();
    const mp = await setUpMiniProgram(first);
    const minute1 = startNextMinute(first);

    // Minute 1: three logins, a reused code (refused before WeChat) and a code WeChat calls invalid (40029).
    await mp.login('ann');
    await mp.login('bob');
    const code = mp.code('cat');
    expect((await mp.post({ code })).status).toBe(200);
    expect((await mp.post({ code })).body['error']).toBe('invalid_grant');
    expect(await loginFailingWith(first, mp, 40029, 'dan')).toBe(400);
    await first.restart(); // a graceful shutdown flushes the counts (and the audit log)
    expect(await storedCount(first, minute1, '0')).toBe(3);
    // The same minute again after the flush: the next flush adds to the stored row.
    await mp.login('eve');

    // Minute 2, on two instances of one database: WeChat's rate limit (45011) here, 40029 there.
    const minute2 = startNextMinute(first);
    const second = await startTestApp({ clock: first.clock, database: first.database, masterKey: first.masterKey, wechat: first.wechat, env: { WXBRIDGE_WECHAT_API_BASE_URL: first.config.wechat.apiBaseUrl } });
    await mp.login('ann');
    expect(await loginFailingWith(first, mp, 45011, 'fay')).toBe(429);
    for (const user of ['gus', 'hal']) {
      expect((await postToken(second.baseUrl, { grant_type: WECHAT_GRANT, client_id: mp.clientId, code: mp.code(user) })).status).toBe(200);
    }
    expect(await loginFailingWith(first, mp, 40029, 'ivy', second.baseUrl)).toBe(400);
    await second.stop();
    await first.restart();

    expect(await storedCount(first, minute1, '0')).toBe(4);
    expect(await storedCount(first, minute2, '0')).toBe(3);
    const report = await overview(first, '?minutes=5');
    expect(report.minutes).toBe(5);
    expect(report.logins.map((m) => m.minute)).toEqual([4, 3, 2, 1, 0].map((back) => new Date(minute2 - back * MINUTE).toISOString()));
    expect(report.until).toBe(new Date(minute2 + MINUTE).toISOString());
    expect(minuteOf(report, minute1)).toEqual({
      logins: { minute: new Date(minute1).toISOString(), successes: 4, failures: { invalid_grant: 2 } },
      wechat: { minute: new Date(minute1).toISOString(), calls: 5, errors: { 40029: 1 } },
    });
    expect(minuteOf(report, minute2)).toEqual({
      logins: { minute: new Date(minute2).toISOString(), successes: 3, failures: { temporarily_unavailable: 1, invalid_grant: 1 } },
      wechat: { minute: new Date(minute2).toISOString(), calls: 5, errors: { 40029: 1, 45011: 1 } },
    });
    // The minutes without traffic are present, with zeros.
    expect(report.logins.filter((m) => m.minute < new Date(minute1).toISOString())).toEqual(
      [4, 3, 2].map((back) => ({ minute: new Date(minute2 - back * MINUTE).toISOString(), successes: 0, failures: {} })));
    expect(report.loginTotals).toEqual({ successes: 7, failures: { invalid_grant: 3, temporarily_unavailable: 1 } });
    expect(report.wechatErrors).toEqual([{ errcode: '40029', count: 2, diagnosis: null }, { errcode: '45011', count: 1, diagnosis: null }]);
  });

  it('keeps the counts of a flush the database refused and adds them, once, at the next flush', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_WECHAT_CALLS_FLUSH_INTERVAL_MS: '1000' } });
    const mp = await setUpMiniProgram(app);
    const minute = startNextMinute(app);
    await queryDatabase(app, 'alter table wechat_call_minutes rename to wechat_call_minutes_away');
    await mp.login('ann');
    expect(await loginFailingWith(app, mp, 40029, 'bob')).toBe(400);
    await expect.poll(() => app.logs.some((line) => line.includes('WeChat call counts flush failed')), { timeout: 15_000 }).toBe(true);

    await queryDatabase(app, 'alter table wechat_call_minutes_away rename to wechat_call_minutes');
    await expect.poll(() => storedCount(app, minute, '40029'), { timeout: 15_000 }).toBe(1);
    await app.restart(); // one more flush, at shutdown: nothing is added twice
    expect(await storedCount(app, minute, '0')).toBe(1);
    expect(await storedCount(app, minute, '40029')).toBe(1);
    expect(minuteOf(await overview(app, '?minutes=1'), minute).wechat).toMatchObject({ calls: 2, errors: { 40029: 1 } });
  });

  it('shows every signing key with its age, and deletes WeChat call minutes older than 7 days', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_CLEANUP_INTERVAL_MS: '1000' } });
    const mp = await setUpMiniProgram(app);
    const minute = startNextMinute(app);
    expect(await loginFailingWith(app, mp, 45011, 'ann')).toBe(429);
    await app.restart();
    expect(await storedCount(app, minute, '45011')).toBe(1);

    app.clock.advance(8 * 24 * 60 * MINUTE);
    await expect.poll(() => storedCount(app, minute, '45011'), { timeout: 15_000 }).toBe(0);
    // Eight days on, an admin token minted on the wall clock is expired on the app's: the operator's services answer.
    const keys = await app.admin.keys.list();
    const report = await app.admin.overview.show(60);
    expect(report.keys.map((k) => [k.kid, k.alg, k.status, k.createdAt])).toEqual(keys.map((k) => [k.kid, k.alg, k.state, k.createdAt.toISOString()]));
    expect(report.keys.length).toBeGreaterThanOrEqual(2);
    for (const key of report.keys) expect(key.ageDays).toBeGreaterThanOrEqual(8);
    expect(report.keys.every((key) => key.ageDays < 8.1)).toBe(true);
  });

  it('refuses a window outside 1 to 1440 minutes, in the API and in the CLI alike', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    for (const minutes of ['0', '1441', 'abc', '1e3', '60.5']) {
      const answer = await api.call('GET', `/overview?minutes=${minutes}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ message: 'minutes: must be a whole number from 1 to 1440' });
    }
    expect((await overview(app)).logins).toHaveLength(60);
    expect((await overview(app, '?minutes=1440')).logins).toHaveLength(1440);
    const refused = await runCli(app, ['overview', '--minutes', '1441']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--minutes must be a whole number from 1 to 1440');
  });
});

describe('wxbridge overview', () => {
  it('prints what the admin API answers, as JSON and as text', async () => {
    // No clock advance here: the CLI reads the wall clock, so the traffic stays inside its window.
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    await mp.login('ann');
    expect(await loginFailingWith(app, mp, 40029, 'bob')).toBe(400);
    await app.restart();
    const fromApi = await overview(app);
    const fromCli = (await runCli(app, ['overview', '--json'])).json() as OverviewReport;
    expect(fromCli.loginTotals).toEqual(fromApi.loginTotals);
    expect(fromCli.loginTotals).toEqual({ successes: 1, failures: { invalid_grant: 1 } });
    expect(fromCli.wechatErrors).toEqual(fromApi.wechatErrors);
    expect(fromCli.keys.map((k) => k.kid)).toEqual(fromApi.keys.map((k) => k.kid));
    const text = await runCli(app, ['overview', '--minutes', '30']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('(30 min): 1 succeeded, 1 failed (invalid_grant=1)');
    expect(text.stdout).toContain('WeChat errors: 40029=1');
  });
});
