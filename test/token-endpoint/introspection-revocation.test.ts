import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { discover } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { addResourceServer, randomName, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

async function setUpServiceClient(app: TestApp): Promise<oidc.Configuration> {
  const api = await addResourceServer(app, 'read');
  const registered = await app.admin.clients.register({ type: 'service', clientId: randomName('svc'), resources: { [api]: 'read' }, defaultResource: api });
  return discover(app.issuer, registered.clientId, registered.clientSecret);
}

describe('POST /token/introspection and /token/revocation (design.md §5; test-catalogue C.9)', () => {
  it('describes an active refresh token to its own client, with the standard fields only (V-06)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('fay');

    const introspection = await oidc.tokenIntrospection(mp.config, tokens.refresh_token ?? '');

    expect(introspection).toMatchObject({ active: true, client_id: mp.clientId, sub: subOf(tokens), iss: app.issuer, scope: tokens.scope });
    expect(introspection.exp).toBeGreaterThan(introspection.iat ?? Infinity);
    expect(JSON.stringify(introspection)).not.toMatch(/grantId|accountId|session_key|sessionKey/);
  });

  it('answers active:false to a confidential service client introspecting a mini-program user\'s token (V-07)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const svc = await setUpServiceClient(app);
    const tokens = await mp.login('gus');

    expect(await oidc.tokenIntrospection(svc, tokens.refresh_token ?? '')).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(svc, tokens.access_token)).toEqual({ active: false });
  });

  it('answers active:false to another mini-program client and to junk (V-05)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const other = await setUpMiniProgram(app);
    const tokens = await mp.login('hal');

    expect(await oidc.tokenIntrospection(other.config, tokens.refresh_token ?? '')).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(mp.config, 'not-a-token')).toEqual({ active: false });
  });

  it('revokes a refresh token for its own client, and the token then stops working (V-01)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('ida');

    await oidc.tokenRevocation(mp.config, tokens.refresh_token ?? '');

    expect(await oidc.tokenIntrospection(mp.config, tokens.refresh_token ?? '')).toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('does nothing when another client revokes the token: a public one gets 200, a confidential one an error (V-02)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const other = await setUpMiniProgram(app);
    const svc = await setUpServiceClient(app);
    const tokens = await mp.login('jon');

    await oidc.tokenRevocation(other.config, tokens.refresh_token ?? '');
    await expect(oidc.tokenRevocation(svc, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_request' });

    expect((await oidc.tokenIntrospection(mp.config, tokens.refresh_token ?? '')).active).toBe(true);
    expect((await oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '')).claims()?.sub).toBe(subOf(tokens));
  });

  // What the README promises about access tokens (issue 18 #6).
  it('ends the whole grant, refresh token included, when an opaque access token is revoked', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('kim');

    await oidc.tokenRevocation(mp.config, tokens.access_token);

    expect(await oidc.tokenIntrospection(mp.config, tokens.refresh_token ?? '')).toEqual({ active: false });
    await expect(oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('answers unsupported_token_type to introspecting or revoking a JWT access token; revoking its refresh token ends the grant', async () => {
    const app = await startTestApp();
    const api = await addResourceServer(app, 'read');
    const mp = await setUpMiniProgram(app, { resources: { [api]: 'read' }, defaultResource: api });
    const tokens = await mp.login('lea');
    expect(tokens.access_token.split('.')).toHaveLength(3);

    await expect(oidc.tokenIntrospection(mp.config, tokens.access_token)).rejects.toMatchObject({ error: 'unsupported_token_type' });
    await expect(oidc.tokenRevocation(mp.config, tokens.access_token)).rejects.toMatchObject({ error: 'unsupported_token_type' });
    await oidc.tokenRevocation(mp.config, tokens.refresh_token ?? '');
    await expect(oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
