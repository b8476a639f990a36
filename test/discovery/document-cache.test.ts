// Discovery and the JWKS are served from their last rendering (src/oidc/document-cache.ts): the same
// bytes and headers as the provider's own answer, CORS requests still answered by the provider, and
// a new JWKS as soon as this instance reloads rotated keys.
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | null; cache: string | null; cors: string | null; body: string }> {
  const response = await fetch(url, { headers });
  return { status: response.status, type: response.headers.get('content-type'), cache: response.headers.get('cache-control'), cors: response.headers.get('access-control-allow-origin'), body: await response.text() };
}

describe('discovery and JWKS from the document cache', () => {
  it('answers repeated requests with the first answer, headers included', async () => {
    const app = await startTestApp();
    for (const path of ['/.well-known/openid-configuration', '/jwks']) {
      const first = await get(`${app.baseUrl}${path}`);
      const second = await get(`${app.baseUrl}${path}`);
      expect(first.status).toBe(200);
      expect(second).toEqual(first);
      expect(second.type).toMatch(/^application\/(jwk-set\+)?json/);
    }
    expect((await get(`${app.baseUrl}/jwks`)).cache).toBe('public, max-age=300');
  });

  it('names endpoints after the configured issuer, whatever origin the request came by (issue #15 finding 6)', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_TRUST_PROXY: '1', WXBRIDGE_ISSUER: 'https://id.example.test' } });
    const tokenEndpoint = async (headers: Record<string, string>): Promise<unknown> =>
      (JSON.parse((await get(`${app.baseUrl}/.well-known/openid-configuration`, headers)).body) as { token_endpoint: unknown }).token_endpoint;
    const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'id.example.test' };
    for (let i = 0; i < 2; i += 1) {
      expect(await tokenEndpoint({})).toBe('https://id.example.test/token');
      expect(await tokenEndpoint({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' })).toBe('https://id.example.test/token');
      expect(await tokenEndpoint(proxied)).toBe('https://id.example.test/token');
    }
  });

  it('leaves CORS requests to the provider', async () => {
    const app = await startTestApp();
    await get(`${app.baseUrl}/jwks`);
    const cors = await get(`${app.baseUrl}/jwks`, { origin: 'https://app.example.com' });
    expect(cors.status).toBe(200);
    expect(cors.cors).not.toBeNull();
  });

  it('publishes rotated keys once the instance reloads them', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_KEY_RELOAD_INTERVAL_MS: '200' } });
    const kids = async (): Promise<string[]> => (JSON.parse((await get(`${app.baseUrl}/jwks`)).body) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    const before = await kids();
    const rotated = await app.admin.keys.rotate({ delaySeconds: 3600 });
    const added = rotated.map((key) => key.kid);
    await expect.poll(kids, { timeout: 10_000, interval: 100 }).toEqual(expect.arrayContaining([...before, ...added]));
  });
});
