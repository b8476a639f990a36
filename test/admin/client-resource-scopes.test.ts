// The scopes a client may ask for on each resource server (issue 18 #9): named with the resource
// (`--resource <uri>=<scopes>`, the API's `resources`), and a resource granted no scope — which makes
// every login asking for one of its scopes fail with invalid_scope — refused unless asked for explicitly.
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer, randomAppId, randomSecret } from '../support/wechat-fixtures.ts';
import { discover, verifyAccessToken, wechatLogin } from '../support/oidc-client.ts';

const SCOPE = ['--scope', 'openid profile offline_access'];

async function appWithWeChatApp() {
  const app = await startTestApp();
  const appId = randomAppId();
  const secret = randomSecret();
  app.wechat.registerApp({ appId, secret, kind: 'miniprogram' });
  await app.admin.apps.upsert({ appId, kind: 'miniprogram', secret });
  return { app, appId, orders: await addResourceServer(app, 'read write'), billing: await addResourceServer(app, 'pay') };
}

describe('wxbridge clients add --resource', () => {
  it('refuses a resource granted no scope, saying how to name its scopes, and creates nothing', async () => {
    const { app, appId, orders } = await appWithWeChatApp();
    const result = await runCli(app, ['clients', 'add', '--id', 'shop-mp', '--app', appId, '--public', ...SCOPE, '--resource', orders]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`usage: --resource ${orders} grants no scope, so a login asking for one of its scopes would fail with invalid_scope; `
      + `name the scopes the client may ask for: --resource "${orders}=read write"`);
    expect((await runCli(app, ['clients', 'show', '--id', 'shop-mp'])).code).toBe(4);
  });

  it('grants each resource the scopes named after `=`, the first one the default, and a login gets them', async () => {
    const { app, appId, orders, billing } = await appWithWeChatApp();
    const added = await runCli(app, ['clients', 'add', '--id', 'shop-mp', '--app', appId, '--public', ...SCOPE, '--resource', `${orders}=read`, '--resource', `${billing}=pay`]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect((await runCli(app, ['clients', 'show', '--id', 'shop-mp', '--json'])).json()).toMatchObject({ resources: { [orders]: 'read', [billing]: 'pay' }, defaultResource: orders });
    const mp = await discover(app.issuer, 'shop-mp');
    const tokens = await wechatLogin(mp, { code: app.wechat.issueCode({ appId, user: 'alice' }), scope: 'openid read' });
    expect(await verifyAccessToken(app.issuer, tokens.access_token, orders)).toMatchObject({ scope: 'read' });
  });

  it('grants a resource without scopes when asked for explicitly (`<uri>=` and --allow-unscoped-resource)', async () => {
    const { app, orders } = await appWithWeChatApp();
    const bare = await runCli(app, ['clients', 'add', '--id', 'svc-orders', '--resource', `${orders}=`]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(`give --resource ${orders}= --allow-unscoped-resource`);
    expect((await runCli(app, ['clients', 'add', '--id', 'svc-orders', '--resource', `${orders}=`, '--allow-unscoped-resource'])).code).toBe(0);
    expect((await runCli(app, ['clients', 'show', '--id', 'svc-orders', '--json'])).json()).toMatchObject({ resources: { [orders]: '' } });
  });
});

describe('POST and PATCH /admin/v1/clients resources', () => {
  it('refuses a resource granted no scope with 400 unless allowUnscopedResources is true', async () => {
    const { app, appId, orders } = await appWithWeChatApp();
    const api = await adminApi(app);
    const body = { type: 'miniprogram', clientId: 'mp-api', wechatAppId: appId, scope: 'openid', resources: { [orders]: '' } };
    const refused = await api.call('POST', '/clients', body);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'client.invalid_metadata', message: expect.stringContaining(`resources: ${orders} grants no scope`) });
    expect((await api.call('GET', '/clients/mp-api')).status).toBe(404);

    expect((await api.call('POST', '/clients', { ...body, resources: { [orders]: 'read' } })).status).toBe(201);
    const patch = await api.call('PATCH', '/clients/mp-api', { version: 1, resources: { [orders]: '' } });
    expect(patch.status).toBe(400);
    expect((await api.call('PATCH', '/clients/mp-api', { version: 1, resources: { [orders]: '' }, allowUnscopedResources: true })).body).toMatchObject({ version: 2, resources: { [orders]: '' } });
  });
});
