// Client, resource-server and WeChat-app lookups are reused for WXBRIDGE_LOOKUP_CACHE_TTL_MS (≤ 1 s):
// an edit made through the admin services — by another process, as the CLI or another instance
// would — reaches a running app once the cache time has passed (the app's clock is advanced past it),
// with no restart and no message (docs/decisions/0012).
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer } from '../support/wechat-fixtures.ts';

const CACHED = { WXBRIDGE_LOOKUP_CACHE_TTL_MS: '500' };

function basic(clientId: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` };
}

describe('lookup cache (WXBRIDGE_LOOKUP_CACHE_TTL_MS)', () => {
  it('serves a client edit made through the admin services once the cache time has passed', async () => {
    const app = await startTestApp({ env: CACHED });
    const api = await addResourceServer(app, 'read write');
    const { clientSecret = '' } = await app.admin.clients.register({ type: 'service', clientId: 'svc-cache', resources: { [api]: 'read' }, defaultResource: api });
    const grantedScope = async (): Promise<unknown> => {
      const response = await postToken(app.baseUrl, { grant_type: 'client_credentials', scope: 'read write' }, basic('svc-cache', clientSecret));
      const body = response.body as { scope?: unknown; error?: unknown };
      return body.error ?? body.scope;
    };
    expect(await grantedScope()).toBe('invalid_scope'); // write is not registered yet (issue #15 finding 8), and the client is now cached

    const { version } = await app.admin.clients.show('svc-cache');
    await app.admin.clients.update('svc-cache', { version, resources: { [api]: 'read write' } });
    app.clock.advance(501);
    expect(await grantedScope()).toBe('read write');
  });

  it('reads a resource server edited through its own admin API back at once (the console shows the saved values after saving)', async () => {
    const app = await startTestApp({ env: CACHED });
    const api = await addResourceServer(app, 'read');
    const admin = await adminApi(app);
    const path = `/resources/${encodeURIComponent(api)}`;
    expect((await admin.call('GET', path)).body).toMatchObject({ scopes: ['read'] }); // now cached in this process
    expect((await admin.call('PATCH', path, { scopes: 'read write' })).status).toBe(200);
    expect((await admin.call('GET', path)).body).toMatchObject({ scopes: ['read', 'write'] });
    expect((await admin.call('DELETE', path)).status).toBe(204);
    expect((await admin.call('GET', path)).status).toBe(404);
  });

  it('stops accepting a removed client once the cache time has passed', async () => {
    const app = await startTestApp({ env: CACHED });
    const api = await addResourceServer(app, 'read');
    const { clientSecret = '' } = await app.admin.clients.register({ type: 'service', clientId: 'svc-gone', resources: { [api]: 'read' }, defaultResource: api });
    const status = async (): Promise<number> => (await postToken(app.baseUrl, { grant_type: 'client_credentials' }, basic('svc-gone', clientSecret))).status;
    expect(await status()).toBe(200);
    await app.admin.clients.remove('svc-gone');
    app.clock.advance(501);
    expect(await status()).toBe(401);
  });
});
