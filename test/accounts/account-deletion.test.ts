// Issue 17 item 5 (PIPL art. 45, 47): DELETE /me, the SDK's deleteAccount(), `wxbridge users delete` and
// DELETE /admin/v1/users/:sub delete identities, phone, profile, session keys and grants; the audit entries
// stay, pseudonymised; the next login is a new sub. GET /me/export and `users export` hand over every
// stored field about the user, and no secret.
import { describe, expect, it } from 'vitest';
import { callMe, setUpUserApp, signIn, type SignedIn } from '../me/me-fixtures.ts';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { queryDatabase, type MiniProgram } from '../support/wechat-fixtures.ts';
import { arrangeSdk, phoneOf } from '../sdk/sdk-fixture.ts';

async function fullUser(app: TestApp, mp: MiniProgram, user: string): Promise<SignedIn> {
  const signedIn = await signIn(mp, user, 'openid profile phone wechat offline_access', { phone_code: app.wechat.issuePhoneCode({ appId: mp.appId, user, phoneNumber: '13600136000' }).code });
  await callMe(app, 'PATCH', '/me/profile', { token: signedIn.accessToken, body: { nickname: 'Uma', picture: 'https://cdn.example.test/uma.png' } });
  return signedIn;
}

/** Everything the database still holds that names the account or its WeChat user. */
async function traces(app: TestApp, sub: string, openId: string): Promise<Record<string, number>> {
  const [row] = await queryDatabase<Record<string, string>>(app, `
    select (select count(*) from accounts where id::text = $1) as accounts,
           (select count(*) from wechat_identities where account_id::text = $1 or open_id = $2) as identities,
           (select count(*) from accounts where phone_number = '+8613600136000' or nickname = 'Uma') as profile,
           (select count(*) from oidc_payloads where payload->>'accountId' = $1) as grants,
           (select count(*) from audit_events where account_id = $1 or target = $1 or ip is not null and account_id like 'deleted:%'
              or before::text like '%' || $2 || '%' or after::text like '%' || $2 || '%') as audit`, [sub, openId]);
  return Object.fromEntries(Object.entries(row ?? {}).map(([key, value]) => [key, Number(value)]));
}

describe('DELETE /me (issue 17 #5)', () => {
  it('deletes identities, phone, profile, session key and grants; tokens fail; audit entries stay, pseudonymised; the next login is a new sub', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const uma = await fullUser(app, mp, 'uma');
    const openId = app.wechat.openIdOf(mp.appId, 'uma');
    await app.admin.audit.query({ limit: 1 });
    await expect.poll(async () => (await app.admin.audit.query({ accountId: uma.sub, limit: 50 })).items.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    const before = (await app.admin.audit.query({ accountId: uma.sub, limit: 50 })).items.length;

    const deleted = await callMe(app, 'DELETE', '/me', { token: uma.accessToken });

    expect(deleted).toMatchObject({ status: 200, body: { deleted: true } });
    expect(await traces(app, uma.sub, openId)).toEqual({ accounts: 0, identities: 0, profile: 0, grants: 0, audit: 0 });
    expect((await callMe(app, 'GET', '/me/export', { token: uma.accessToken })).status).toBe(401);
    expect(await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: uma.tokens.refresh_token ?? '' }))
      .toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const pseudonymous = await queryDatabase<{ account_id: string; n: number }>(app, "select account_id, count(*)::int as n from audit_events where account_id like 'deleted:%' group by account_id");
    expect(pseudonymous).toEqual([{ account_id: expect.stringMatching(/^deleted:[0-9a-f-]{36}$/) as unknown, n: before + 1 }]);
    const again = await signIn(mp, 'uma');
    expect(again.sub).not.toBe(uma.sub);
    expect(again.tokens.claims()).not.toHaveProperty('nickname');
  });

  it('refuses a body (a token in it included) and a missing token, and deletes nothing', async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const vera = await signIn(mp, 'vera');

    expect((await callMe(app, 'DELETE', '/me')).status).toBe(401);
    expect(await callMe(app, 'DELETE', '/me', { token: vera.accessToken, body: { access_token: vera.accessToken } })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await queryDatabase(app, 'select id from accounts')).toEqual([{ id: vera.sub }]);
  });

  it('is the SDK\'s deleteAccount(): storage cleared, and the next login() a new sub', async () => {
    const f = await arrangeSdk();
    const { wx, bridge } = phoneOf(f, 'wes');
    const first = await bridge.login();
    await bridge.userInfo();

    await bridge.deleteAccount();

    expect(wx.requests.find((r) => r.url === `${f.app.issuer}/me` && r.method === 'DELETE')).toMatchObject({ status: 200 });
    expect(bridge.claims()).toBeUndefined();
    const second = await bridge.login();
    expect(second?.['sub']).not.toBe(first?.['sub']);
  });
});

describe('GET /me/export and `wxbridge users export <sub> --json` (issue 17 #5)', () => {
  it('hands over profile, phone, identities, grants and audit entries, and no secret, session key or token', { timeout: 120_000 }, async () => {
    const app = await startTestApp();
    const mp = await setUpUserApp(app);
    const uma = await fullUser(app, mp, 'uma');
    await expect.poll(async () => (await app.admin.audit.query({ accountId: uma.sub, limit: 50 })).items.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);

    const own = await callMe(app, 'GET', '/me/export', { token: uma.accessToken });
    const cli = await runCli(app, ['users', 'export', uma.sub, '--json']);

    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      format: 'wxbridge.account-export.v1', sub: uma.sub,
      account: { status: 'active', nickname: 'Uma', picture: 'https://cdn.example.test/uma.png', phoneNumber: '+8613600136000' },
      identities: [{ appId: mp.appId, openId: app.wechat.openIdOf(mp.appId, 'uma'), unionId: null }],
      grants: expect.arrayContaining([expect.objectContaining({ clientId: mp.clientId })]) as unknown,
      auditEvents: expect.arrayContaining([expect.objectContaining({ action: 'login.wechat' }), expect.objectContaining({ action: 'account.profile_updated' })]) as unknown,
    });
    expect(cli.code).toBe(0);
    expect(cli.json()).toMatchObject({ sub: uma.sub, identities: [{ appId: mp.appId }] });
    const sessionKey = app.wechat.findSessionKey(mp.appId, 'uma') ?? 'no session key';
    for (const text of [own.raw, cli.stdout]) {
      for (const secret of [sessionKey, uma.accessToken, uma.tokens.refresh_token ?? 'rt', mp.secret, 'session_key', 'ciphertext']) expect(text).not.toContain(secret);
    }
  });
});

describe('wxbridge users delete / DELETE /admin/v1/users/:sub (issue 17 #5)', () => {
  it('deletes the account for the operator, audited under the pseudonym, and answers 404 after', { timeout: 120_000 }, async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpUserApp(app);
    const uma = await fullUser(app, mp, 'uma');
    const xena = await signIn(mp, 'xena');

    const byApi = await api.call('DELETE', `/users/${uma.sub}`);
    const byCli = await runCli(app, ['users', 'delete', xena.sub, '--json']);

    expect(byApi).toMatchObject({ status: 200, body: { deleted: true, auditPseudonym: expect.stringMatching(/^deleted:/) as unknown } });
    expect(byCli.code).toBe(0);
    expect(await traces(app, uma.sub, app.wechat.openIdOf(mp.appId, 'uma'))).toEqual({ accounts: 0, identities: 0, profile: 0, grants: 0, audit: 0 });
    expect(await queryDatabase(app, 'select id from accounts')).toEqual([]);
    expect((await api.call('DELETE', `/users/${uma.sub}`)).status).toBe(404);
    expect((await runCli(app, ['users', 'delete', 'not-a-sub'])).code).toBe(4);
    const pseudonym = (byApi.body as { auditPseudonym: string }).auditPseudonym;
    const audit = (await api.call('GET', `/audit?account_id=${encodeURIComponent(pseudonym)}`)).body as { items: { action: string; ip: string | null }[] };
    expect(audit.items.map((e) => e.action)).toContain('account.deleted');
    expect(audit.items.every((e) => e.ip === null)).toBe(true);
  });
});
