import { describe, expect, it } from 'vitest';
import { WxBridgeError } from '../../packages/miniprogram-sdk/src/index.ts';
import { arrangeSdk, phoneOf } from './sdk-fixture.ts';

describe('mini-program SDK: wxbridge\'s /me services with the userinfo token', () => {
  it('binds the phone number of a getPhoneNumber event, which then shows in userinfo', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'kim');
    await bridge.login();
    const phone = f.app.wechat.issuePhoneCode({ appId: f.mp.appId, user: 'kim', phoneNumber: '18339907936' });

    const answer = await bridge.bindPhone({ detail: { code: phone.code, errMsg: 'getPhoneNumber:ok' } });

    expect(answer).toEqual({ phone_number: '+8618339907936', phone_number_verified: true });
    const call = wx.requests.find((r) => r.url === `${f.app.issuer}/me/phone`);
    expect(call).toMatchObject({ method: 'POST', status: 200 });
    expect(await bridge.userInfo()).toMatchObject({ phone_number: '+8618339907936', phone_number_verified: true });
  });

  it('reports a used phone code as wxbridge\'s invalid_request', async () => {
    const f = await arrangeSdk();
    const { bridge } = phoneOf(f, 'lee');
    const { code } = f.app.wechat.issuePhoneCode({ appId: f.mp.appId, user: 'lee' });
    await bridge.bindPhone({ detail: { code } });

    const reuse = bridge.bindPhone({ detail: { code } });

    await expect(reuse).rejects.toBeInstanceOf(WxBridgeError);
    await expect(reuse).rejects.toMatchObject({ error: 'invalid_request', statusCode: 400 });
  });

  it('updates the profile (nickname, avatar) with POST, as wx.request can, visible in userinfo', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'max');

    const answer = await bridge.updateProfile({ nickname: '小明', picture: 'https://cdn.example.com/avatar/max.png' });

    expect(wx.requests.find((r) => r.url === `${f.app.issuer}/me/profile`)).toMatchObject({ method: 'POST', status: 200 });
    expect(answer).toMatchObject({ nickname: '小明', picture: 'https://cdn.example.com/avatar/max.png' });
    expect(await bridge.userInfo()).toMatchObject({ nickname: '小明', picture: 'https://cdn.example.com/avatar/max.png' });
  });

  it('decodes UTF-8 claims of the stored ID token after a new login', async () => {
    const f = await arrangeSdk();
    const { bridge } = phoneOf(f, 'ned');
    await bridge.updateProfile({ nickname: '微信用户·Ned' });

    await bridge.login();

    expect(bridge.claims()).toMatchObject({ nickname: '微信用户·Ned', iss: f.app.issuer, aud: f.mp.clientId });
  });

  it('renews the userinfo token on its own, leaving the API token alone', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'oda');
    await bridge.request({ url: `${f.apiUrl}/read` });
    await bridge.userInfo();
    const key = `wxbridge:${f.mp.clientId}:userinfo`;
    wx.setStorageSync(key, { ...(wx.getStorageSync(key) as object), refreshAt: 0 });
    const apiTokensBefore = wx.getStorageSync(`wxbridge:${f.mp.clientId}:api`);

    await Promise.all([bridge.userInfo(), bridge.userInfo(), bridge.updateProfile({ nickname: 'Oda' })]);

    expect(wx.tokenCalls('refresh_token')).toHaveLength(1);
    expect(wx.tokenCalls('refresh_token')[0]?.form).not.toHaveProperty('resource');
    expect(wx.getStorageSync(`wxbridge:${f.mp.clientId}:api`)).toEqual(apiTokensBefore);
  });

  it('answers a web sign-in with the userinfo token, reporting an unknown scene as web_sign_in_unknown (404)', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'uma');
    const scene = 'Q'.repeat(32);

    const confirm = bridge.confirmWebSignIn(scene);
    await expect(confirm).rejects.toBeInstanceOf(WxBridgeError);
    await expect(confirm).rejects.toMatchObject({ error: 'web_sign_in_unknown', statusCode: 404 });
    await expect(bridge.webSignIn(scene)).rejects.toMatchObject({ error: 'web_sign_in_unknown', statusCode: 404 });
    await expect(bridge.rejectWebSignIn(scene)).rejects.toMatchObject({ statusCode: 404 });

    expect(wx.requests.filter((r) => r.url.startsWith(`${f.app.issuer}/me/web-sign-ins/`)).map((r) => [r.method, r.url.slice(f.app.issuer.length)])).toEqual([
      ['POST', `/me/web-sign-ins/${scene}/confirm`], ['GET', `/me/web-sign-ins/${scene}`], ['POST', `/me/web-sign-ins/${scene}/reject`],
    ]);
  });
});
