/**
 * Issue #15 finding 3: a scope taken off a client reaches the grants it already holds. The README
 * promises a changed scope takes effect everywhere within the lookup-cache time; before the fix an
 * older refresh token kept `phone` and `wechat` for the grant's whole lifetime (30 days).
 */
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { callMe, setUpUserApp, signIn, userinfo } from '../me/me-fixtures.ts';
import { startTestApp } from '../support/test-app.ts';

describe('removing a scope from a client narrows existing grants (issue #15 finding 3)', () => {
  it('at refresh, at userinfo and at /me/*, over HTTP after an admin PATCH', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpUserApp(app);
    const user = await signIn(mp, 'narrowed');
    expect(user.tokens.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'phone', 'profile', 'wechat']);
    const signed = (): unknown => app.wechat.signUserData({ appId: mp.appId, user: 'narrowed' });
    expect((await callMe(app, 'POST', '/me/wechat/verify-signature', { token: user.accessToken, body: signed() })).status).toBe(200);

    const current = (await api.call('GET', `/clients/${mp.clientId}`)).body as { version: number };
    const patched = await api.call('PATCH', `/clients/${mp.clientId}`, { version: current.version, scope: 'openid profile offline_access' });
    expect(patched.status).toBe(200);
    app.clock.advance(60_000); // past the lookup cache (docs/decisions/0012)

    // The access token issued before the change no longer opens /me/wechat/*.
    const stale = await callMe(app, 'POST', '/me/wechat/verify-signature', { token: user.accessToken, body: signed() });
    expect({ status: stale.status, error: stale.body['error'] }).toEqual({ status: 403, error: 'insufficient_scope' });
    // The old refresh token gets only what the client still has.
    const refreshed = await oidc.refreshTokenGrant(mp.config, user.tokens.refresh_token ?? '');
    expect(refreshed.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'profile']);
    const fresh = { ...user, accessToken: refreshed.access_token };
    expect((await callMe(app, 'POST', '/me/wechat/verify-signature', { token: fresh.accessToken, body: signed() })).status).toBe(403);
    // Userinfo releases no claim of a removed scope, with the old access token or the new one.
    for (const token of [user, fresh]) {
      const claims = await userinfo(mp, token);
      expect(claims.sub).toBe(user.sub);
      expect(Object.keys(claims)).not.toContain('phone_number');
      expect(Object.keys(claims).filter((key) => key.startsWith('wechat') || key === 'unionid' || key === 'openid')).toEqual([]);
    }
  });
});
