import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { startTestApp } from '../support/test-app.ts';
import { discover, verifyAccessToken, verifyIdToken, wechatLogin } from '../support/oidc-client.ts';

describe('smoke', () => {
  it('issues tokens for client_credentials and the WeChat grant', async () => {
    const app = await startTestApp();
    await app.admin.resourceServers.add({ uri: 'https://api.example.test', scopes: 'read write admin' });
    const svc = await app.admin.clients.register({ type: 'service', clientId: 'svc-1', resources: { 'https://api.example.test': 'read admin' }, defaultResource: 'https://api.example.test' });
    const cfg = await discover(app.issuer, 'svc-1', svc.clientSecret);
    const cc = await oidc.clientCredentialsGrant(cfg, { scope: 'read admin' });
    const claims = await verifyAccessToken(app.issuer, cc.access_token, 'https://api.example.test');
    expect(claims.scope).toBe('read admin');

    app.wechat.registerApp({ appId: 'wx0123456789abcdef', secret: '0123456789abcdef0123456789abcdef', kind: 'miniprogram' });
    await app.admin.apps.upsert({ appId: 'wx0123456789abcdef', kind: 'miniprogram', secret: '0123456789abcdef0123456789abcdef' });
    await app.admin.clients.register({ type: 'miniprogram', clientId: 'mp-1', wechatAppId: 'wx0123456789abcdef', scope: 'openid profile offline_access', resources: { 'https://api.example.test': 'read' }, defaultResource: 'https://api.example.test' });
    const mp = await discover(app.issuer, 'mp-1');
    const tokens = await wechatLogin(mp, { code: app.wechat.issueCode({ appId: 'wx0123456789abcdef', user: 'alice' }) });
    const at = await verifyAccessToken(app.issuer, tokens.access_token, 'https://api.example.test');
    const idt = await verifyIdToken(app.issuer, tokens.id_token ?? '', 'mp-1');
    expect(at.sub).toBe(idt.sub);
    expect(tokens.refresh_token).toBeTypeOf('string');
    const refreshed = await oidc.refreshTokenGrant(mp, tokens.refresh_token ?? '');
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });
});
