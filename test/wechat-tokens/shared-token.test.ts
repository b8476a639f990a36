// The central WeChat access token (design.md §4, wechat-api.md §6.2): cached in PostgreSQL and shared by
// every instance, fetched by one instance at a time under an advisory lock, only ever via stable_token.
import { describe, expect, it } from 'vitest';
import { queryDatabase } from '../support/wechat-fixtures.ts';
import { phoneCallOutcomes, phoneRequest, stableTokenCalls, startCluster } from './token-fixtures.ts';

describe('the shared WeChat access token', () => {
  it('costs exactly one stable_token call for 200 concurrent phone requests on two instances', async () => {
    const cluster = await startCluster();
    const { first, second } = cluster;

    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => phoneRequest(cluster, i % 2 === 0 ? first : second)));

    expect(responses.filter((r) => r.status !== 200).map((r) => [r.status, r.body])).toEqual([]);
    expect(stableTokenCalls(first)).toEqual([{ force: false }]);
    expect(first.wechat.requestCounts()).toMatchObject({ stable_token: 1, cgi_token: 0, getuserphonenumber: 200 });
    expect(phoneCallOutcomes(first).every((outcome) => outcome === 'ok')).toBe(true);
  }, 60_000);

  it('keeps serving the cached token to a restarted instance without asking WeChat again', async () => {
    const cluster = await startCluster();
    expect((await phoneRequest(cluster, cluster.first)).status).toBe(200);
    await cluster.first.restart();
    expect((await phoneRequest(cluster, cluster.first)).status).toBe(200);
    expect((await phoneRequest(cluster, cluster.second)).status).toBe(200);
    expect(stableTokenCalls(cluster.first)).toHaveLength(1);
  });

  it('stores the token only as ciphertext, one row per app', async () => {
    const cluster = await startCluster();
    await phoneRequest(cluster, cluster.first);
    const token = cluster.first.wechat.requests.find((r) => r.endpoint === 'getuserphonenumber')?.query['access_token'] ?? '';
    const rows = await queryDatabase<{ app_id: string; token_ciphertext: string; generation: number }>(cluster.first, 'select app_id, token_ciphertext, generation from wechat_access_tokens');
    expect(rows).toEqual([{ app_id: cluster.mp.appId, token_ciphertext: expect.stringMatching(/^v1\./) as unknown, generation: 1 }]);
    expect(token.length).toBeGreaterThan(100);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('answers 503 when stable_token fails, and fetches again on the next request', async () => {
    const cluster = await startCluster();
    cluster.first.wechat.injectFault({ kind: 'http_status', status: 502, endpoint: 'stable_token' });
    const failed = await phoneRequest(cluster, cluster.first);
    expect(failed).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect((await phoneRequest(cluster, cluster.second)).status).toBe(200);
    expect(cluster.first.wechat.requestCounts()).toMatchObject({ stable_token: 2, getuserphonenumber: 1 });
  });
});
