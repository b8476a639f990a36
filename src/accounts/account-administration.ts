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
import type { AccountDeletion } from './account-deletion.ts';
import type { AccountExporter } from './account-export.ts';
import type { AccountMerger } from './account-merge.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GrantRevoker {
  revokeAccountGrants(accountId: string): Promise<number>;
}

export interface AccountView extends AccountRecord {
  readonly identities: readonly { appId: string; openId: string; unionId: string | null; firstLoginAt: string; lastLoginAt: string }[];
}

export function createAccountAdministration(deps: {
  em: () => EntityManager; accounts: AccountRepository; grants: GrantRevoker;
  merger: AccountMerger; deletion: AccountDeletion; exporter: AccountExporter;
}) {
  /** Not found: and if the sub was merged, where it went (issue 17 #4: old subs stay explicable). */
  async function notFound(sub: string): Promise<AppError> {
    const merged = await deps.merger.findMergedInto(sub);
    return new AppError('account.not_found', merged === null
      ? `no account ${sub}`
      : `account ${sub} was merged into ${merged.intoAccountId} at ${merged.mergedAt} (${merged.reason === 'admin' ? 'by an administrator' : 'when WeChat sent the same unionid'})`);
  }

  async function setStatus(sub: string, status: AccountStatus): Promise<AccountRecord> {
    const account = await deps.accounts.findById(sub);
    if (account === null) throw await notFound(sub);
    await executeStatement(deps.em(), sql`update accounts set status = ${status}, updated_at = now() where id = ${sub}::uuid`);
    if (status === 'disabled') await deps.grants.revokeAccountGrants(sub);
    return { ...account, status };
  }

  async function show(sub: string): Promise<AccountView> {
    const account = await deps.accounts.findById(sub);
    if (account === null) throw await notFound(sub);
    const identities = await queryRows<{ app_id: string; open_id: string; union_id: string | null; first_login_at: string | Date; last_login_at: string | Date }>(deps.em(), sql`
      select app_id, open_id, union_id, first_login_at, last_login_at from wechat_identities where account_id = ${sub}::uuid order by first_login_at`);
    return {
      ...account,
      identities: identities.map((row) => ({
        appId: row.app_id, openId: row.open_id, unionId: row.union_id,
        firstLoginAt: new Date(row.first_login_at).toISOString(), lastLoginAt: new Date(row.last_login_at).toISOString(),
      })),
    };
  }

  return {
    show,
    /**
     * Accounts whose sub, an openid, a unionid or the phone number is exactly `query` (issue 14 #3): exact
     * matches only, never a pattern, so a search lists no account it does not name.
     */
    async search(query: string, limit: number): Promise<AccountView[]> {
      const sub = UUID.test(query) ? query.toLowerCase() : null;
      const rows = await queryRows<{ id: string }>(deps.em(), sql`
        select id from accounts where id = ${sub}::uuid or phone_number = ${query}
        union select account_id as id from wechat_identities where open_id = ${query} or union_id = ${query}
        order by id limit ${limit}`);
      return Promise.all(rows.map((row) => show(row.id)));
    },
    disable: (sub: string) => setStatus(sub, 'disabled'),
    /**
     * Sign out everywhere (issue 14 #3): every grant revoked with its refresh and stored access tokens
     * (`revoked` counts those records); the account stays enabled. JWT access tokens live until their short exp.
     */
    async signOut(sub: string): Promise<{ id: string; revoked: number }> {
      if ((await deps.accounts.findById(sub)) === null) throw await notFound(sub);
      return { id: sub, revoked: await deps.grants.revokeAccountGrants(sub) };
    },
    enable: (sub: string) => setStatus(sub, 'active'),
    /** `users merge <from> <into>`: identities, phone and profile moved, `from`'s grants revoked (docs/decisions/0022). */
    merge: (fromAccountId: string, intoAccountId: string) => deps.merger.merge({ fromAccountId, intoAccountId }),
    delete: (sub: string, actor: string) => deps.deletion.delete({ sub, actor }),
    export: (sub: string) => deps.exporter.export(sub),
  };
}

export type AccountAdministration = ReturnType<typeof createAccountAdministration>;
