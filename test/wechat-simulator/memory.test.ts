// The simulator's memory stays flat (a long-running sandbox grew 212 → 248 MiB over 96 000 logins): used and
// expired codes, dead tokens and idle per-user counters are forgotten on the next mint or request once the
// injected clock has moved on, while everything still answers as WeChat would until then.
import { describe, expect, it } from 'vitest';
import { getPhoneNumber, json, stableToken, tokenOf } from './app-token-helpers.ts';
import { exchangeLogin, exchangeOAuth, MINI, OA, startSimulator, WEB } from './simulator-fixture.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('storeSizes() and the sweep', () => {
  it('forgets used and expired codes, tokens and quota keys once their time is past, and keeps the users', async () => {
    const t = await startSimulator();
    const loginCodes = Array.from({ length: 60 }, (_, i) => t.sim.issueCode({ appId: MINI.appId, user: `mp-${String(i)}` }));
    const oauthCodes = Array.from({ length: 30 }, (_, i) => t.sim.issueCode({ appId: OA.appId, user: `oa-${String(i)}` }));
    const phoneCodes = Array.from({ length: 20 }, () => t.sim.issuePhoneCode({ appId: MINI.appId, user: 'mp-0' }).code);
    const appToken = await tokenOf(stableToken(t, MINI));
    for (const code of loginCodes.slice(0, 30)) await exchangeLogin(t, MINI, code);
    for (const code of oauthCodes.slice(0, 10)) await exchangeOAuth(t, OA, code);
    for (const code of phoneCodes.slice(0, 5)) await getPhoneNumber(t, appToken, JSON.stringify({ code }));
    // 1 app token + an access and a refresh token per OAuth exchange.
    expect(t.sim.storeSizes()).toMatchObject({ loginCodes: 60, oauthCodes: 30, phoneCodes: 15, tokens: 21, rateLimitKeys: 30, users: 40 });

    t.advance(5 * MINUTE - 1);
    // A used code says "used" as long as it lives; an expired OAuth code says 42003 for a while.
    expect(json(await exchangeLogin(t, MINI, loginCodes[0] ?? ''))).toMatchObject({ errcode: 40163 });
    t.advance(2);
    expect(json(await exchangeOAuth(t, OA, oauthCodes[20] ?? ''))).toMatchObject({ errcode: 42003 });

    t.advance(10 * MINUTE);
    t.sim.issueCode({ appId: WEB.appId, user: 'late' });
    expect(t.sim.storeSizes()).toMatchObject({ loginCodes: 0, oauthCodes: 1, phoneCodes: 0, tokens: 21, rateLimitKeys: 0, users: 40 });
    // Forgotten: now as unknown as any made-up code.
    expect(json(await exchangeOAuth(t, OA, oauthCodes[20] ?? ''))).toMatchObject({ errcode: 40029 });

    t.advance(2 * 60 * MINUTE);
    t.sim.issueCode({ appId: WEB.appId, user: 'later' });
    // The sns access tokens (7200 s) and the app token are gone; the 30-day refresh tokens remain.
    expect(t.sim.storeSizes()).toMatchObject({ oauthCodes: 1, tokens: 10 });

    t.advance(31 * DAY);
    await exchangeLogin(t, MINI, 'x'.repeat(32));
    expect(t.sim.storeSizes()).toMatchObject({ loginCodes: 0, oauthCodes: 0, tokens: 0, users: 40 });
  });

  it('stays flat over 12 000 minted codes, none of them ever used', async () => {
    const t = await startSimulator();
    let largest = 0;
    for (let minute = 0; minute < 120; minute += 1) {
      for (let i = 0; i < 100; i += 1) t.sim.issueCode({ appId: MINI.appId, user: `u-${String(i)}` });
      largest = Math.max(largest, t.sim.storeSizes().loginCodes);
      t.advance(MINUTE);
    }
    // A code lives 5 min (then answers 40029 like any unknown code) and sweeps run once a simulated minute.
    expect(largest).toBeLessThanOrEqual(100 * 7);
    expect(t.sim.storeSizes().loginCodes).toBeLessThanOrEqual(100 * 7);
  });

  it('is readable through the control API', async () => {
    const t = await startSimulator();
    t.sim.issueCode({ appId: MINI.appId, user: 'a' });
    const response = await fetch(`${t.url}/__simulator/store-sizes`);
    expect(await response.json()).toEqual({
      loginCodes: 1, oauthCodes: 0, phoneCodes: 0, tokens: 0, rateLimitKeys: 0, sessionKeyResets: 0, requestLog: 0, users: 0,
    });
  });
});
