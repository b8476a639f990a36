import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { countLoginRows, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

describe('users disable / enable (design.md §6; test-catalogue M-08, R-10)', () => {
  it('refuses the next login and every refresh token of a disabled account, and lets it in again once enabled', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('mallory');
    const sub = subOf(tokens);

    await app.admin.users.disable(sub);

    const login = await mp.post({ code: mp.code('mallory') });
    expect(login.status).toBe(400);
    expect(login.body).toEqual({ error: 'invalid_grant', error_description: 'the account is disabled' });
    expect(login.headers.get('cache-control')).toBe('no-store');
    const refresh = await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' });
    expect(refresh.status).toBe(400);
    expect(refresh.body['error']).toBe('invalid_grant');
    expect((await oidc.tokenIntrospection(mp.config, tokens.refresh_token ?? '')).active).toBe(false);

    await app.admin.users.enable(sub);
    const again = await mp.login('mallory');
    expect(subOf(again)).toBe(sub);
    // Enabling does not resurrect the grants revoked by disabling.
    expect((await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' })).status).toBe(400);
    expect((await oidc.refreshTokenGrant(mp.config, again.refresh_token ?? '')).claims()?.sub).toBe(sub);
  });

  it('answers a disabled user\'s login without issuing a grant and without a second WeChat call', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    const sub = subOf(await mp.login('oscar'));
    await app.admin.users.disable(sub);
    app.wechat.clearRequests();
    const before = await countLoginRows(app);

    const code = mp.code('oscar');
    expect((await mp.post({ code })).status).toBe(400);
    expect((await mp.post({ code })).status).toBe(400);

    expect(app.wechat.requests).toHaveLength(1);
    expect(await countLoginRows(app)).toEqual(before);
    expect(await app.admin.users.show(sub)).toMatchObject({ status: 'disabled' });
  });
});
