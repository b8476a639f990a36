// Who may call /me/* (RFC 6750, docs/decisions/0007): opaque wxbridge access tokens with `openid` and the
// route's scope, in the Authorization header only, for an active account.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { discover } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer, randomName } from '../support/wechat-fixtures.ts';
import { callMe, setUpUserApp, signIn } from './me-fixtures.ts';

const PROFILE = { nickname: 'Alice' };

describe('bearer tokens at /me/*', () => {
  it('answers 401 with `WWW-Authenticate: Bearer` and no error attribute when no token is sent', async () => {
    const app = await startTestApp();
    const response = await callMe(app, 'PATCH', '/me/profile', { body: PROFILE });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="${app.issuer}"`);
    expect(response.body).toMatchObject({ error: 'invalid_token' });
    expect(await callMe(app, 'POST', '/me/phone')).toMatchObject({ status: 401 });
  });

  it('names one realm, the issuer, at userinfo (/me), /me/* and the admin API (issue 18 #6)', async () => {
    const app = await startTestApp();
    const challenges = await Promise.all([
      callMe(app, 'GET', '/me'), callMe(app, 'POST', '/me/phone'), callMe(app, 'POST', '/me/wechat/decrypt'), callMe(app, 'GET', '/admin/v1/clients'),
    ]);
    // (userinfo also offers a DPoP challenge, in the same realm.)
    const realms = (header: string | null): string[] => [...(header ?? '').matchAll(/realm="([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(challenges.map((r) => [r.status, r.headers.get('www-authenticate')?.startsWith('Bearer realm='), ...new Set(realms(r.headers.get('www-authenticate')))]))
      .toEqual(challenges.map(() => [401, true, app.issuer]));
  });

  it('answers 400 invalid_request to a token in the query or in the body, without using it', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const { accessToken } = await signIn(mp, 'alice');
    const inQuery = await callMe(app, 'PATCH', '/me/profile', { body: PROFILE, query: `?access_token=${accessToken}` });
    const inBody = await callMe(app, 'PATCH', '/me/profile', { body: { ...PROFILE, access_token: accessToken } });
    const both = await callMe(app, 'PATCH', '/me/profile', { token: accessToken, body: { ...PROFILE, access_token: accessToken } });
    for (const response of [inQuery, inBody, both]) expect(response).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(inQuery.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('answers 401 invalid_token to an unknown token, a malformed header gets 400', async () => {
    const app = await startTestApp();
    const unknown = await callMe(app, 'PATCH', '/me/profile', { token: 'x'.repeat(43), body: PROFILE });
    const basic = await callMe(app, 'PATCH', '/me/profile', { headers: { authorization: 'Basic YTpi' }, body: PROFILE });
    expect(unknown).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(basic.status).toBe(400);
  });

  it('refuses a JWT access token for a resource server and a client_credentials token (401)', async () => {
    const app = await startTestApp();
    const api = await addResourceServer(app, 'read');
    const mp = await setUpUserApp(app, { resources: { [api]: 'read' } });
    const jwt = (await mp.post({ code: mp.code('bob'), scope: 'openid profile read', resource: api })).body['access_token'] as string;
    const serviceId = randomName('svc');
    const service = await app.admin.clients.register({ type: 'service', clientId: serviceId, resources: { [api]: 'read' }, defaultResource: api });
    const serviceConfig = await discover(app.issuer, serviceId, service.clientSecret ?? '');
    const cc = await oidc.clientCredentialsGrant(serviceConfig, { scope: 'read', resource: api });
    for (const token of [jwt, cc.access_token]) {
      expect(await callMe(app, 'PATCH', '/me/profile', { token, body: PROFILE })).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    }
  });

  it('answers 403 insufficient_scope, naming the scope, when the token lacks it', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const { accessToken } = await signIn(mp, 'carol', 'openid phone');
    const response = await callMe(app, 'PATCH', '/me/profile', { token: accessToken, body: PROFILE });
    expect(response).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    expect(response.headers.get('www-authenticate')).toContain('scope="profile"');
  });

  it('refuses the token of a disabled account, and of a revoked token', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const dave = await signIn(mp, 'dave');
    const erin = await signIn(mp, 'erin');
    await app.admin.users.disable(dave.sub);
    await oidc.tokenRevocation(mp.config, erin.accessToken);
    expect(await callMe(app, 'PATCH', '/me/profile', { token: dave.accessToken, body: PROFILE })).toMatchObject({ status: 401 });
    expect(await callMe(app, 'PATCH', '/me/profile', { token: erin.accessToken, body: PROFILE })).toMatchObject({ status: 401 });
  });

  it('leaves GET /me to oidc-provider userinfo', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const login = await signIn(mp, 'frank');
    const response = await callMe(app, 'GET', '/me', { token: login.accessToken });
    expect(response).toMatchObject({ status: 200, body: { sub: login.sub } });
  });
});
