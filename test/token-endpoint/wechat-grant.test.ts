import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { verifyAccessToken, verifyIdToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer, codeExchanges, randomName, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /token grant_type=urn:wxbridge:params:oauth:grant-type:wechat-code', () => {
  it('gives every login of one WeChat user the same sub, a UUID that is neither the openid nor the unionid', async () => {
    const app = await startTestApp();
    const platform = randomName('op');
    const mp = await setUpMiniProgram(app, { openPlatformId: platform });

    const first = await mp.login('alice');
    const second = await mp.login('alice');
    const other = await mp.login('bob');

    expect(subOf(first)).toMatch(UUID);
    expect(subOf(second)).toBe(subOf(first));
    expect(subOf(other)).not.toBe(subOf(first));
    for (const value of [app.wechat.openIdOf(mp.appId, 'alice'), app.wechat.unionIdOf(platform, 'alice')]) {
      expect(subOf(first)).not.toBe(value);
    }
  });

  it('answers a login with a resource with an RFC 9068 JWT for that resource carrying only its scopes', async () => {
    const app = await startTestApp();
    const api = await addResourceServer(app, 'read write');
    const mp = await setUpMiniProgram(app, { scope: 'openid profile offline_access', resources: { [api]: 'read write' } });
    const code = mp.code('carol');

    const response = await mp.post({ code, scope: 'openid profile offline_access read', resource: api });

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('read') as unknown, expires_in: expect.any(Number) as unknown });
    const { access_token: at, id_token: idt, refresh_token: rt } = response.body as Record<string, string>;
    expect(rt).toEqual(expect.any(String));
    expect(decodeProtectedHeader(at ?? '').typ).toBe('at+jwt');
    const claims = await verifyAccessToken(app.issuer, at ?? '', api);
    const idClaims = await verifyIdToken(app.issuer, idt ?? '', mp.clientId);
    expect(claims).toMatchObject({ aud: api, client_id: mp.clientId, sub: idClaims.sub, scope: 'read' });
    // Exactly one exchange, with this app's credentials (W-01).
    expect(app.wechat.requests.filter((r) => r.endpoint === 'jscode2session')).toEqual([
      expect.objectContaining({ query: expect.objectContaining({ appid: mp.appId, secret: mp.secret, js_code: code }) as unknown }),
    ]);
  });

  it('answers a login without a resource (no default resource) with an opaque access token accepted at /me', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app, { scope: 'openid profile' });

    const tokens = await mp.login('dave');

    expect(tokens.access_token.split('.')).toHaveLength(1);
    const userinfo = await oidc.fetchUserInfo(mp.config, tokens.access_token, subOf(tokens));
    expect(userinfo.sub).toBe(subOf(tokens));
    expect(userinfo['updated_at']).toEqual(expect.any(Number));
    expect(tokens.refresh_token).toBeUndefined(); // no offline_access registered
  });

  it('releases profile and wechat claims in the ID token and at /me only for the granted scopes', async () => {
    const app = await startTestApp();
    const platform = randomName('op');
    const mp = await setUpMiniProgram(app, { openPlatformId: platform, scope: 'openid profile wechat' });
    const wechatClaims = {
      wechat_appid: mp.appId,
      wechat_openid: app.wechat.openIdOf(mp.appId, 'erin'),
      wechat_unionid: app.wechat.unionIdOf(platform, 'erin'),
    };

    const full = await mp.login('erin', { scope: 'openid profile wechat' });
    const bare = await mp.login('erin', { scope: 'openid' });

    expect(full.claims()).toMatchObject({ ...wechatClaims, updated_at: expect.any(Number) as unknown });
    expect(await oidc.fetchUserInfo(mp.config, full.access_token, subOf(full))).toMatchObject(wechatClaims);
    const bareUserinfo = await oidc.fetchUserInfo(mp.config, bare.access_token, subOf(bare));
    for (const claims of [bare.claims() ?? {}, bareUserinfo]) {
      for (const key of ['updated_at', ...Object.keys(wechatClaims)]) expect(claims).not.toHaveProperty(key);
    }
    expect(bare.scope).toBe('openid');
    expect(codeExchanges(app)).toBe(2);
  });

  it('keeps WeChat identifiers out of tokens of a client whose scope lacks wechat', async () => {
    const app = await startTestApp();
    const platform = randomName('op');
    const mp = await setUpMiniProgram(app, { openPlatformId: platform, scope: 'openid profile' });

    const tokens = await mp.login('frank');

    const everything = JSON.stringify([tokens.claims(), await oidc.fetchUserInfo(mp.config, tokens.access_token, subOf(tokens))]);
    expect(everything).not.toContain(app.wechat.openIdOf(mp.appId, 'frank'));
    expect(everything).not.toContain(app.wechat.unionIdOf(platform, 'frank'));
  });

  it('refuses a code that already logged a user in, without asking WeChat again (W-04)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const code = mp.code('gina');
    expect((await mp.post({ code })).status).toBe(200);

    const replay = await mp.post({ code });

    expect(replay.status).toBe(400);
    expect(replay.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/wx\.login again/) as unknown });
    expect(codeExchanges(app, code)).toBe(1);
  });

  it('lets only one of several concurrent requests carrying the same code reach WeChat', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const code = mp.code('hank');

    const responses = await Promise.all(Array.from({ length: 10 }, () => mp.post({ code })));

    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array<number>(9).fill(400)]);
    expect(codeExchanges(app, code)).toBe(1);
  });
});
