/**
 * oidc-provider's findAccount over our accounts (design.md §3): a disabled or unknown account is
 * "not found", which makes oidc-provider refuse refresh and userinfo (test-catalogue M-08, R-10).
 */
import type { FindAccount } from 'oidc-provider';
import { buildAccountClaims } from '../accounts/account-claims.ts';
import type { AccountRepository } from '../accounts/account.repository.ts';
import { clientWeChatAppId } from './client-metadata-access.ts';
import type { LoginAccountMemo } from './token-endpoint/login-account-memo.ts';

export function createFindAccount(deps: { accounts: Pick<AccountRepository, 'findById' | 'findIdentity'>; signedIn?: Pick<LoginAccountMemo, 'recall'> }): FindAccount {
  return async (ctx, sub) => {
    // A login's own request already holds the account it just signed in (and found active).
    const account = deps.signedIn?.recall(ctx, sub) ?? await deps.accounts.findById(sub);
    if (account === null || account.status !== 'active') return undefined;
    return {
      accountId: account.id,
      async claims(_use, scope) {
        const appId = clientWeChatAppId(ctx.oidc.client);
        const identity = appId !== undefined && scope.split(' ').includes('wechat')
          ? await deps.accounts.findIdentity(account.id, appId)
          : null;
        return buildAccountClaims(account, identity) as { sub: string };
      },
    };
  };
}
