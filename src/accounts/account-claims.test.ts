import { describe, expect, it } from 'vitest';
import type { AccountRecord, IdentityRecord } from './account.repository.ts';
import { buildAccountClaims } from './account-claims.ts';

const updatedAt = new Date('2026-11-01T08:00:00.900Z');
const bare: AccountRecord = {
  id: '3f1c2a9e-7c1b-4f7e-9d55-0d6a1f0e8b21', status: 'active', nickname: null, picture: null,
  phoneNumber: null, phoneVerifiedAt: null, updatedAt,
};
const identity: IdentityRecord = { appId: 'wx0123456789abcdef', openId: 'oAbCdEfGhIjKlMnOpQrStUvWxYz0', unionId: 'uAbCdEfGhIjKlMnOpQrStUvWxYz1' };

/** The claims that would actually appear: oidc-provider drops undefined values. */
const present = (claims: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));

describe('buildAccountClaims', () => {
  it('gives an account without profile, phone or identity only sub and updated_at (seconds, floored)', () => {
    expect(present(buildAccountClaims(bare, null))).toEqual({ sub: bare.id, updated_at: Math.floor(updatedAt.getTime() / 1000) });
  });

  it('gives profile and phone claims when the account has them', () => {
    const account = { ...bare, nickname: '小明', picture: 'https://cdn.example.test/a.png', phoneNumber: '+8613800138000', phoneVerifiedAt: updatedAt };
    expect(buildAccountClaims(account, null)).toMatchObject({
      nickname: '小明', picture: 'https://cdn.example.test/a.png', phone_number: '+8613800138000', phone_number_verified: true,
    });
  });

  it('marks a phone number without a verification time as unverified', () => {
    expect(buildAccountClaims({ ...bare, phoneNumber: '+8613800138000' }, null).phone_number_verified).toBe(false);
  });

  it('gives the WeChat identifiers of the identity it is handed, and no unionid when none is known', () => {
    expect(buildAccountClaims(bare, identity)).toMatchObject({ wechat_appid: identity.appId, wechat_openid: identity.openId, wechat_unionid: identity.unionId });
    expect(present(buildAccountClaims(bare, { ...identity, unionId: null }))).not.toHaveProperty('wechat_unionid');
  });

  it('never uses a WeChat identifier as sub', () => {
    expect(buildAccountClaims(bare, identity).sub).toBe(bare.id);
  });

  it('only produces claims that some scope releases (design.md §3)', () => {
    const full = buildAccountClaims({ ...bare, nickname: 'n', picture: 'p', phoneNumber: '+1', phoneVerifiedAt: updatedAt }, identity);
    const released = new Set(['sub', 'nickname', 'picture', 'updated_at', 'phone_number', 'phone_number_verified', 'wechat_appid', 'wechat_openid', 'wechat_unionid']);
    expect(Object.keys(full).filter((claim) => !released.has(claim))).toEqual([]);
  });
});
