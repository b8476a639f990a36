/**
 * Issue #15 finding 2: input PostgreSQL can't store (a NUL byte; a lone surrogate in JSON) is a
 * client's mistake, answered 400 before it reaches a query — never 500, never 503 with Retry-After,
 * never an error log line with a stack.
 */
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { callMe, setUpUserApp, signIn } from '../me/me-fixtures.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { randomName } from '../support/wechat-fixtures.ts';

const NUL = '\u0000';

async function postForm(baseUrl: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('input PostgreSQL cannot store is a 400 everywhere (issue #15 finding 2)', () => {
  it('answers 400 invalid_request at the token, introspection and revocation endpoints, and logs no error', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const service = await app.admin.clients.register({ type: 'service', clientId: randomName('svc') });
    const basic = { authorization: `Basic ${Buffer.from(`${service.clientId}:${service.clientSecret ?? ''}`).toString('base64')}` };
    const tokens = await mp.login('nul-user');

    const answers = [
      await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: `x${NUL}`, client_secret: 'y' }),
      await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: `abc${NUL}` }),
      await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '', resource: `https://r.example/${NUL}` }),
      await postForm(app.baseUrl, '/token/introspection', { token: `abc${NUL}` }, basic),
      await postForm(app.baseUrl, '/token/revocation', { token: `abc${NUL}` }, basic),
      await postForm(app.baseUrl, '/token/revocation', { token: 'abc', client_id: `${mp.clientId}${NUL}` }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toBe('invalid_request');
      expect(answer.headers.get('retry-after')).toBeNull();
    }
    // The refresh token refused for its NUL-bearing resource was not spent.
    expect((await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' })).status).toBe(200);
    expect(app.logs.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });

  it('answers 400 for admin paths, queries, cursors and bodies, and /me bodies', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpUserApp(app);
    const user = await signIn(mp, 'nul-me');

    const admin = [
      await api.call('GET', '/clients/x%00'),
      await api.call('PATCH', '/clients/x%00', { scope: 'openid' }),
      await api.call('GET', '/resources/https%3A%2F%2Fx%00'),
      await api.call('GET', '/users/x%00'),
      await api.call('GET', '/audit?cursor=1%00'),
      await api.call('GET', '/audit?client_id=a%00'),
      await api.call('POST', '/clients', { type: 'service', clientId: `svc${NUL}` }),
      await api.call('POST', '/clients', undefined, { rawBody: '{"type":"service","clientId":"svc-\\ud800"}' }),
      await api.call('PUT', `/apps/wx${NUL}`, { secret: 'abc' }),
    ];
    for (const answer of admin) {
      expect({ status: answer.status, error: (answer.body as { error?: string }).error }).toEqual({ status: 400, error: 'request.invalid' });
    }
    const me = await callMe(app, 'PATCH', '/me/profile', { token: user.accessToken, body: { nickname: `a${NUL}b` } });
    expect({ status: me.status, error: me.body['error'] }).toEqual({ status: 400, error: 'invalid_request' }); // /me speaks OAuth's error names
    expect(app.logs.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);
  });
});
