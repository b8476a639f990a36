/** Issue #15 finding 8: the smaller findings of the outside review, each over HTTP. */
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';

describe('smaller hardening findings (issue #15 finding 8)', () => {
  it('answers 404 for an unknown admin endpoint and 400 for an audit cursor beyond bigint', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const unknown = await api.call('GET', '/no-such-endpoint');
    expect({ status: unknown.status, error: (unknown.body as { error?: string }).error }).toEqual({ status: 404, error: 'not_found' });
    for (const cursor of ['9999999999999999999', '9223372036854775808', ':', '-1']) {
      const page = await api.call('GET', `/audit?cursor=${cursor}`);
      expect({ status: page.status, error: (page.body as { error?: string }).error }).toEqual({ status: 400, error: 'request.invalid' });
    }
    expect((await api.call('GET', '/audit?cursor=9223372036854775807')).status).toBe(200);
  });

  it('sends X-Content-Type-Options: nosniff on every answer, and no HSTS for an http issuer', async () => {
    const app = await startTestApp();
    const answers = [
      await fetch(`${app.baseUrl}/.well-known/openid-configuration`),
      await fetch(`${app.baseUrl}/healthz`),
      await fetch(`${app.baseUrl}/admin/v1/clients`),
      await fetch(`${app.baseUrl}/me/profile`),
    ];
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('strict-transport-security')).toBeNull();
    }
    expect((await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' })).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends HSTS when the issuer is https', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_ISSUER: 'https://id.example.test' } });
    const answer = await fetch(`${app.baseUrl}/healthz`);
    expect(answer.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
