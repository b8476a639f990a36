// Replacing the WeChat access token (wechat-api.md §6.2–§6.3, §12 rules 3 and 7; test catalogue U-10):
// a rejected token (40001/42001) is force-refreshed once — one refresh for any number of concurrent
// rejections, at most one per 30 s — and the call is retried once; a token near expiry is replaced first.
import { describe, expect, it } from 'vitest';
import { phoneCallOutcomes, phoneRequest, stableTokenCalls, startCluster } from './token-fixtures.ts';

describe('a WeChat access token that WeChat rejects', () => {
  it('is force-refreshed once after 40001 (revoked), and the request succeeds', async () => {
    const cluster = await startCluster();
    expect((await phoneRequest(cluster, cluster.first)).status).toBe(200);
    cluster.first.wechat.invalidateAccessTokens({ appId: cluster.mp.appId, as: 'revoked' });

    const response = await phoneRequest(cluster, cluster.second);

    expect(response.status).toBe(200);
    expect(stableTokenCalls(cluster.first)).toEqual([{ force: false }, { force: true }]);
    expect(phoneCallOutcomes(cluster.first)).toEqual(['ok', 40001, 'ok']);
  });

  it('is force-refreshed once after 42001 (expired early)', async () => {
    const cluster = await startCluster();
    await phoneRequest(cluster, cluster.first);
    cluster.first.wechat.invalidateAccessTokens({ appId: cluster.mp.appId, as: 'expired' });
    expect((await phoneRequest(cluster, cluster.first)).status).toBe(200);
    expect(phoneCallOutcomes(cluster.first)).toEqual(['ok', 42001, 'ok']);
    expect(stableTokenCalls(cluster.first)).toEqual([{ force: false }, { force: true }]);
  });

  it('causes one forced refresh for 40 concurrent rejections on two instances', async () => {
    const cluster = await startCluster();
    await phoneRequest(cluster, cluster.first);
    cluster.first.wechat.invalidateAccessTokens({ appId: cluster.mp.appId });

    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => phoneRequest(cluster, i % 2 === 0 ? cluster.first : cluster.second)));

    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 40 }, () => 200));
    expect(stableTokenCalls(cluster.first)).toEqual([{ force: false }, { force: true }]);
  }, 60_000);

  it('is not force-refreshed twice within 30 s: the second rejection answers 503 with Retry-After', async () => {
    const cluster = await startCluster();
    await phoneRequest(cluster, cluster.first);
    cluster.first.wechat.invalidateAccessTokens({ appId: cluster.mp.appId });
    expect((await phoneRequest(cluster, cluster.first)).status).toBe(200);
    cluster.first.wechat.invalidateAccessTokens({ appId: cluster.mp.appId });

    const response = await phoneRequest(cluster, cluster.second);

    expect(response).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(20);
    expect(stableTokenCalls(cluster.first)).toEqual([{ force: false }, { force: true }]);
  });

  it('is retried only once: a token rejected again after the refresh fails the request (500, logged)', async () => {
    const cluster = await startCluster();
    await phoneRequest(cluster, cluster.first);
    cluster.first.wechat.injectFault({ kind: 'errcode', errcode: 40001, endpoint: 'getuserphonenumber', times: 2 });
    const response = await phoneRequest(cluster, cluster.first);
    expect(response).toMatchObject({ status: 500, body: { error: 'server_error' } });
    expect(phoneCallOutcomes(cluster.first)).toEqual(['ok', 40001, 40001]);
    expect(cluster.first.logs.some((line) => line.includes('/me request failed'))).toBe(true);
  });
});

describe('a WeChat access token near its expiry', () => {
  it('is replaced in normal mode before it expires, so no request meets 42001', async () => {
    // 4 s tokens, pre-rotated by WeChat 2.5 s before expiry: wxbridge refreshes at half-life (2 s).
    const cluster = await startCluster({ accessTokenTtlMs: 4000, accessTokenOverlapMs: 2500 });
    expect((await phoneRequest(cluster, cluster.first)).status).toBe(200);
    cluster.first.clock.advance(2200); // past the half-life
    expect((await phoneRequest(cluster, cluster.second)).status).toBe(200);

    expect(stableTokenCalls(cluster.first)).toEqual([{ force: false }, { force: false }]);
    expect(phoneCallOutcomes(cluster.first)).toEqual(['ok', 'ok']);
    const used = cluster.first.wechat.requests.filter((r) => r.endpoint === 'getuserphonenumber').map((r) => r.query['access_token']);
    expect(new Set(used).size).toBe(2);
  });
});
