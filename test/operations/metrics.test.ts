// Prometheus metrics (design.md §9, issue 19 #1): /metrics on its own listener (WXBRIDGE_METRICS_PORT),
// scraped over real HTTP after real logins through openid-client, the WeChat simulator on its socket
// and a real PostgreSQL; the values must move by what the requests did, with bounded labels only.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { withAdmin } from '../support/global-setup.ts';
import { discover, postToken, verifyIdToken, WECHAT_GRANT, wechatLogin } from '../support/oidc-client.ts';
import { scrape, valueOf, type Sample } from '../support/prometheus-text.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const API = 'https://api.example.test';

async function arrange(app: TestApp): Promise<{ serviceSecret: string }> {
  await app.admin.resourceServers.add({ uri: API, scopes: 'read write' });
  app.wechat.registerApp({ appId: APP_ID, secret: APP_SECRET, kind: 'miniprogram' });
  await app.admin.apps.upsert({ appId: APP_ID, kind: 'miniprogram', secret: APP_SECRET });
  await app.admin.clients.register({ type: 'miniprogram', clientId: 'mp-1', wechatAppId: APP_ID, scope: 'openid profile offline_access phone', resources: { [API]: 'read' }, defaultResource: API });
  const service = await app.admin.clients.register({ type: 'service', clientId: 'svc-1', resources: { [API]: 'read' }, defaultResource: API });
  return { serviceSecret: service.clientSecret ?? '' };
}

function metricsUrlOf(app: TestApp): string {
  const url = app.metricsUrl();
  if (url === undefined) throw new Error('the app serves no metrics');
  return url;
}

/** Polls the scrape until `check` holds: audit rows are written after the answer (never awaited by a login). */
async function scrapeUntil(url: string, check: (samples: Sample[]) => boolean): Promise<Sample[]> {
  for (let i = 0; ; i += 1) {
    const { samples } = await scrape(url);
    if (check(samples) || i >= 200) return samples;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('metrics listener', () => {
  it('is off unless WXBRIDGE_METRICS_PORT is set, and never on the public port', async () => {
    const app = await startTestApp();
    expect(app.metricsUrl()).toBeUndefined();
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(404);
  });

  it('binds loopback by default and answers only GET /metrics', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_METRICS_PORT: '0' } });
    const url = new URL(metricsUrlOf(app));
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).not.toBe(new URL(app.baseUrl).port);
    expect((await fetch(new URL('/', url))).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(404);
    const { contentType, samples } = await scrape(url.href);
    expect(contentType).toContain('text/plain');
    // Process metrics, the pool and the published signing keys are there from the start.
    expect(valueOf(samples, 'process_start_time_seconds')).toBeGreaterThan(0);
    expect(samples.filter((s) => s.name === 'wxbridge_db_pool_connections').map((s) => s.labels['state']).sort()).toEqual(['idle', 'used', 'waiting']);
    const keys = samples.filter((s) => s.name === 'wxbridge_signing_key_age_seconds');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.some((s) => s.labels['state'] === 'signing')).toBe(true);
  });
});

describe('metrics after logins', () => {
  it('count the login, its WeChat call and its HTTP request with the right labels, and the values move', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_METRICS_PORT: '0' } });
    const { serviceSecret } = await arrange(app);
    const url = metricsUrlOf(app);
    const before = (await scrape(url)).samples;

    const code = app.wechat.issueCode({ appId: APP_ID, user: 'alice' });
    const mp = await discover(app.issuer, 'mp-1');
    const tokens = await wechatLogin(mp, { code });
    const { sub } = await verifyIdToken(app.issuer, tokens.id_token ?? '', 'mp-1');
    await oidc.refreshTokenGrant(mp, tokens.refresh_token ?? '');
    const svc = await discover(app.issuer, 'svc-1', serviceSecret);
    await oidc.clientCredentialsGrant(svc, { scope: 'read' });
    // Failures: a code WeChat never issued (it answers 40029), an invented client id.
    const bogus = await postToken(app.baseUrl, { grant_type: WECHAT_GRANT, client_id: 'mp-1', code: 'never-issued-code' });
    expect(bogus.status).toBe(400);
    const invented = await postToken(app.baseUrl, { grant_type: WECHAT_GRANT, client_id: `no-such-client-${String(Date.now())}`, code: 'x' });
    expect(invented.status).toBe(401);

    const after = await scrapeUntil(url, (s) => valueOf(s, 'wxbridge_audit_rows_written_total') - valueOf(before, 'wxbridge_audit_rows_written_total') >= 5);
    const moved = (name: string, labels: Record<string, string> = {}): number => valueOf(after, name, labels) - valueOf(before, name, labels);

    // Token requests by grant, client and outcome.
    expect(moved('wxbridge_token_requests_total', { grant: 'wechat_code', client_id: 'mp-1', outcome: 'success', reason: 'none' })).toBe(1);
    expect(moved('wxbridge_token_requests_total', { grant: 'refresh_token', client_id: 'mp-1', outcome: 'success', reason: 'none' })).toBe(1);
    expect(moved('wxbridge_token_requests_total', { grant: 'client_credentials', client_id: 'svc-1', outcome: 'success', reason: 'none' })).toBe(1);
    expect(moved('wxbridge_token_requests_total', { grant: 'wechat_code', client_id: 'mp-1', outcome: 'failure', reason: 'invalid_grant' })).toBe(1);
    // An invented client id is one `unknown` series, never its own.
    expect(moved('wxbridge_token_requests_total', { grant: 'wechat_code', client_id: 'unknown', outcome: 'failure', reason: 'invalid_client' })).toBe(1);
    expect(after.some((s) => s.labels['client_id']?.startsWith('no-such-client') === true)).toBe(false);

    // The WeChat calls: one success, one code WeChat refused, each timed.
    expect(moved('wxbridge_wechat_calls_total', { endpoint: 'jscode2session', errcode: '0' })).toBe(1);
    const refusedCodes = after.filter((s) => s.name === 'wxbridge_wechat_calls_total' && s.labels['endpoint'] === 'jscode2session' && s.labels['errcode'] !== '0');
    expect(refusedCodes.map((s) => s.labels['errcode'])).toEqual([expect.stringMatching(/^4\d{4}$/)]);
    expect(moved('wxbridge_wechat_call_duration_seconds_count', { endpoint: 'jscode2session' })).toBe(2);
    expect(moved('wxbridge_wechat_call_duration_seconds_sum', { endpoint: 'jscode2session' })).toBeGreaterThan(0);
    expect(moved('wxbridge_wechat_call_duration_seconds_bucket', { endpoint: 'jscode2session', le: '+Inf' })).toBe(2);

    // HTTP: the token endpoint by its route, status and method; the histogram counted the same requests.
    expect(moved('wxbridge_http_requests_total', { route: '/token', method: 'POST', status: '200' })).toBe(3);
    expect(moved('wxbridge_http_requests_total', { route: '/token', method: 'POST', status: '400' })).toBe(1);
    expect(moved('wxbridge_http_requests_total', { route: '/token', method: 'POST', status: '401' })).toBe(1);
    expect(moved('wxbridge_http_request_duration_seconds_count', { route: '/token', method: 'POST' })).toBe(5);
    expect(moved('wxbridge_http_request_duration_seconds_bucket', { route: '/token', method: 'POST', le: '+Inf' })).toBe(5);
    expect(moved('wxbridge_http_request_duration_seconds_sum', { route: '/token', method: 'POST' })).toBeGreaterThan(0);

    // Every outcome was audited (5 token requests), none lost.
    expect(moved('wxbridge_audit_rows_written_total')).toBeGreaterThanOrEqual(5);
    expect(moved('wxbridge_audit_rows_lost_total')).toBe(0);

    // No user identifier, code or secret in any label.
    const labelValues = after.flatMap((s) => Object.values(s.labels));
    for (const secret of [sub ?? '', code, serviceSecret, APP_SECRET, tokens.access_token, tokens.refresh_token ?? '']) {
      expect(secret).not.toBe('');
      expect(labelValues.some((value) => value.includes(secret))).toBe(false);
    }
  });

  it('name requests by route pattern, never by raw path', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_METRICS_PORT: '0' } });
    const url = metricsUrlOf(app);
    const admin = await adminApi(app);
    expect((await admin.call('GET', '/clients/some-client-id-4711')).status).toBe(404);
    expect((await admin.call('GET', '/clients/other-4713', undefined, { token: null })).status).toBe(401);
    await fetch(`${app.baseUrl}/no/such/path/4712`);
    const discovery = { route: '/.well-known/openid-configuration', status: '200' };
    const discoveredBefore = valueOf((await scrape(url)).samples, 'wxbridge_http_requests_total', discovery);
    await fetch(`${app.baseUrl}/.well-known/openid-configuration`);
    await fetch(`${app.baseUrl}/.well-known/openid-configuration`); // the second is answered from the document cache
    const { samples } = await scrape(url);
    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    for (const id of ['4711', '4712', '4713']) expect(labelValues.filter((value) => value.includes(id))).toEqual([]);
    expect(valueOf(samples, 'wxbridge_http_requests_total', { route: '/admin/v1/clients/:clientId', method: 'GET', status: '404' })).toBe(1);
    // Refused before any router ran (the admin API authenticates first), like a path nothing serves: one series.
    expect(valueOf(samples, 'wxbridge_http_requests_total', { route: 'unmatched', status: '401' })).toBe(1);
    expect(valueOf(samples, 'wxbridge_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(samples, 'wxbridge_http_requests_total', discovery) - discoveredBefore).toBe(2);
  });

  it('count rate-limit rejections by limit', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_METRICS_PORT: '0', WXBRIDGE_RATE_LIMIT_PER_CLIENT: '1' } });
    const { serviceSecret } = await arrange(app);
    const url = metricsUrlOf(app);
    const svc = await discover(app.issuer, 'svc-1', serviceSecret);
    await oidc.clientCredentialsGrant(svc, { scope: 'read' });
    await expect(oidc.clientCredentialsGrant(svc, { scope: 'read' })).rejects.toThrow();
    const { samples } = await scrape(url);
    expect(valueOf(samples, 'wxbridge_rate_limit_rejections_total', { limit: 'client' })).toBe(1);
    expect(valueOf(samples, 'wxbridge_rate_limit_rejections_total', { limit: 'ip' })).toBe(0);
    expect(valueOf(samples, 'wxbridge_token_requests_total', { grant: 'client_credentials', client_id: 'svc-1', reason: 'temporarily_unavailable' })).toBe(1);
  });

  it('count central access-token refreshes, forced ones apart', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_METRICS_PORT: '0' } });
    await arrange(app);
    const url = metricsUrlOf(app);
    const mp = await discover(app.issuer, 'mp-1');
    const withPhone = (user: string): Promise<unknown> => wechatLogin(mp, {
      code: app.wechat.issueCode({ appId: APP_ID, user }), scope: 'openid phone', phone_code: app.wechat.issuePhoneCode({ appId: APP_ID, user }).code,
    });
    await withPhone('ann'); // the first phone call fetches the app's token
    await withPhone('bob'); // reuses it
    expect(app.wechat.invalidateAccessTokens({ appId: APP_ID })).toBeGreaterThan(0);
    await withPhone('cy'); // WeChat rejects the token: one forced refresh, one retry
    const { samples } = await scrape(url);
    expect(valueOf(samples, 'wxbridge_wechat_access_token_refreshes_total', { forced: 'false' })).toBe(1);
    expect(valueOf(samples, 'wxbridge_wechat_access_token_refreshes_total', { forced: 'true' })).toBe(1);
    expect(valueOf(samples, 'wxbridge_wechat_calls_total', { endpoint: 'stable_token', errcode: '0' })).toBe(2);
    expect(valueOf(samples, 'wxbridge_wechat_calls_total', { endpoint: 'getuserphonenumber', errcode: '0' })).toBe(3);
    expect(valueOf(samples, 'wxbridge_wechat_calls_total', { endpoint: 'getuserphonenumber' })).toBe(4);
  });

  it('count audit rows lost when their INSERT fails, while the login still succeeds', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_METRICS_PORT: '0' } });
    await arrange(app);
    const url = metricsUrlOf(app);
    const mp = await discover(app.issuer, 'mp-1');
    await wechatLogin(mp, { code: app.wechat.issueCode({ appId: APP_ID, user: 'ann' }) });
    const written = await scrapeUntil(url, (s) => valueOf(s, 'wxbridge_audit_rows_written_total') >= 1);
    // Every new audit row now violates a constraint: the database refuses the INSERT, as in an outage of that table.
    await withAdmin(app.database.url, (client) => client.query('alter table audit_events add constraint refuse_rows check (false) not valid'));
    await wechatLogin(mp, { code: app.wechat.issueCode({ appId: APP_ID, user: 'bob' }) });
    const after = await scrapeUntil(url, (s) => valueOf(s, 'wxbridge_audit_rows_lost_total') >= 1);
    expect(valueOf(after, 'wxbridge_audit_rows_lost_total')).toBe(1);
    expect(valueOf(after, 'wxbridge_audit_rows_written_total')).toBe(valueOf(written, 'wxbridge_audit_rows_written_total'));
    expect(valueOf(after, 'wxbridge_token_requests_total', { client_id: 'mp-1', outcome: 'success' })).toBe(2);
  });
});
