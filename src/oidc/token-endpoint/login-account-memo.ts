/**
 * The account a WeChat login just signed in, kept for the rest of that one token request:
 * oidc-provider then asks findAccount for it (account validation, ID-token claims) and the answer is
 * already known — one SELECT per login saved (bench/README.md, profile). Keyed by the request
 * context, so nothing outlives the request or reaches another one.
 */
import type { AccountRecord } from '../../accounts/account.repository.ts';

export interface LoginAccountMemo {
  remember(ctx: object, account: AccountRecord): void;
  /** The account remembered for this request, if it is `accountId`. */
  recall(ctx: object, accountId: string): AccountRecord | undefined;
}

export function createLoginAccountMemo(): LoginAccountMemo {
  const byRequest = new WeakMap<object, AccountRecord>();
  return {
    remember(ctx, account) {
      byRequest.set(ctx, account);
    },
    recall(ctx, accountId) {
      const account = byRequest.get(ctx);
      return account?.id === accountId ? account : undefined;
    },
  };
}
