// Issue 17 item 3: linking a first login to an existing account by a WeChat-verified phone number — off by
// default, switched per app (admin API, CLI), verified numbers on both sides only, a conflict never links,
// every link and conflict audited.
import { describe, expect, it } from 'vitest';
import { setUpUserApp, signIn } from '../me/me-fixtures.ts';
import { adminApi } from '../support/admin-api.ts';
import { runCli } from '../support/cli-process.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { countLoginRows, type MiniProgram } from '../support/wechat-fixtures.ts';

const NUMBER = '13500135000';

const withPhone = (app: TestApp, mp: MiniProgram, user: string) =>
  signIn(mp, user, 'openid phone', { phone_code: app.wechat.issuePhoneCode({ appId: mp.appId, user, phoneNumber: NUMBER }).code });

const auditActions = async (app: TestApp, action: string) => (await app.admin.audit.query({ action, limit: 10 })).items;

describe('link by WeChat-verified phone (issue 17 #3)', () => {
  it('is off by default: the same verified number in another app gives a new account', async () => {
    const app = await startTestApp();
    const shop = await setUpUserApp(app);
    const game = await setUpUserApp(app);
    const owner = await withPhone(app, shop, 'yan');

    const other = await withPhone(app, game, 'yan');

    expect(other.sub).not.toBe(owner.sub);
    expect((await app.admin.apps.find(game.appId))).toMatchObject({ linkByVerifiedPhone: false, unionIdConflict: 'merge' });
  });

  it('when on, links a first login with a verified number to the one account verified with it, audited', async () => {
    const app = await startTestApp();
    const api = await adminApi(app);
    const shop = await setUpUserApp(app);
    const game = await setUpUserApp(app);
    const owner = await withPhone(app, shop, 'yan');
    const switched = await api.call('PATCH', `/apps/${game.appId}/account-settings`, { linkByVerifiedPhone: true });
    expect(switched).toMatchObject({ status: 200, body: { appId: game.appId, linkByVerifiedPhone: true } });

    const withoutPhone = await signIn(game, 'yan-unverified');
    const linked = await withPhone(app, game, 'yan');
    const again = await signIn(game, 'yan');

    expect(withoutPhone.sub).not.toBe(owner.sub);
    expect(linked.sub).toBe(owner.sub);
    expect(again.sub).toBe(owner.sub);
    await expect.poll(async () => (await auditActions(app, 'account.linked_by_phone')).map((e) => [e.accountId, e.outcome]), { timeout: 15_000 }).toEqual([[owner.sub, 'success']]);
    expect(JSON.stringify(await auditActions(app, 'account.linked_by_phone'))).not.toContain(NUMBER);
  });

  it('never links when two accounts hold the number: a new account, and a conflict entry', async () => {
    const app = await startTestApp();
    const shop = await setUpUserApp(app);
    const game = await setUpUserApp(app);
    const third = await setUpUserApp(app);
    const first = await withPhone(app, shop, 'zoe');
    const second = await withPhone(app, game, 'zoe-sister');
    await app.admin.apps.updateAccountSettings(third.appId, { linkByVerifiedPhone: true });

    const login = await withPhone(app, third, 'zoe');

    expect([first.sub, second.sub]).not.toContain(login.sub);
    await expect.poll(async () => (await auditActions(app, 'account.phone_link_conflict')).map((e) => [e.accountId, e.outcome, e.reason]), { timeout: 15_000 })
      .toEqual([[login.sub, 'failure', 'account.link_refused']]);
  });

  it('never links to an account that already has another WeChat user of the same app', async () => {
    const app = await startTestApp();
    const shop = await setUpUserApp(app);
    await app.admin.apps.updateAccountSettings(shop.appId, { linkByVerifiedPhone: true });
    const owner = await withPhone(app, shop, 'abe');

    const sameNumberOtherUser = await withPhone(app, shop, 'abe-flatmate');

    expect(sameNumberOtherUser.sub).not.toBe(owner.sub);
  });

  it('signs in only existing accounts where the app creates none: refused without a link, linked with a verified number', async () => {
    const app = await startTestApp();
    const shop = await setUpUserApp(app);
    const members = await setUpUserApp(app);
    const owner = await withPhone(app, shop, 'bo');
    await app.admin.apps.updateAccountSettings(members.appId, { newAccountsAllowed: false, linkByVerifiedPhone: true });
    const before = await countLoginRows(app);

    const stranger = await members.post({ code: members.code('bo-stranger'), scope: 'openid' });
    expect(stranger).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.stringContaining('existing accounts only') as unknown } });
    expect(await countLoginRows(app)).toEqual(before);

    expect((await withPhone(app, members, 'bo')).sub).toBe(owner.sub);
  });

  it('is switched by `wxbridge apps link-by-phone --appid <id> --on|--off`, exactly one of them', { timeout: 180_000 }, async () => {
    const app = await startTestApp();
    const shop = await setUpUserApp(app);

    const on = await runCli(app, ['apps', 'link-by-phone', '--appid', shop.appId, '--on', '--json']);
    const both = await runCli(app, ['apps', 'link-by-phone', '--appid', shop.appId, '--on', '--off']);
    const neither = await runCli(app, ['apps', 'link-by-phone', '--appid', shop.appId]);
    const refuse = await runCli(app, ['apps', 'unionid-conflict', '--appid', shop.appId, '--refuse']);
    const closed = await runCli(app, ['apps', 'new-accounts', '--appid', shop.appId, '--refuse']);
    const unknown = await runCli(app, ['apps', 'link-by-phone', '--appid', 'wx0000000000000000', '--off']);

    expect(on.code).toBe(0);
    expect(on.json()).toMatchObject({ appId: shop.appId, linkByVerifiedPhone: true });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('cannot be combined');
    expect(neither.code).toBe(2);
    expect([refuse.code, closed.code]).toEqual([0, 0]);
    expect(unknown.code).toBe(4);
    expect(await app.admin.apps.find(shop.appId)).toMatchObject({ linkByVerifiedPhone: true, unionIdConflict: 'refuse', newAccountsAllowed: false });
    // Re-adding the app (a secret rotation, say) keeps its account settings.
    await app.admin.apps.upsert({ appId: shop.appId, kind: 'miniprogram', secret: shop.secret });
    expect(await app.admin.apps.find(shop.appId)).toMatchObject({ linkByVerifiedPhone: true, unionIdConflict: 'refuse', newAccountsAllowed: false });
  });
});
