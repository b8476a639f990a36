import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import { WECHAT_GRANT } from '../support/oidc-client.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

async function getJson(url: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /.well-known/openid-configuration', () => {
  it('names the configured issuer exactly and endpoints under it', async () => {
    const app = await startTestApp();
    const { status, body } = await getJson(`${app.baseUrl}/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body['issuer']).toBe(app.issuer);
    expect(body).toMatchObject({
      jwks_uri: `${app.issuer}/jwks`,
      token_endpoint: `${app.issuer}/token`,
      introspection_endpoint: `${app.issuer}/token/introspection`,
      revocation_endpoint: `${app.issuer}/token/revocation`,
      userinfo_endpoint: `${app.issuer}/me`,
    });
  });

  it('advertises client_credentials, refresh_token and the WeChat grant', async () => {
    const app = await startTestApp();
    const { body } = await getJson(`${app.baseUrl}/.well-known/openid-configuration`);
    expect(body['grant_types_supported']).toEqual(expect.arrayContaining(['client_credentials', 'refresh_token', WECHAT_GRANT]));
  });

  it('never offers unsigned ID tokens', async () => {
    const app = await startTestApp();
    const { body } = await getJson(`${app.baseUrl}/.well-known/openid-configuration`);
    const algs = body['id_token_signing_alg_values_supported'];
    expect(algs).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    expect(algs).not.toContain('none');
  });
});

describe('GET /jwks', () => {
  async function fetchKeys(): Promise<{ headers: Headers; keys: Record<string, unknown>[] }> {
    const app = await startTestApp();
    const { status, headers, body } = await getJson(`${app.baseUrl}/jwks`);
    expect(status).toBe(200);
    return { headers, keys: body['keys'] as Record<string, unknown>[] };
  }

  it('publishes at least one RS256 and one ES256 signing key', async () => {
    const { keys } = await fetchKeys();
    expect(keys.filter((key) => key['alg'] === 'RS256' && key['kty'] === 'RSA').length).toBeGreaterThanOrEqual(1);
    expect(keys.filter((key) => key['alg'] === 'ES256' && key['kty'] === 'EC' && key['crv'] === 'P-256').length).toBeGreaterThanOrEqual(1);
  });

  it('gives every key a unique kid, use "sig" and an alg (K-02)', async () => {
    const { keys } = await fetchKeys();
    const kids = keys.map((key) => key['kid']);
    expect(kids.every((kid) => typeof kid === 'string' && kid !== '')).toBe(true);
    expect(new Set(kids).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatchObject({ use: 'sig', alg: expect.stringMatching(/^(RS256|ES256)$/) });
  });

  it('publishes only public key material (K-02)', async () => {
    const { keys } = await fetchKeys();
    for (const key of keys) {
      expect(Object.keys(key).filter((member) => PRIVATE_MEMBERS.includes(member))).toEqual([]);
      expect(key['kty']).not.toBe('oct');
    }
  });

  it('is cacheable for a bounded time (K-02)', async () => {
    const { headers } = await fetchKeys();
    const maxAge = Number(/(?:^|,)\s*max-age=(\d+)/.exec(headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(3600);
    expect(headers.get('cache-control')).not.toMatch(/no-store|no-cache/);
  });
});
