import { describe, expect, it } from 'vitest';
import { WxBridgeError } from '../../packages/miniprogram-sdk/src/index.ts';
import { postToken, verifyAccessToken } from '../support/oidc-client.ts';
import { arrangeSdk, editStoredTokens, phoneOf } from './sdk-fixture.ts';

const WECHAT_GRANT = 'urn:wxbridge:params:oauth:grant-type:wechat-code';
const corrupt = (jwt: string): string => `${jwt.slice(0, -8)}AAAAAAAA`;

describe('mini-program SDK: login and API requests', () => {
  it('logs in with wx.login() and calls the API with a JWT for the resource', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'ada');

    const claims = await bridge.login();
    const response = await bridge.request<{ sub: string; scope: string[] }>({ url: `${f.apiUrl}/read` });

    expect(response.statusCode).toBe(200);
    expect(response.data).toEqual({ sub: claims?.['sub'], scope: ['read'] });
    expect(wx.tokenCalls(WECHAT_GRANT)).toHaveLength(1);
    expect(wx.tokenCalls(WECHAT_GRANT)[0]?.form).toMatchObject({ client_id: f.mp.clientId, resource: f.api, scope: 'openid profile phone offline_access read' });
    const stored = wx.getStorageSync(`wxbridge:${f.mp.clientId}:api`) as { accessToken: string; refreshToken: string };
    expect(await verifyAccessToken(f.app.issuer, stored.accessToken, f.api)).toMatchObject({ sub: claims?.['sub'] });
    expect(stored.refreshToken).toEqual(expect.any(String));
  });

  it('logs in once for 10 concurrent first requests', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'bob');

    const responses = await Promise.all(Array.from({ length: 10 }, () => bridge.request({ url: `${f.apiUrl}/read` })));

    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(wx.logins).toBe(1);
    expect(wx.tokenCalls()).toHaveLength(1);
  });

  it('makes exactly one refresh call when 10 concurrent requests get 401 for the same token', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'cai');
    await bridge.login();
    editStoredTokens(f, wx, 'api', (t) => ({ ...t, accessToken: corrupt(t['accessToken'] as string) }));

    const responses = await Promise.all(Array.from({ length: 10 }, () => bridge.request({ url: `${f.apiUrl}/read` })));

    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(wx.requests.filter((r) => r.url === `${f.apiUrl}/read` && r.status === 401)).toHaveLength(10);
    expect(wx.tokenCalls('refresh_token')).toHaveLength(1);
    expect(wx.tokenCalls('refresh_token')[0]).toMatchObject({ status: 200 });
    expect(wx.logins).toBe(1);
  });

  it('refreshes once, before sending, when the stored token is about to expire', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'dee');
    await bridge.login();
    editStoredTokens(f, wx, 'api', (t) => ({ ...t, refreshAt: Date.now() - 1000 }));

    const responses = await Promise.all(Array.from({ length: 10 }, () => bridge.request({ url: `${f.apiUrl}/read` })));

    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect(wx.requests.filter((r) => r.status === 401)).toHaveLength(0);
    expect(wx.tokenCalls('refresh_token')).toHaveLength(1);
  });

  it('logs in again (same account) when its refresh token was revoked', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'eli');
    const sub = (await bridge.login())?.['sub'] as string;
    await f.app.admin.users.disable(sub); // revokes every grant of the account
    await f.app.admin.users.enable(sub);
    editStoredTokens(f, wx, 'api', (t) => ({ ...t, refreshAt: 0, expiresAt: 0 }));

    const response = await bridge.request<{ sub: string }>({ url: `${f.apiUrl}/read` });

    expect(response).toMatchObject({ statusCode: 200, data: { sub } });
    expect(wx.tokenCalls('refresh_token').map((r) => r.status)).toEqual([400]);
    expect(wx.logins).toBe(2);
  });

  it('passes the API\'s answers through, with its own token, and retries a 401 only once', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'fay', { scope: 'openid offline_access read' });

    expect((await bridge.request({ url: `${f.apiUrl}/write` })).statusCode).toBe(403);
    expect((await bridge.request({ url: `${f.apiUrl}/read`, header: { authorization: 'Bearer caller-set' } })).statusCode).toBe(200);
    // wxbridge's /me refuses a JWT access token (docs/decisions/0005): a 401 no refresh can cure.
    const response = await bridge.request({ url: `${f.app.issuer}/me` });

    expect(response.statusCode).toBe(401);
    expect(wx.requests.filter((r) => r.url === `${f.app.issuer}/me`)).toHaveLength(2);
    expect(wx.tokenCalls('refresh_token')).toHaveLength(1);
  });
});

describe('mini-program SDK: userinfo token and logout', () => {
  it('uses a separate opaque token (no resource) for wxbridge\'s /me', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'gus');
    const sub = (await bridge.login())?.['sub'];

    const info = await bridge.userInfo();

    expect(info['sub']).toBe(sub);
    const userinfoLogin = wx.tokenCalls(WECHAT_GRANT)[1];
    expect(userinfoLogin?.form).toMatchObject({ scope: 'openid profile phone offline_access' });
    expect(userinfoLogin?.form).not.toHaveProperty('resource');
  });

  it('uses the userinfo token for request() too when no resource is configured', async () => {
    const f = await arrangeSdk();
    const { bridge } = phoneOf(f, 'hal', { resource: undefined, scope: 'openid profile' });

    const response = await bridge.request<{ sub: string }>({ url: `${f.app.issuer}/me` });

    expect(response.statusCode).toBe(200);
    expect(response.data.sub).toBe(bridge.claims()?.['sub']);
  });

  it('logout revokes both refresh tokens and clears storage', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'ida');
    await bridge.login();
    await bridge.userInfo();
    const refreshTokens = [...wx.storage.values()].map((t) => (t as { refreshToken: string }).refreshToken);

    await bridge.logout();

    expect(wx.storage.size).toBe(0);
    expect(bridge.claims()).toBeUndefined();
    expect(wx.requests.filter((r) => r.url === `${f.app.issuer}/token/revocation`).map((r) => r.form['token'])).toEqual(expect.arrayContaining(refreshTokens));
    for (const refreshToken of refreshTokens) {
      const reuse = await postToken(f.app.baseUrl, { grant_type: 'refresh_token', client_id: f.mp.clientId, refresh_token: refreshToken });
      expect(reuse.body['error']).toBe('invalid_grant');
    }
  });

  it('refuses a getPhoneNumber event without a code (the user declined) without calling wxbridge', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'jo');

    await expect(bridge.bindPhone({ detail: { errMsg: 'getPhoneNumber:fail user deny' } })).rejects.toEqual(new WxBridgeError('phone_not_authorized', 'getPhoneNumber:fail user deny'));
    expect(wx.requests).toHaveLength(0);
  });
});
