import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminApi, adminFetch } from '../support/admin-api.ts';
import { discover } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { accessTokenClaims, idpSigningKey, signToken } from '../support/token-forge.ts';
import { addResourceServer, randomAppId, randomSecret, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

async function serviceToken(app: TestApp, clientId: string, resources: Record<string, string>, defaultResource: string): Promise<string> {
  const { clientSecret } = await app.admin.clients.register({ type: 'service', clientId, resources, defaultResource }, { allowUnscopedResources: true });
  return (await oidc.clientCredentialsGrant(await discover(app.issuer, clientId, clientSecret))).access_token;
}

describe('admin API authentication (design.md §6; test-catalogue A-01)', () => {
  it('refuses a request without a token with 401 and a bare Bearer challenge', async () => {
    const app = await startTestApp();
    const response = await adminFetch(app, 'GET', '/clients');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${app.issuer}"`);
    expect(response.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
    // Unknown admin paths reveal nothing either.
    expect((await adminFetch(app, 'GET', '/nothing-here')).status).toBe(401);
  });

  it('refuses an expired admin token with 401 invalid_token', async () => {
    const app = await startTestApp({ env: { WXBRIDGE_ADMIN_TOKEN_TTL: '60' } });
    const api = await adminApi(app);
    const token = await api.token();
    expect((await api.call('GET', '/keys', undefined, { token })).status).toBe(200);
    app.clock.advance(61_000); // past the 60 s token lifetime
    const response = await api.call('GET', '/keys', undefined, { token });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'invalid_token', message: 'the access token has expired' });
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${app.issuer}", error="invalid_token", error_description="the access token has expired"`);
  });

  it('refuses a valid wxbridge token for another audience with 401 invalid_token, even one with scope admin, saying "wrong audience"', async () => {
    const app = await startTestApp();
    const other = await addResourceServer(app, 'admin read');
    const token = await serviceToken(app, 'svc-other', { [other]: 'admin read' }, other);
    const response = await adminFetch(app, 'GET', '/clients', bearer(token));
    expect(response.status).toBe(401);
    // An admin client bound to another issuer's audience (issue 18 #1): enough to fix the setup, nothing secret.
    const description = `wrong audience: this admin API accepts tokens for ${app.admin.adminAudience}, not ${other}`;
    expect(response.body).toEqual({ error: 'invalid_token', message: description });
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${app.issuer}", error="invalid_token", error_description="${description}"`);
  });

  it('refuses an admin-audience token without scope admin with 403 insufficient_scope', async () => {
    const app = await startTestApp();
    const token = await serviceToken(app, 'svc-no-admin', { [app.admin.adminAudience]: '' }, app.admin.adminAudience);
    const response = await adminFetch(app, 'GET', '/clients', bearer(token));
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: 'insufficient_scope' });
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('refuses garbage and tokens signed with a key wxbridge never published', async () => {
    const app = await startTestApp();
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ scope: 'admin', client_id: 'evil' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'evil' })
      .setIssuer(app.issuer).setAudience(app.admin.adminAudience).setSubject('evil').setIssuedAt(now).setExpirationTime(now + 60)
      .sign(privateKey);
    for (const token of [forged, 'not.a.jwt', 'x']) {
      expect((await adminFetch(app, 'GET', '/apps', bearer(token))).status).toBe(401);
    }
  });

  it('applies the checks of @wxbridge/verifier: genuine admin tokens with a key-carrying header are refused (J-08)', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const valid = await api.token();
    const idp = await idpSigningKey(app, decodeProtectedHeader(valid).alg === 'RS256' ? 'RS256' : 'ES256');
    const claims = decodeJwt(valid);
    expect((await api.call('GET', '/keys', undefined, { token: await signToken(idp, claims) })).status).toBe(200);
    for (const header of [{ jwk: idp.publicJwk }, { x5u: 'https://evil.example/cert.pem' }, { jku: 'https://evil.example/jwks' }]) {
      const response = await api.call('GET', '/keys', undefined, { token: await signToken(idp, claims, header) });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'invalid_token', message: 'the access token is invalid' });
    }
  });

  it('stops accepting the tokens of an admin client as soon as the client is removed', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const token = await api.token();
    expect((await api.call('GET', '/apps', undefined, { token })).status).toBe(200);
    await app.admin.clients.remove(api.clientId);
    expect((await api.call('GET', '/apps', undefined, { token })).body).toMatchObject({ error: 'invalid_token' });
  });

  it("accepts a person's token (the console's client) only while the account holds the admin role, auditing the person", async () => {
    const app = await startTestApp();
    const sub = subOf(await (await setUpMiniProgram(app)).login('frank'));
    // The console registers its client when a sign-in first starts.
    expect((await fetch(`${app.baseUrl}/console/sign-in`, { redirect: 'manual' })).status).toBe(302);
    const claims = accessTokenClaims({ issuer: app.issuer, audience: app.admin.adminAudience }, { sub, client_id: 'wxbridge-console', scope: 'openid admin' });
    const token = await signToken(await idpSigningKey(app), claims);
    const list = () => adminFetch(app, 'GET', '/apps', bearer(token));
    expect(await list()).toMatchObject({ status: 403, body: { error: 'insufficient_scope', message: 'this account does not hold the admin role' } });

    await app.admin.admins.grant(sub);
    expect((await list()).status).toBe(200);
    const appId = randomAppId();
    const put = await adminFetch(app, 'PUT', `/apps/${appId}`, { ...bearer(token), 'content-type': 'application/json' }, JSON.stringify({ kind: 'miniprogram', secret: randomSecret() }));
    expect(put.status).toBe(200);
    const audit = await app.admin.audit.query({ action: 'app.upsert', limit: 5 });
    expect(audit.items.find((event) => event.target === appId)).toMatchObject({ actor: sub, clientId: 'wxbridge-console' });

    // Revoked: the very next request is refused, though the token has not expired.
    await app.admin.admins.revoke(sub);
    expect((await list()).status).toBe(403);
  });

  it('never grants the admin API to a public mini-program client', async () => {
    const app = await startTestApp();
    const appId = randomAppId();
    await app.admin.apps.upsert({ appId, kind: 'miniprogram', secret: randomSecret() });
    await app.admin.ensureAdminAudience();
    await expect(app.admin.clients.register({ type: 'miniprogram', clientId: 'mp-admin', wechatAppId: appId, resources: { [app.admin.adminAudience]: 'admin' } }))
      .rejects.toMatchObject({ code: 'client.invalid_metadata' });
  });
});

describe('admin API requests (test-catalogue A-01, A-09)', () => {
  it('sends no CORS headers, even to a preflight', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const origin = { origin: 'https://evil.example' };
    const preflight = await adminFetch(app, 'OPTIONS', '/apps', { ...origin, 'access-control-request-method': 'GET', authorization: `Bearer ${await api.token()}` });
    const get = await adminFetch(app, 'GET', '/apps', { ...origin, authorization: `Bearer ${await api.token()}` });
    for (const response of [preflight, get]) expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers bad bodies with 400 or 413, never 500', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const huge = await api.call('POST', '/resources', undefined, { rawBody: JSON.stringify({ uri: 'https://a.example', scopes: 'x'.repeat(10 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: 'request.too_large' });
    expect((await api.call('POST', '/resources', undefined, { rawBody: '{"uri":' })).status).toBe(400);
    expect((await api.call('POST', '/resources', { uri: ['https://a.example'], scopes: 'read' })).status).toBe(400);
    expect((await api.call('POST', '/resources', { uri: 'https://a.example', scopes: 'read', extra: 1 })).status).toBe(400);
    expect((await api.call('POST', '/resources', { uri: 'https://a.example', scopes: 'read' }, { contentType: 'text/plain' })).status).toBe(400);
    expect((await api.call('GET', `/users/${'ü'.repeat(300)}`)).status).toBe(404);
    expect((await api.call('GET', '/clients?limit=0')).status).toBe(400);
    expect((await api.call('GET', '/audit?since=yesterday')).status).toBe(400);
    expect((await api.call('GET', '/no-such-endpoint')).body).toMatchObject({ error: 'not_found' });
  });
});
