// The simulator's app access tokens (wechat-api.md §6, §14 items 11–13): cgi-bin/token, stable_token and
// how token-protected endpoints judge a token, on a movable clock.
import { describe, expect, it } from 'vitest';
import { cgiToken, json, probe, stableToken, tokenOf } from './app-token-helpers.ts';
import { BOUND_MINI, errorBodyPattern, getRaw, MINI, startSimulator } from './simulator-fixture.ts';

const MINUTE = 60_000;

describe('GET /cgi-bin/token (item 11)', () => {
  it('issues a new `<n>_<opaque>` token per call with expires_in 7200 and no errcode', async () => {
    const t = await startSimulator();
    const first = await cgiToken(t, MINI);
    const second = await tokenOf(cgiToken(t, MINI));
    expect(first.raw).toMatch(/^\{"access_token":"\d{1,2}_[\w-]{100,140}","expires_in":7200\}$/);
    expect(first.headers.get('content-type')).toBe('application/json; encoding=utf-8');
    expect(second).not.toBe(json(first)['access_token']);
  });

  it('keeps the previous token valid 300 s more, then answers 40001 `not latest`', async () => {
    const t = await startSimulator();
    const old = await tokenOf(cgiToken(t, MINI));
    await cgiToken(t, MINI);
    t.advance(299_000);
    expect(await probe(t, old)).toBe(44002); // still valid: the body is judged next
    t.advance(2_000);
    expect(await probe(t, old)).toBe(40001);
  });

  it('answers 40002 to a wrong grant_type, 40125 to a wrong secret and 40013 to an unknown appid', async () => {
    const t = await startSimulator();
    expect(json(await cgiToken(t, MINI, { grant_type: 'authorization_code' }))['errcode']).toBe(40002);
    expect(json(await cgiToken(t, MINI, { secret: 'f'.repeat(32) }))['errcode']).toBe(40125);
    expect(json(await cgiToken(t, MINI, { appid: 'wx0000000000000000' }))['errcode']).toBe(40013);
  });

  it('answers 40001 to a wrong secret when configured like the older docs', async () => {
    const t = await startSimulator({ cgiTokenWrongSecretErrcode: 40001 });
    expect(json(await cgiToken(t, MINI, { secret: 'f'.repeat(32) }))['errcode']).toBe(40001);
  });

  it('answers 45009 after the daily quota, and again the next day (China time)', async () => {
    const t = await startSimulator({ cgiTokenDailyQuota: 2 });
    await cgiToken(t, MINI);
    await cgiToken(t, MINI);
    const refused = await cgiToken(t, MINI);
    expect(refused.raw).toMatch(errorBodyPattern(t, 45009, 'reach max api daily quota limit', ' '));
    t.advance(24 * 60 * MINUTE);
    expect(json(await cgiToken(t, MINI))).toHaveProperty('access_token');
  });
});

describe('POST /cgi-bin/stable_token (item 12)', () => {
  it('returns the same token in normal mode, with the remaining lifetime', async () => {
    const t = await startSimulator();
    const first = json(await stableToken(t, MINI));
    t.advance(10 * MINUTE);
    const second = json(await stableToken(t, MINI));
    expect(first).toEqual({ access_token: expect.any(String) as unknown, expires_in: 7200 });
    expect(second).toEqual({ access_token: first['access_token'], expires_in: 6600 });
  });

  it('keeps its tokens apart from cgi-bin/token (a cgi-bin call does not invalidate a stable token)', async () => {
    const t = await startSimulator();
    const stable = await tokenOf(stableToken(t, MINI));
    await cgiToken(t, MINI);
    t.advance(10 * MINUTE);
    expect(await probe(t, stable)).toBe(44002);
  });

  it('pre-rotates 5 minutes before expiry and lets the old token live out its lifetime', async () => {
    const t = await startSimulator();
    const old = await tokenOf(stableToken(t, MINI));
    t.advance(7200_000 - 300_000);
    const rotated = json(await stableToken(t, MINI));
    expect(rotated['access_token']).not.toBe(old);
    expect(rotated['expires_in']).toBe(7200);
    expect(await probe(t, old)).toBe(44002);
    t.advance(300_001);
    expect(await probe(t, old)).toBe(42001);
  });

  it('accepts only a JSON body: a form-encoded one answers 41002 `appid missing`', async () => {
    const t = await startSimulator();
    const form = new URLSearchParams({ grant_type: 'client_credential', appid: MINI.appId, secret: MINI.secret }).toString();
    const response = await getRaw(`${t.url}/cgi-bin/stable_token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(json(response)['errcode']).toBe(41002);
    expect(json(await getRaw(`${t.url}/cgi-bin/stable_token`))['errcode']).toBe(43002);
  });

  it('replaces the token at once with force_refresh, at most once per 30 s', async () => {
    const t = await startSimulator();
    const old = await tokenOf(stableToken(t, MINI));
    const forced = await tokenOf(stableToken(t, MINI, { force_refresh: true }));
    expect(forced).not.toBe(old);
    t.advance(1);
    expect(await probe(t, old)).toBe(40001);
    t.advance(10_000);
    expect(await tokenOf(stableToken(t, MINI, { force_refresh: true }))).toBe(forced); // no-op within 30 s
    t.advance(20_000);
    expect(await tokenOf(stableToken(t, MINI, { force_refresh: true }))).not.toBe(forced);
  });

  it('refuses the 21st force refresh of a day with 45009', async () => {
    const t = await startSimulator();
    for (let i = 0; i < 20; i += 1) {
      expect(json(await stableToken(t, BOUND_MINI, { force_refresh: true }))).toHaveProperty('access_token');
      t.advance(30_000);
    }
    expect(json(await stableToken(t, BOUND_MINI, { force_refresh: true }))['errcode']).toBe(45009);
    expect(json(await stableToken(t, MINI, { force_refresh: true }))).toHaveProperty('access_token'); // per app
  });
});

describe('token-protected endpoints (item 13)', () => {
  it('answers 41001 without a token, 40001 to an unknown one and 42001 to an expired one', async () => {
    const t = await startSimulator();
    const token = await tokenOf(stableToken(t, MINI));
    expect(await probe(t, '')).toBe(41001);
    expect(await probe(t, `${token}x`)).toBe(40001);
    t.advance(7200_001);
    expect(await probe(t, token)).toBe(42001);
  });

  it('answers 40014 to an unknown token when so configured', async () => {
    const t = await startSimulator({ unknownTokenErrcode: 40014 });
    expect(await probe(t, '12_nope')).toBe(40014);
  });

  it('invalidates live tokens on request: revoked → 40001, expired → 42001; normal mode still hands the revoked one out', async () => {
    const t = await startSimulator();
    const stable = await tokenOf(stableToken(t, MINI));
    const cgi = await tokenOf(cgiToken(t, BOUND_MINI));
    expect(t.sim.invalidateAccessTokens({ appId: MINI.appId })).toBe(1);
    expect(t.sim.invalidateAccessTokens({ appId: BOUND_MINI.appId, token: cgi, as: 'expired' })).toBe(1);
    expect(await probe(t, stable)).toBe(40001);
    expect(await probe(t, cgi)).toBe(42001);
    expect(await tokenOf(stableToken(t, MINI))).toBe(stable);
    expect(await tokenOf(stableToken(t, MINI, { force_refresh: true }))).not.toBe(stable);
  });

  it('counts calls per endpoint in the request log, with the POST body', async () => {
    const t = await startSimulator();
    await stableToken(t, MINI, { force_refresh: true });
    await cgiToken(t, MINI);
    expect(t.sim.requestCounts()).toMatchObject({ stable_token: 1, cgi_token: 1, getuserphonenumber: 0 });
    expect(JSON.parse(t.sim.requests[0]?.body ?? '{}')).toMatchObject({ appid: MINI.appId, force_refresh: true });
  });
});
