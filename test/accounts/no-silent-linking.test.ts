// Issue 17 item 1: an account is never linked silently except by unionid — not by nickname, username,
// email or an unverified phone number (design.md §12). Two WeChat users sharing a nickname stay two accounts.
import { describe, expect, it } from 'vitest';
import { callMe, setUpUserApp, signIn } from '../me/me-fixtures.ts';
import { postToken, WECHAT_GRANT } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { queryDatabase, randomAppId, randomName, randomSecret } from '../support/wechat-fixtures.ts';

const idTokenSub = (body: Record<string, unknown>): string =>
  (JSON.parse(Buffer.from(String(body['id_token']).split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub: string }).sub;

describe('no account linking except by unionid (design.md §12)', () => {
  it('keeps two users apart who chose the same nickname, in one app and across apps', async () => {
    const app = await startTestApp();
    const shop = await setUpUserApp(app);
    const game = await setUpUserApp(app);
    const mei = await signIn(shop, 'mei');
    const twin = await signIn(shop, 'mei-twin');
    for (const user of [mei, twin]) {
      expect((await callMe(app, 'PATCH', '/me/profile', { token: user.accessToken, body: { nickname: '小美' } })).status).toBe(200);
    }

    const again = await signIn(shop, 'mei-twin');
    // The same person in an app of no Open Platform (no unionid): a new account, the nickname notwithstanding.
    const inGame = await signIn(game, 'mei');

    expect(twin.sub).not.toBe(mei.sub);
    expect(again.sub).toBe(twin.sub);
    expect([mei.sub, twin.sub]).not.toContain(inGame.sub);
    expect(await queryDatabase(app, "select id from accounts where nickname = '小美'")).toHaveLength(2);
  });

  it('does not link an official-account user whose WeChat nickname equals an existing account\'s', async () => {
    const app = await startTestApp();
    const shop = await setUpUserApp(app);
    const existing = await signIn(shop, 'lei');
    await callMe(app, 'PATCH', '/me/profile', { token: existing.accessToken, body: { nickname: 'Lei' } });
    const appId = randomAppId();
    const secret = randomSecret();
    app.wechat.registerApp({ appId, secret, kind: 'official_account' });
    await app.admin.apps.upsert({ appId, kind: 'official_account', secret });
    const clientId = randomName('oa');
    await app.admin.clients.register({ type: 'miniprogram', clientId, wechatAppId: appId, scope: 'openid profile' });
    app.wechat.setUserProfile('lei-impostor', { nickname: 'Lei' });

    const response = await postToken(app.baseUrl, {
      grant_type: WECHAT_GRANT, client_id: clientId, code: app.wechat.issueCode({ appId, user: 'lei-impostor', scope: 'snsapi_userinfo' }), scope: 'openid profile',
    });

    expect(response.status).toBe(200);
    expect(idTokenSub(response.body)).not.toBe(existing.sub);
  });

  it('links nothing by a phone number WeChat did not verify: legacy decrypted phone data is returned, never stored or matched', async () => {
    const app = await startTestApp();
    const shop = await setUpUserApp(app);
    const owner = await signIn(shop, 'wang', 'openid phone', { phone_code: app.wechat.issuePhoneCode({ appId: shop.appId, user: 'wang', phoneNumber: '13800138000' }).code });
    const other = await signIn(shop, 'zhang');
    const data = { phoneNumber: '13800138000', purePhoneNumber: '13800138000', countryCode: '86' };
    const { encryptedData, iv } = app.wechat.encryptUserData({ appId: shop.appId, user: 'zhang', data });

    const decrypted = await callMe(app, 'POST', '/me/wechat/decrypt', { token: other.accessToken, body: { encryptedData, iv } });
    const later = await signIn(shop, 'zhang');

    expect(decrypted.status).toBe(200);
    expect(later.sub).toBe(other.sub);
    expect(later.sub).not.toBe(owner.sub);
    expect(await queryDatabase(app, "select id from accounts where phone_number = '+8613800138000'")).toEqual([{ id: owner.sub }]);
  });
});
