import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { discover, postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { addResourceServer, queryDatabase, randomAppId, randomSecret, setUpMiniProgram } from '../support/wechat-fixtures.ts';

interface Created { client: { clientId: string; version: number; credentials: unknown[] }; clientSecret?: string }

describe('POST /admin/v1/clients (test-catalogue A-02, A-04)', () => {
  it('returns a confidential client\'s secret once; GET and the list never show it', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const resource = await addResourceServer(app, 'read write');
    const created = await api.call('POST', '/clients', { type: 'service', clientId: 'svc-reports', resources: { [resource]: 'read' }, defaultResource: resource });
    expect(created.status).toBe(201);
    const { clientSecret, client } = created.body as Created;
    expect(client).toMatchObject({ clientId: 'svc-reports', type: 'service', resources: { [resource]: 'read' }, version: 1, credentials: [{ expiresAt: null }] });
    expect(await oidc.clientCredentialsGrant(await discover(app.issuer, 'svc-reports', clientSecret), { scope: 'read' })).toMatchObject({ scope: 'read' });

    const shown = await api.call('GET', '/clients/svc-reports');
    const listed = await api.call('GET', '/clients');
    expect(shown.body).toEqual(client);
    for (const response of [shown, listed]) expect(response.text).not.toContain(clientSecret);
    const audit = await api.call('GET', `/audit?action=client.create&actor=${api.clientId}`);
    expect(audit.body).toMatchObject({ items: [{ actor: api.clientId, target: 'svc-reports', outcome: 'success', after: { clientId: 'svc-reports' } }] });
    expect(audit.text).not.toContain(clientSecret);
  });

  it('refuses invalid metadata with 400 and a field-level message, storing nothing', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const resource = await addResourceServer(app, 'read');
    const cases: [unknown, RegExp][] = [
      [{ type: 'miniprogram', clientId: 'mp-unknown-app', wechatAppId: randomAppId() }, /wechatAppId: unknown WeChat app/],
      [{ type: 'service', clientId: 'svc-bad-scope', resources: { [resource]: 'read delete' } }, /does not offer delete/],
      [{ type: 'service', clientId: 'svc-bad-uri', resources: { 'ftp://files.example': 'read' } }, /resources/],
      [{ type: 'service', clientId: 'svc-unknown-rs', resources: { 'https://nowhere.example': 'read' } }, /unknown resource server/],
      [{ type: 'service', clientId: 'x' }, /clientId/],
      [{ type: 'implicit', clientId: 'svc-implicit' }, /type/],
    ];
    for (const [body, message] of cases) {
      const response = await api.call('POST', '/clients', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((response.body as { message: string }).message).toMatch(message);
    }
    const listed = await api.call('GET', '/clients');
    expect((listed.body as { items: { clientId: string }[] }).items.map((c) => c.clientId)).toEqual([api.clientId]);
  });

  it('answers a duplicate client_id with 409', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    expect((await api.call('POST', '/clients', { type: 'service', clientId: 'svc-twice' })).status).toBe(201);
    expect((await api.call('POST', '/clients', { type: 'service', clientId: 'svc-twice' })).status).toBe(409);
  });

  it('refuses client ids and resource URIs differing only in case or a trailing slash as lookalikes (issue #15 finding 8)', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    expect((await api.call('POST', '/clients', { type: 'service', clientId: 'svc-orders' })).status).toBe(201);
    for (const lookalike of ['SVC-Orders', 'svc-ORDERS']) {
      const response = await api.call('POST', '/clients', { type: 'service', clientId: lookalike });
      expect(response.status, lookalike).toBe(409);
      expect(response.body, lookalike).toMatchObject({ error: 'client.conflict', message: expect.stringMatching(/lookalike of svc-orders/) as unknown });
    }
    expect((await api.call('POST', '/resources', { uri: 'https://orders.example.test', scopes: 'read' })).status).toBe(201);
    for (const lookalike of ['https://orders.example.test/', 'https://Orders.example.test', 'https://ORDERS.EXAMPLE.TEST//']) {
      const response = await api.call('POST', '/resources', { uri: lookalike, scopes: 'read' });
      expect(response.status, lookalike).toBe(409);
      expect(response.body, lookalike).toMatchObject({ error: 'client.conflict', message: expect.stringMatching(/lookalike of https:\/\/orders\.example\.test/) as unknown });
    }
    const adminLookalike = await api.call('POST', '/resources', { uri: `${app.issuer}/admin/v1/`, scopes: 'admin' });
    expect(adminLookalike.status).toBe(409);
    const listed = await api.call('GET', '/clients');
    expect((listed.body as { items: { clientId: string }[] }).items.map((c) => c.clientId).sort()).toEqual([api.clientId, 'svc-orders'].sort());
  });
});

describe('lookalikes refused by the database too (issue #15 finding 8)', () => {
  it('lets one of many concurrent lookalike registrations succeed and answers the others 409', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const ids = ['svc-race', 'SVC-race', 'svc-RACE', 'Svc-Race', 'sVc-rAcE', 'SVC-RACE', 'svc-Race', 'svc-raCE'];
    const clients = await Promise.all(ids.map((clientId) => api.call('POST', '/clients', { type: 'service', clientId })));
    const uris = ['https://race.example.test', 'https://race.example.test/', 'https://RACE.example.test', 'https://Race.Example.Test//', 'https://race.EXAMPLE.test', 'https://rACE.example.test/'];
    const resources = await Promise.all(uris.map((uri) => api.call('POST', '/resources', { uri, scopes: 'read' })));

    for (const answers of [clients, resources]) {
      expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array<number>(answers.length - 1).fill(409)]);
      for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body).toMatchObject({ error: 'client.conflict' });
    }
  });

  it('refuses a lookalike row written past the registry (unique index on the normalised name)', async () => {
    const app = await startTestApp();
    await app.admin.clients.register({ type: 'service', clientId: 'svc-direct' });
    await app.admin.resourceServers.add({ uri: 'https://direct.example.test', scopes: 'read' });
    await expect(queryDatabase(app, `insert into clients (client_id, metadata, secret_hashes, resource_scopes, created_at, updated_at, version)
      values ('SVC-Direct/', '{}', '[]', '{}', now(), now(), 1)`)).rejects.toMatchObject({ code: '23505' });
    await expect(queryDatabase(app, `insert into resource_servers (uri, scopes, access_token_ttl, signing_alg, created_at, updated_at)
      values ('https://DIRECT.example.test/', 'read', 600, 'RS256', now(), now())`)).rejects.toMatchObject({ code: '23505' });
  });
});

describe('GET /admin/v1/clients (pagination)', () => {
  it('pages through every client exactly once with limit and cursor', async () => {
    const app = await startTestApp();
    const api = await adminApi(app, 'a-admin');
    for (const n of [1, 2, 3, 4]) await app.admin.clients.register({ type: 'service', clientId: `svc-page-${n}` });
    const seen: string[] = [];
    let path = '/clients?limit=2';
    for (let guard = 0; guard < 10; guard += 1) {
      const page = (await api.call('GET', path)).body as { items: { clientId: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((c) => c.clientId));
      if (page.nextCursor === null) break;
      path = `/clients?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    expect(seen).toEqual(['a-admin', 'svc-page-1', 'svc-page-2', 'svc-page-3', 'svc-page-4']);
  });
});

describe('PATCH /admin/v1/clients/:id (test-catalogue A-06)', () => {
  it('applies an edit at once and bumps the version; a stale version gets 409', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const resource = await addResourceServer(app, 'read write');
    const { clientSecret } = await app.admin.clients.register({ type: 'service', clientId: 'svc-edit', resources: { [resource]: 'read' }, defaultResource: resource });
    const updated = await api.call('PATCH', '/clients/svc-edit', { version: 1, resources: { [resource]: 'read write' } });
    expect(updated.body).toMatchObject({ version: 2, resources: { [resource]: 'read write' } });
    // Served from our table: the next token already carries the new scope, no restart.
    expect(await oidc.clientCredentialsGrant(await discover(app.issuer, 'svc-edit', clientSecret), { scope: 'read write' })).toMatchObject({ scope: 'read write' });

    const stale = await api.call('PATCH', '/clients/svc-edit', { version: 1, resources: { [resource]: 'read' } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'client.conflict' });
    expect((await api.call('GET', '/clients/svc-edit')).body).toMatchObject({ version: 2, resources: { [resource]: 'read write' } });
  });

  it('lets exactly one of two concurrent edits of one version win, and never half-merges them', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const [first, second] = [await addResourceServer(app, 'a'), await addResourceServer(app, 'b')];
    await app.admin.clients.register({ type: 'service', clientId: 'svc-race', resources: { [first]: 'a' } });
    const edits = [{ version: 1, resources: { [first]: 'a' }, defaultResource: first }, { version: 1, resources: { [second]: 'b' } }];
    const results = await Promise.all(edits.map((edit) => api.call('PATCH', '/clients/svc-race', edit)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = edits[results.findIndex((r) => r.status === 200)];
    expect((await api.call('GET', '/clients/svc-race')).body).toMatchObject({ version: 2, resources: winner?.resources, defaultResource: winner?.defaultResource ?? null });
  });

  it('validates an edit like a registration', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpMiniProgram(app, { scope: 'openid profile' });
    const bad = await api.call('PATCH', `/clients/${mp.clientId}`, { version: 1, scope: 'openid admin' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'client.invalid_metadata', message: expect.stringContaining('scope') });
    const ok = await api.call('PATCH', `/clients/${mp.clientId}`, { version: 1, scope: 'openid' });
    expect(ok.body).toMatchObject({ scope: 'openid', version: 2 });
    await expect(mp.login('zoe', { scope: 'openid profile' })).rejects.toMatchObject({ error: 'invalid_scope' });
  });
});

describe('POST /admin/v1/clients/:id/rotate-secret', () => {
  it('keeps the old secret working only inside the overlap window', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const resource = await addResourceServer(app, 'read');
    const { clientSecret: oldSecret } = await app.admin.clients.register({ type: 'service', clientId: 'svc-rotate', resources: { [resource]: 'read' }, defaultResource: resource });
    const rotated = await api.call('POST', '/clients/svc-rotate/rotate-secret', { overlapSeconds: 60 });
    const { clientSecret: newSecret, previousSecretsExpireAt } = rotated.body as { clientSecret: string; previousSecretsExpireAt: string };
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(previousSecretsExpireAt) - app.clock.now()).toBeLessThanOrEqual(60_000);
    const grant = async (secret: string | undefined): Promise<number> =>
      (await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: 'svc-rotate', client_secret: secret ?? '' })).status;

    expect(await grant(oldSecret)).toBe(200);
    expect(await grant(newSecret)).toBe(200);
    app.clock.advance(Date.parse(previousSecretsExpireAt) - app.clock.now() + 200); // past the overlap
    expect(await grant(oldSecret)).toBe(401);
    expect(await grant(newSecret)).toBe(200);
    expect((await api.call('GET', '/clients/svc-rotate')).text).not.toContain(newSecret);
  });

  it('refuses to rotate a public client\'s secret', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpMiniProgram(app);
    expect((await api.call('POST', `/clients/${mp.clientId}/rotate-secret`)).status).toBe(400);
  });
});

describe('DELETE /admin/v1/clients/:id (test-catalogue A-07)', () => {
  it('stops the client at once, and a client re-created with the same id does not revive its refresh tokens', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('yan');
    expect((await api.call('DELETE', `/clients/${mp.clientId}`)).status).toBe(204);
    const refresh = { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' };
    expect((await postToken(app.baseUrl, refresh)).body).toMatchObject({ error: 'invalid_client' });

    await app.admin.clients.register({ type: 'miniprogram', clientId: mp.clientId, wechatAppId: mp.appId, scope: 'openid offline_access' });
    expect((await postToken(app.baseUrl, refresh)).body).toMatchObject({ error: 'invalid_grant' });
    expect((await api.call('DELETE', `/clients/${mp.clientId}-gone`)).status).toBe(404);
  });
});

describe('/admin/v1/apps and /admin/v1/resources', () => {
  it('sets the page a mini-program\'s web sign-in code opens, and refuses one that is no page path', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const appId = randomAppId();
    const put = await api.call('PUT', `/apps/${appId}`, { kind: 'miniprogram', secret: randomSecret(), webSignInPage: 'pages/login/scan' });
    expect(put.body).toMatchObject({ appId, webSignInPage: 'pages/login/scan' });
    const bad = await api.call('PUT', `/apps/${appId}`, { kind: 'miniprogram', secret: randomSecret(), webSignInPage: '/pages/login?x=1' });
    expect(bad.status).toBe(400);
  });

  it('keeps AppSecrets write-only and refuses to remove an app or resource server still in use', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const appId = randomAppId();
    const secret = randomSecret();
    const put = await api.call('PUT', `/apps/${appId}`, { kind: 'miniprogram', secret, name: 'Shop' });
    expect(put.body).toEqual({ appId, kind: 'miniprogram', name: 'Shop', openPlatformId: null, linkByVerifiedPhone: false, unionIdConflict: 'merge', newAccountsAllowed: true, webSignInPage: 'pages/web-sign-in/index' });
    const resource = await api.call('POST', '/resources', { uri: 'https://api.shop.example', scopes: 'orders:read', accessTokenTtl: 300 });
    expect(resource.status).toBe(201);
    await api.call('POST', '/clients', { type: 'miniprogram', clientId: 'shop-mp', wechatAppId: appId, resources: { 'https://api.shop.example': 'orders:read' } });

    expect((await api.call('DELETE', `/apps/${appId}`)).status).toBe(409);
    expect((await api.call('DELETE', `/resources/${encodeURIComponent('https://api.shop.example')}`)).status).toBe(409);
    expect((await api.call('DELETE', `/resources/${encodeURIComponent(app.admin.adminAudience)}`)).status).toBe(409);
    expect((await api.call('PATCH', `/resources/${encodeURIComponent('https://api.shop.example')}`, { accessTokenTtl: 120 })).body).toMatchObject({ accessTokenTtl: 120 });
    expect((await api.call('DELETE', '/clients/shop-mp')).status).toBe(204);
    expect((await api.call('DELETE', `/apps/${appId}`)).status).toBe(204);
    expect((await api.call('DELETE', `/resources/${encodeURIComponent('https://api.shop.example')}`)).status).toBe(204);

    const responses = [put, await api.call('GET', '/apps'), await api.call('GET', '/audit?limit=200')];
    for (const response of responses) expect(response.text).not.toContain(secret);
  });
});
