/**
 * Admin operations on accounts (design.md §6 `users show|disable|enable`). Disabling revokes every
 * grant at once, so refresh tokens stop working immediately; findAccount also refuses a disabled
 * account, which closes the race with a refresh already in flight (test-catalogue R-09).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { executeStatement, queryRows, sql } from '../db/sql.ts';
import type { AccountRecord, AccountRepository } from './account.repository.ts';
import type { AccountStatus } from './account.entity.ts';

export interface GrantRevoker {
  revokeAccountGrants(accountId: string): Promise<number>;
}

export interface AccountView extends AccountRecord {
  readonly identities: readonly { appId: string; openId: string; unionId: string | null; firstLoginAt: string; lastLoginAt: string }[];
}

export function createAccountAdministration(deps: { em: () => EntityManager; accounts: AccountRepository; grants: GrantRevoker }) {
  async function setStatus(sub: string, status: AccountStatus): Promise<AccountRecord> {
    const account = await deps.accounts.findById(sub);
    if (account === null) throw new AppError('account.not_found', `no account ${sub}`);
    await executeStatement(deps.em(), sql`update accounts set status = ${status}, updated_at = now() where id = ${sub}::uuid`);
    if (status === 'disabled') await deps.grants.revokeAccountGrants(sub);
    return { ...account, status };
  }

  return {
    async show(sub: string): Promise<AccountView> {
      const account = await deps.accounts.findById(sub);
      if (account === null) throw new AppError('account.not_found', `no account ${sub}`);
      const identities = await queryRows<{ app_id: string; open_id: string; union_id: string | null; first_login_at: string | Date; last_login_at: string | Date }>(deps.em(), sql`
        select app_id, open_id, union_id, first_login_at, last_login_at from wechat_identities where account_id = ${sub}::uuid order by first_login_at`);
      return {
        ...account,
        identities: identities.map((row) => ({
          appId: row.app_id, openId: row.open_id, unionId: row.union_id,
          firstLoginAt: new Date(row.first_login_at).toISOString(), lastLoginAt: new Date(row.last_login_at).toISOString(),
        })),
      };
    },
    disable: (sub: string) => setStatus(sub, 'disabled'),
    enable: (sub: string) => setStatus(sub, 'active'),
  };
}

export type AccountAdministration = ReturnType<typeof createAccountAdministration>;
