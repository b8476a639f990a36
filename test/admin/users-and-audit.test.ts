import * as oidc from 'openid-client';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/admin-api.ts';
import { postToken } from '../support/oidc-client.ts';
import { startTestApp } from '../support/test-app.ts';
import { queryDatabase, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

interface AuditItem { id: string; action: string; actor: string; outcome: string; reason: string | null; clientId: string | null; accountId: string | null; ip: string | null; before: unknown; after: unknown }
interface AuditPage { items: AuditItem[]; nextCursor: string | null }

describe('POST /admin/v1/users/:sub/disable (design.md §6; test-catalogue R-10)', () => {
  it('stops the user\'s refresh token immediately, and enable lets the user log in again', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('dora');
    const sub = subOf(tokens);

    const disabled = await api.call('POST', `/users/${sub}/disable`);
    expect(disabled.body).toMatchObject({ id: sub, status: 'disabled' });
    const refresh = await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' });
    expect(refresh.status).toBe(400);
    expect(refresh.body['error']).toBe('invalid_grant');
    expect((await api.call('GET', `/users/${sub}`)).body).toMatchObject({ status: 'disabled', identities: [{ appId: mp.appId }] });

    expect((await api.call('POST', `/users/${sub}/enable`)).body).toMatchObject({ status: 'active' });
    expect(subOf(await mp.login('dora'))).toBe(sub);
    const changes = (await api.call('GET', `/audit?account_id=${sub}&actor=${api.clientId}`)).body as AuditPage;
    expect(changes.items.map((e) => [e.action, (e.before as { status: string }).status, (e.after as { status: string }).status]))
      .toEqual([['user.enable', 'disabled', 'active'], ['user.disable', 'active', 'disabled']]);
    expect((await api.call('GET', '/users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('POST /admin/v1/users/:sub/sign-out (issue 14 #3: sign out everywhere)', () => {
  it('revokes every grant and refresh token of the user, who stays enabled and may sign in again; audited', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('ivy');
    const sub = subOf(tokens);

    const signedOut = await api.call('POST', `/users/${sub}/sign-out`);
    expect(signedOut.status).toBe(200);
    expect(signedOut.body).toMatchObject({ id: sub, revoked: expect.any(Number) as number });
    expect((signedOut.body as { revoked: number }).revoked).toBeGreaterThanOrEqual(2);
    const refresh = await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: tokens.refresh_token ?? '' });
    expect(refresh.status).toBe(400);
    expect(refresh.body['error']).toBe('invalid_grant');
    expect((await api.call('GET', `/users/${sub}`)).body).toMatchObject({ status: 'active' });
    expect(subOf(await mp.login('ivy'))).toBe(sub);
    const audit = (await api.call('GET', `/audit?action=user.sign_out&account_id=${sub}`)).body as AuditPage;
    expect(audit.items).toMatchObject([{ action: 'user.sign_out', actor: api.clientId, outcome: 'success' }]);
    expect((await api.call('POST', '/users/00000000-0000-4000-8000-000000000000/sign-out')).status).toBe(404);
  });
});

describe('GET /admin/v1/users?q= (issue 14 #3: the console\'s user search)', () => {
  it('finds an account by its sub, an openid, a unionid or its phone number, exactly, and refuses an empty query', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpMiniProgram(app);
    const sub = subOf(await mp.login('gina'));
    const other = subOf(await mp.login('hank'));
    const shown = (await api.call('GET', `/users/${sub}`)).body as { identities: { openId: string }[] };
    const openId = shown.identities[0]?.openId ?? '';
    await queryDatabase(app, "update wechat_identities set union_id = 'o6_search_union' where account_id = $1", [sub]);
    await queryDatabase(app, "update accounts set phone_number = '+8613800138000' where id = $1", [other]);
    const found = async (q: string): Promise<string[]> => {
      const answer = await api.call('GET', `/users?q=${encodeURIComponent(q)}`);
      expect(answer.status).toBe(200);
      return (answer.body as { items: { id: string }[] }).items.map((item) => item.id);
    };
    expect(await found(sub)).toEqual([sub]);
    expect(await found(openId)).toEqual([sub]);
    expect(await found('o6_search_union')).toEqual([sub]);
    expect(await found('+8613800138000')).toEqual([other]);
    expect(await found(openId.slice(0, 5))).toEqual([]);
    expect((await api.call('GET', `/users?q=${encodeURIComponent(openId)}`)).body).toMatchObject({ items: [{ id: sub, status: 'active', identities: [{ appId: mp.appId, openId }] }], nextCursor: null });
    const empty = await api.call('GET', '/users?q=');
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: 'request.invalid', message: 'q: a sub, openid, unionid or phone number is required' });
    expect((await api.call('GET', `/users?q=${'x'.repeat(200)}`)).status).toBe(400);
  });
});

describe('GET /admin/v1/audit (design.md §6)', () => {
  it('records every login and refresh, successful or not, with client, account and IP', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const mp = await setUpMiniProgram(app);
    const tokens = await mp.login('erin');
    const sub = subOf(tokens);
    expect((await mp.post({ code: 'not-a-real-code' })).status).toBe(400);
    await oidc.refreshTokenGrant(mp.config, tokens.refresh_token ?? '');
    expect((await postToken(app.baseUrl, { grant_type: 'refresh_token', client_id: mp.clientId, refresh_token: 'bogus' })).status).toBe(400);
    expect((await postToken(app.baseUrl, { grant_type: 'client_credentials', client_id: api.clientId, client_secret: 'wrong' })).status).toBe(401);

    const events = async (query: string): Promise<AuditItem[]> => ((await api.call('GET', `/audit?${query}`)).body as AuditPage).items;
    // Audit writes are not awaited by the request (they must never slow or fail a login), so the
    // test waits for them to land and does not depend on their relative order.
    await expect.poll(async () => (await events(`client_id=${mp.clientId}`)).length, { timeout: 15_000 }).toBe(4);
    const logins = await events(`client_id=${mp.clientId}`);
    expect(logins.map((e) => [e.action, e.outcome, e.reason])).toEqual(expect.arrayContaining([
      ['token.refresh', 'failure', 'invalid_grant'],
      ['token.refresh', 'success', null],
      ['login.wechat', 'failure', 'invalid_grant'],
      ['login.wechat', 'success', null],
    ]));
    const find = (action: string, outcome: string): AuditItem | undefined => logins.find((e) => e.action === action && e.outcome === outcome);
    expect(find('token.refresh', 'success')).toMatchObject({ accountId: sub, actor: mp.clientId, ip: expect.stringMatching(/127\.0\.0\.1/) });
    expect(find('login.wechat', 'success')).toMatchObject({ accountId: sub });
    expect(await events(`account_id=${sub}&action=login.wechat`)).toHaveLength(1);
    await expect.poll(async () => (await events(`client_id=${api.clientId}&action=token.client_credentials`)).map((e) => e.outcome), { timeout: 15_000 }).toContain('failure');
    expect(await events('since=2999-01-01T00:00:00Z')).toEqual([]);
    expect(await events(`until=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&limit=1`)).toHaveLength(1);

    for (const secret of [api.clientSecret, tokens.refresh_token ?? '-', tokens.access_token]) expect(app.logs.join('\n')).not.toContain(secret);
  });

  it('pages through the log newest first with limit and cursor', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    for (const n of [1, 2, 3]) await app.admin.clients.register({ type: 'service', clientId: `svc-audit-${n}` });
    const seen: string[] = [];
    let path = '/audit?action=client.create&limit=2';
    for (let guard = 0; guard < 5; guard += 1) {
      const page = (await api.call('GET', path)).body as AuditPage;
      seen.push(...page.items.map((e) => (e.after as { clientId: string }).clientId));
      if (page.nextCursor === null) break;
      path = `/audit?action=client.create&limit=2&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(['svc-audit-3', 'svc-audit-2', 'svc-audit-1', api.clientId]);
  });

  it('never fails a login because the audit write fails, and logs the failure instead', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app);
    // Fault injection at the database: the audit table is briefly unavailable.
    await queryDatabase(app, 'alter table audit_events rename to audit_events_unavailable');
    try {
      expect(subOf(await mp.login('fay'))).toEqual(expect.any(String));
      await expect.poll(() => app.logs.some((line) => line.includes('audit event could not be recorded')), { timeout: 15_000 }).toBe(true);
    } finally {
      await queryDatabase(app, 'alter table audit_events_unavailable rename to audit_events');
    }
  });
});
