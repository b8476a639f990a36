/**
 * Catalogue rows about token values and token-endpoint edges that no other file pinned down:
 * refresh-token shape, jti uniqueness (ID-02), refresh with a wider or narrower scope,
 * introspection and revocation of a JWT access token (V-03) and introspection without client
 * authentication (V-04).
 */
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { discover, postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer, randomName, setUpMiniProgram } from '../support/wechat-fixtures.ts';

describe('token values (R-13, ID-02)', () => {
  it('gives refresh tokens of ≥ 256 bits in URL-safe characters, never twice, and every access token its own jti', async () => {
    const app = await startTestApp();
    const api = await addResourceServer(app, 'read');
    const mp = await setUpMiniProgram(app, { scope: 'openid offline_access', resources: { [api]: 'read' }, defaultResource: api });
    const svc = await app.admin.clients.register({ type: 'service', clientId: randomName('svc'), resources: { [api]: 'read' }, defaultResource: api });
    const service = await discover(app.issuer, svc.clientId, svc.clientSecret);

    const logins = await Promise.all(Array.from({ length: 30 }, (_, i) => mp.login(`shape-${String(i)}`)));
    const grants = await Promise.all(Array.from({ length: 200 }, () => oidc.clientCredentialsGrant(service, { scope: 'read' })));

    const refreshTokens = logins.map((login) => login.refresh_token ?? '');
    for (const token of refreshTokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/); // 43 base64url characters = 256 bits
    expect(new Set(refreshTokens).size).toBe(refreshTokens.length);
    const jtis = [...logins, ...grants].map((tokens) => decodeJwt(tokens.access_token).jti);
    expect(new Set(jtis).size).toBe(230);
  });
});

describe('refresh with another scope (R-04)', () => {
  it('refuses a wider scope with invalid_scope, and a narrower one without openid gives no ID token', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access' });
    const login = await mp.login('scoper', { scope: 'openid offline_access' });
    const refresh = (refreshToken: string, scope: string): ReturnType<typeof postToken> =>
      postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: refreshToken, scope });

    const wider = await refresh(login.refresh_token ?? '', 'openid profile offline_access');
    const narrower = await refresh(login.refresh_token ?? '', 'offline_access');

    expect(wider).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(narrower.status).toBe(200);
    expect(narrower.body).not.toHaveProperty('id_token');
  });
});

describe('introspection and revocation edges (V-03, V-04)', () => {
  it('answers a JWT access token with unsupported_token_type, and introspection without client authentication with invalid_request', async () => {
    const app = await startTestApp();
    const api = await addResourceServer(app, 'read');
    const mp = await setUpMiniProgram(app, { scope: 'openid offline_access', resources: { [api]: 'read' }, defaultResource: api });
    const { access_token: jwt } = await mp.login('introspected');
    const form = (path: string, body: Record<string, string>): Promise<{ status: number; body: unknown }> =>
      fetch(`${app.baseUrl}${path}`, { method: 'POST', body: new URLSearchParams(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));

    expect(await form('/token/introspection', { client_id: mp.clientId, token: jwt })).toMatchObject({ status: 400, body: { error: 'unsupported_token_type' } });
    expect(await form('/token/revocation', { client_id: mp.clientId, token: jwt })).toMatchObject({ status: 400, body: { error: 'unsupported_token_type' } });
    expect(await form('/token/introspection', { token: jwt })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});
