import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { discover } from '../support/oidc-client.ts';

const API = 'https://api.example.test';

interface ServiceSetup {
  readonly app: TestApp;
  readonly config: oidc.Configuration;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A wxbridge with one resource server (scopes read write admin) and a service client allowed `read admin` on it. */
async function serviceClient(options: { signingAlg?: 'RS256' | 'ES256' } = {}): Promise<ServiceSetup> {
  const app = await startTestApp();
  await app.admin.resourceServers.add({ uri: API, scopes: 'read write admin', ...(options.signingAlg === undefined ? {} : { signingAlg: options.signingAlg }) });
  const registered = await app.admin.clients.register({ type: 'service', clientId: 'svc-reports', resources: { [API]: 'read admin' }, defaultResource: API });
  const clientSecret = registered.clientSecret ?? '';
  return { app, config: await discover(app.issuer, 'svc-reports', clientSecret), clientId: 'svc-reports', clientSecret };
}

async function verify(app: TestApp, token: string) {
  return jwtVerify(token, createRemoteJWKSet(new URL(`${app.issuer}/jwks`)), { issuer: app.issuer, audience: API, typ: 'at+jwt' });
}

/** The algorithm the token is signed with, and the algorithm of the published key its kid names. */
async function signingAlgorithms(app: TestApp, token: string): Promise<{ header: string; publishedKey: string | undefined }> {
  const { protectedHeader } = await verify(app, token);
  const jwks = (await (await fetch(`${app.issuer}/jwks`)).json()) as { keys: { kid: string; alg: string }[] };
  return { header: protectedHeader.alg, publishedKey: jwks.keys.find((key) => key.kid === protectedHeader.kid)?.alg };
}

describe('POST /token grant_type=client_credentials', () => {
  it('issues an RFC 9068 JWT access token that verifies against the published JWKS', async () => {
    const { app, config, clientId } = await serviceClient();
    const response = await oidc.clientCredentialsGrant(config, { scope: 'read admin' });
    expect(response.token_type.toLowerCase()).toBe('bearer');
    const { payload, protectedHeader } = await verify(app, response.access_token);
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ iss: app.issuer, sub: clientId, aud: API, client_id: clientId, scope: 'read admin' });
    expect(payload.jti).toEqual(expect.any(String));
    expect(payload.iat).toEqual(expect.any(Number));
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600); // the resource server's default access-token TTL
    expect(response.expires_in).toBeGreaterThanOrEqual(599);
  });

  it('refuses a scope the client is not registered for with 400 invalid_scope (issue #15 finding 8)', async () => {
    const { config } = await serviceClient();
    await expect(oidc.clientCredentialsGrant(config, { scope: 'read write' }))
      .rejects.toMatchObject({ status: 400, error: 'invalid_scope', error_description: 'requested scope is not allowed for this client' });
  });

  it('refuses `admin` for a client registered without it, instead of dropping it (issue #15 finding 8)', async () => {
    const { app } = await serviceClient();
    const other = await app.admin.clients.register({ type: 'service', clientId: 'svc-reader', resources: { [API]: 'read' }, defaultResource: API });
    const config = await discover(app.issuer, 'svc-reader', other.clientSecret ?? '');
    await expect(oidc.clientCredentialsGrant(config, { scope: 'admin' })).rejects.toMatchObject({ status: 400, error: 'invalid_scope', error_description: 'requested scope is not allowed for this client' });
    await expect(oidc.clientCredentialsGrant(config, { scope: 'read nonexistent' })).rejects.toMatchObject({ status: 400, error: 'invalid_scope', error_description: 'requested scope is not allowed for this client' });
    const granted = await oidc.clientCredentialsGrant(config, { scope: 'read' });
    expect(granted.scope).toBe('read');
  });

  it('refuses a resource the client is not registered for with 400 invalid_target', async () => {
    const { app, config } = await serviceClient();
    await app.admin.resourceServers.add({ uri: 'https://billing.example.test', scopes: 'charge' });
    await expect(oidc.clientCredentialsGrant(config, { resource: 'https://billing.example.test', scope: 'charge' }))
      .rejects.toMatchObject({ status: 400, error: 'invalid_target' });
  });

  it('answers an unknown resource with the same invalid_target as a forbidden one', async () => {
    const { config } = await serviceClient();
    await expect(oidc.clientCredentialsGrant(config, { resource: 'https://nowhere.example.test' }))
      .rejects.toMatchObject({ status: 400, error: 'invalid_target', error_description: 'the requested resource is not available to this client' });
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const { app, clientId } = await serviceClient();
    const config = await discover(app.issuer, clientId, 'not-the-secret');
    await expect(oidc.clientCredentialsGrant(config, { scope: 'read' })).rejects.toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('refuses an unknown client with 401 invalid_client', async () => {
    const { app, clientSecret } = await serviceClient();
    const config = await discover(app.issuer, 'svc-nobody', clientSecret);
    await expect(oidc.clientCredentialsGrant(config, { scope: 'read' })).rejects.toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('signs with ES256 when the resource server does not choose an algorithm', async () => {
    const { app, config } = await serviceClient();
    const { access_token: token } = await oidc.clientCredentialsGrant(config, { scope: 'read' });
    expect(await signingAlgorithms(app, token)).toEqual({ header: 'ES256', publishedKey: 'ES256' });
  });

  it('signs with RS256 when the resource server is registered so', async () => {
    const { app, config } = await serviceClient({ signingAlg: 'RS256' });
    const { access_token: token } = await oidc.clientCredentialsGrant(config, { scope: 'read' });
    expect(await signingAlgorithms(app, token)).toEqual({ header: 'RS256', publishedKey: 'RS256' });
  });
});
