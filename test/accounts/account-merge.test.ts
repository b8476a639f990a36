// Issue 17 item 4: a unionid arriving for an identity whose account differs from the one already holding
// that unionid merges the two (the older account survives, docs/decisions/0022) or, where the app says
// so, refuses the login — never a 500, never a third account, also when such logins race; and the
// operator's `users merge` (admin API and CLI) moves everything and stops the old refresh tokens.
import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { callMe, setUpUserApp, signIn } from '../me/me-fixtures.ts';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { queryDatabase, randomName, registerMiniProgramApp, setUpMiniProgram, subOf, type MiniProgram } from '../support/wechat-fixtures.ts';

interface AuditItem { action: string; outcome: string; reason: string | null; accountId: string | null; after: Record<string, unknown> | null }

/**
 * The late-unionid situation: `user` first used `legacy` (no Open Platform yet: account A), then
 * `sibling` (bound: account B holding the unionid); then `legacy` is bound to the same platform, so
 * its next login brings B's unionid to A's identity.
 */
async function twoAccountsOfOnePerson(app: TestApp, user: string): Promise<{ legacy: MiniProgram; older: string; younger: string; platform: string }> {
  const platform = randomName('op');
  const legacy = await setUpUserApp(app);
  const sibling = await setUpUserApp(app, { openPlatformId: platform });
  const older = await signIn(legacy, user);
  await callMe(app, 'PATCH', '/me/profile', { token: older.accessToken, body: { nickname: 'Old' } });
  const younger = await signIn(sibling, user, 'openid phone', { phone_code: app.wechat.issuePhoneCode({ appId: sibling.appId, user, phoneNumber: '13900139000' }).code });
  expect(younger.sub).not.toBe(older.sub);
  await registerMiniProgramApp(app, { appId: legacy.appId, secret: legacy.secret, openPlatformId: platform });
  return { legacy, older: older.sub, younger: younger.sub, platform };
}

const accountCount = async (app: TestApp): Promise<number> => Number((await queryDatabase<{ n: string }>(app, 'select count(*) as n from accounts'))[0]?.n);

describe('a late unionid that another account already holds (issue 17 #4)', () => {
  it('merges the two accounts into the older one: its sub, both identities, the younger one\'s phone', async () => {
    const app = await startTestApp();
    const { legacy, older, younger } = await twoAccountsOfOnePerson(app, 'nora');

    const login = await signIn(legacy, 'nora');

    expect(login.sub).toBe(older);
    expect(login.tokens.claims()).toMatchObject({ nickname: 'Old', phone_number: '+8613900139000', phone_number_verified: true });
    expect(await accountCount(app)).toBe(1);
    expect((await app.admin.users.show(older)).identities).toHaveLength(2);
    expect(await queryDatabase(app, 'select from_account_id, into_account_id, reason from merged_accounts'))
      .toEqual([{ from_account_id: younger, into_account_id: older, reason: 'unionid' }]);
    await expect(app.admin.users.show(younger)).rejects.toThrow(`merged into ${older}`);
    await expect.poll(async () => (await app.admin.audit.query({ action: 'account.merged', limit: 5 })).items.map((e) => e.accountId), { timeout: 15_000 }).toEqual([older]);
  });

  it('ends with one account, never a 500, when eight such logins race on real PostgreSQL', async () => {
    const app = await startTestApp();
    const { legacy, older } = await twoAccountsOfOnePerson(app, 'olaf');
    const codes = Array.from({ length: 8 }, () => legacy.code('olaf'));

    const responses = await Promise.all(codes.map((code) => legacy.post({ code, scope: 'openid' })));

    expect(responses.map((r) => r.status)).toEqual(codes.map(() => 200));
    const subs = new Set(responses.map((r) => JSON.parse(Buffer.from(String(r.body['id_token']).split('.')[1] ?? '', 'base64url').toString('utf8')).sub as string));
    expect([...subs]).toEqual([older]);
    expect(await accountCount(app)).toBe(1);
    expect(await queryDatabase(app, 'select count(*)::int as n from merged_accounts')).toEqual([{ n: 1 }]);
  });

  it('refuses the login with a clear invalid_grant and an audit entry where the app chose refuse, and changes nothing', async () => {
    const app = await startTestApp();
    const { legacy, older, younger } = await twoAccountsOfOnePerson(app, 'pia');
    await app.admin.apps.updateAccountSettings(legacy.appId, { unionIdConflict: 'refuse' });

    const response = await legacy.post({ code: legacy.code('pia'), scope: 'openid' });

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('unionid already belongs to another account') as unknown });
    expect(await accountCount(app)).toBe(2);
    expect(await queryDatabase(app, 'select union_id from wechat_identities where app_id = $1', [legacy.appId])).toEqual([{ union_id: null }]);
    await expect.poll(async () => (await app.admin.audit.query({ action: 'account.unionid_conflict', limit: 5 })).items as unknown as AuditItem[], { timeout: 15_000 })
      .toEqual([expect.objectContaining({ outcome: 'failure', reason: 'account.link_refused', accountId: older, after: expect.objectContaining({ accounts: [older, younger] }) as unknown })]);
  });
});

describe('wxbridge users merge / POST /admin/v1/users/:sub/merge (issue 17 #4)', () => {
  it('moves identities, phone and profile, revokes the old refresh tokens and records the old sub as merged', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const shop = await setUpUserApp(app);
    const game = await setUpUserApp(app);
    const from = await signIn(shop, 'quinn', 'openid phone profile offline_access', { phone_code: app.wechat.issuePhoneCode({ appId: shop.appId, user: 'quinn', phoneNumber: '13700137000' }).code });
    await callMe(app, 'PATCH', '/me/profile', { token: from.accessToken, body: { nickname: 'Quinn', picture: 'https://cdn.example.test/q.png' } });
    const into = await signIn(game, 'quinn-elsewhere');
    await callMe(app, 'PATCH', '/me/profile', { token: into.accessToken, body: { nickname: 'Q' } });

    const merged = await api.call('POST', `/users/${from.sub}/merge`, { into: into.sub });

    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ fromAccountId: from.sub, intoAccountId: into.sub, identitiesMoved: 1 });
    const refresh = await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: shop.clientId, refresh_token: from.tokens.refresh_token ?? '' });
    expect(refresh).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await callMe(app, 'POST', '/me/profile', { token: from.accessToken, body: { nickname: 'x' } })).status).toBe(401);
    const after = await signIn(shop, 'quinn');
    expect(after.sub).toBe(into.sub);
    // The surviving account keeps its own nickname and takes the phone and picture it lacked.
    expect(after.tokens.claims()).toMatchObject({ nickname: 'Q', picture: 'https://cdn.example.test/q.png', phone_number: '+8613700137000' });
    expect((await api.call('GET', `/users/${from.sub}`)).body).toMatchObject({ error: 'account.not_found', message: expect.stringContaining(`merged into ${into.sub}`) as unknown });
    const events = (await api.call('GET', `/audit?action=user.merge&actor=${api.clientId}`)).body as { items: AuditItem[] };
    expect(events.items).toEqual([expect.objectContaining({ outcome: 'success', accountId: into.sub })]);
  });

  it('refuses to merge two WeChat users of one app (409) and an account into itself, and changes nothing', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const shop = await setUpMiniProgram(app);
    const a = subOf(await shop.login('rosa'));
    const b = subOf(await shop.login('sven'));

    expect(await api.call('POST', `/users/${a}/merge`, { into: b })).toMatchObject({ status: 409, body: { error: 'account.merge_conflict' } });
    expect(await api.call('POST', `/users/${a}/merge`, { into: a })).toMatchObject({ status: 409 });
    expect(await api.call('POST', `/users/${a}/merge`, { into: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ status: 404 });
    expect(await api.call('POST', `/users/${a}/merge`, { into: b, extra: 1 })).toMatchObject({ status: 400 });
    expect(await accountCount(app)).toBe(2);
    expect(subOf(await shop.login('rosa'))).toBe(a);
  });

  it('is the CLI command `users merge <from-sub> <into-sub>`, with the old sub explained by `users show`', { timeout: 120_000 }, async () => {
    const app = await startTestApp();
    const shop = await setUpMiniProgram(app);
    const game = await setUpMiniProgram(app);
    const from = await shop.login('tara');
    const into = subOf(await game.login('tara'));

    const run = await runCli(app, ['users', 'merge', subOf(from), into, '--json']);

    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ fromAccountId: subOf(from), intoAccountId: into });
    await expect(oidc.refreshTokenGrant(shop.config, from.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
    const show = await runCli(app, ['users', 'show', subOf(from)]);
    expect(show.code).toBe(4);
    expect(show.stderr).toContain(`merged into ${into}`);
    expect((await runCli(app, ['users', 'merge', subOf(from)])).code).toBe(2);
  });
});
