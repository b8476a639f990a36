/**
 * Account → OIDC claims (design.md §3). oidc-provider filters them by the granted scopes; this only
 * says what each claim's value is. WeChat identifiers are given for the client's own app only.
 */
import type { AccountRecord, IdentityRecord } from './account.repository.ts';

export type AccountClaims = Record<string, string | number | boolean | undefined>;

export function buildAccountClaims(account: AccountRecord, identity: IdentityRecord | null): AccountClaims {
  return {
    sub: account.id,
    nickname: account.nickname ?? undefined,
    picture: account.picture ?? undefined,
    updated_at: Math.floor(account.updatedAt.getTime() / 1000),
    phone_number: account.phoneNumber ?? undefined,
    phone_number_verified: account.phoneNumber === null ? undefined : account.phoneVerifiedAt !== null,
    wechat_appid: identity?.appId,
    wechat_openid: identity?.openId,
    wechat_unionid: identity?.unionId ?? undefined,
  };
}
