import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { startTestApp } from '../support/test-app.ts';
import { queryDatabase, randomName, registerMiniProgramApp, setUpMiniProgram, subOf } from '../support/wechat-fixtures.ts';

// Kept unbound on purpose: the spy below calls it with each client as `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const originalQuery = pg.Client.prototype.query;

describe('WeChat identity → account mapping (design.md §2)', () => {
  it('gives one sub, with a different wechat_openid each, to a user of two mini-programs under one Open Platform (M-03)', async () => {
    const app = await startTestApp();
    const platform = randomName('op');
    const shop = await setUpMiniProgram(app, { openPlatformId: platform });
    const game = await setUpMiniProgram(app, { openPlatformId: platform });

    const inShop = await shop.login('grace', { scope: 'openid wechat' });
    const inGame = await game.login('grace', { scope: 'openid wechat' });

    expect(subOf(inGame)).toBe(subOf(inShop));
    expect(inShop.claims()).toMatchObject({ wechat_appid: shop.appId, wechat_openid: app.wechat.openIdOf(shop.appId, 'grace') });
    expect(inGame.claims()).toMatchObject({ wechat_appid: game.appId, wechat_openid: app.wechat.openIdOf(game.appId, 'grace') });
    expect(inGame.claims()?.['wechat_openid']).not.toBe(inShop.claims()?.['wechat_openid']);
    expect(inGame.claims()?.['wechat_unionid']).toBe(inShop.claims()?.['wechat_unionid']);
  });

  it('creates one account when a new user is first seen through both mini-programs at once', async () => {
    const app = await startTestApp();
    const platform = randomName('op');
    const shop = await setUpMiniProgram(app, { openPlatformId: platform });
    const game = await setUpMiniProgram(app, { openPlatformId: platform });
    const users = Array.from({ length: 8 }, (_, i) => `twin-${String(i)}`);

    const logins = await Promise.all(users.flatMap((user) => [shop.login(user), game.login(user), shop.login(user), game.login(user)]));

    for (let i = 0; i < users.length; i += 1) {
      expect(new Set(logins.slice(i * 4, i * 4 + 4).map(subOf)).size).toBe(1);
    }
    const [counts] = await queryDatabase<{ accounts: string; identities: string }>(app, 'select (select count(*) from accounts) as accounts, (select count(*) from wechat_identities) as identities');
    expect(counts).toEqual({ accounts: String(users.length), identities: String(users.length * 2) });
  });

  it('keeps the account when an unbound app is later bound to an Open Platform, and links the platform\'s other apps to it (M-04)', async () => {
    const app = await startTestApp();
    const platform = randomName('op');
    const legacy = await setUpMiniProgram(app); // not bound yet: WeChat sends no unionid
    const before = await legacy.login('heidi', { scope: 'openid wechat' });
    expect(before.claims()).not.toHaveProperty('wechat_unionid');

    await registerMiniProgramApp(app, { appId: legacy.appId, secret: legacy.secret, openPlatformId: platform });
    const after = await legacy.login('heidi', { scope: 'openid wechat' });
    const sibling = await setUpMiniProgram(app, { openPlatformId: platform });
    const viaSibling = await sibling.login('heidi', { scope: 'openid wechat' });

    expect(subOf(after)).toBe(subOf(before));
    expect(after.claims()?.['wechat_unionid']).toBe(app.wechat.unionIdOf(platform, 'heidi'));
    expect(subOf(viaSibling)).toBe(subOf(before));
    const view = await app.admin.users.show(subOf(before));
    expect(view.identities.map((identity) => identity.unionId)).toEqual([app.wechat.unionIdOf(platform, 'heidi'), app.wechat.unionIdOf(platform, 'heidi')]);
  });

  it('does not merge users whose unionid strings collide across two Open Platform namespaces (M-05)', async () => {
    const app = await startTestApp();
    // The simulator hands out the very same unionid for both apps; wxbridge knows them as two platforms.
    const simulated = randomName('op-shared');
    const left = await setUpMiniProgram(app, { openPlatformId: simulated, registryOpenPlatformId: randomName('op-left') });
    const right = await setUpMiniProgram(app, { openPlatformId: simulated, registryOpenPlatformId: randomName('op-right') });

    const inLeft = await left.login('ivan', { scope: 'openid wechat' });
    const inRight = await right.login('ivan', { scope: 'openid wechat' });

    expect(inLeft.claims()?.['wechat_unionid']).toBe(inRight.claims()?.['wechat_unionid']);
    expect(subOf(inRight)).not.toBe(subOf(inLeft));
  });

  it('creates exactly one account and one identity for 50 concurrent first logins of one user (M-02)', async () => {
    const app = await startTestApp();
    const mp = await setUpMiniProgram(app, { scope: 'openid' });
    const codes = Array.from({ length: 50 }, () => mp.code('judy'));

    const responses = await Promise.all(codes.map((code) => mp.post({ code })));

    expect(responses.map((r) => r.status)).toEqual(codes.map(() => 200));
    const subs = new Set(responses.map((r) => JSON.parse(Buffer.from(String(r.body['id_token']).split('.')[1] ?? '', 'base64url').toString('utf8')).sub as string));
    expect(subs.size).toBe(1);
    const [sub] = subs;
    const accounts = await queryDatabase(app, 'select id from accounts where id = $1', [sub]);
    const identities = await queryDatabase(app, 'select account_id from wechat_identities where app_id = $1 and open_id = $2', [mp.appId, app.wechat.openIdOf(mp.appId, 'judy')]);
    expect(accounts).toHaveLength(1);
    expect(identities).toEqual([{ account_id: sub }]);
    expect(await queryDatabase(app, 'select id from accounts')).toHaveLength(1);
  });

  // Issue 16: round trips of the mapping, counted where every statement leaves for PostgreSQL (pg's
  // Client#query, observed, not replaced). Only statements about accounts, identities and the login lock.
  it('maps a first login in 2 statements without a unionid (lookup, mapping), 5 with one (lookup, begin, lock, mapping, commit), a returning login in 1', async () => {
    const app = await startTestApp();
    const plain = await setUpMiniProgram(app, { scope: 'openid' });
    const platform = await setUpMiniProgram(app, { scope: 'openid', openPlatformId: randomName('op') });
    const sent: string[] = [];
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    spy.mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const first = args[0];
      const text = typeof first === 'string' ? first : (first as { text?: string } | null)?.text ?? '';
      if (/wechat_identities|accounts|pg_advisory|^\s*(begin|commit)/i.test(text)) sent.push(text);
      return Reflect.apply(originalQuery, this, args) as never;
    });
    const mapping = async (login: () => Promise<unknown>): Promise<number> => {
      sent.length = 0;
      await login();
      return sent.length;
    };
    try {
      // touch (miss) + the first-login statement
      expect(await mapping(() => plain.login('kim'))).toBe(2);
      // touch (hit)
      expect(await mapping(() => plain.login('kim'))).toBe(1);
      // touch (miss) + begin + lock + the first-login statement + commit
      expect(await mapping(() => platform.login('lee'))).toBe(5);
      expect(await mapping(() => platform.login('lee'))).toBe(1);
    } finally {
      spy.mockRestore();
    }
    const [counts] = await queryDatabase<{ accounts: string; identities: string }>(app, 'select (select count(*) from accounts) as accounts, (select count(*) from wechat_identities) as identities');
    expect(counts).toEqual({ accounts: '2', identities: '2' });
  });
});
