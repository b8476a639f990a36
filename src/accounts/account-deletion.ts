/**
 * Deleting an account (issue 17 #5; PIPL art. 47): its grants revoked first (every refresh token and
 * stored access token stops at once), then in one transaction its identities (with their session
 * keys), phone, profile and merge records deleted and its audit entries pseudonymised — kept for the
 * operator's accountability, but under a random pseudonym, without IP address or before/after
 * snapshots (which may hold openids). A later login of the same WeChat user creates a new `sub`.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { executeStatement, sql } from '../db/sql.ts';
import type { GrantRevoker } from './account-administration.ts';
import type { AccountAudit } from './account-audit.ts';

export interface AccountDeletion {
  /** Deletes `sub`; `account.not_found` when there is no such account. Returns the pseudonym of its audit entries. */
  delete(input: { sub: string; actor: string; clientId?: string | undefined }): Promise<{ pseudonym: string }>;
}

/** The audit log as deletion needs it: written events, and the ones still buffered flushed first. */
export interface DeletionAudit extends AccountAudit {
  flush(): Promise<void>;
}

export function createAccountDeletion(deps: { em: () => EntityManager; grants: GrantRevoker; audit: DeletionAudit }): AccountDeletion {
  return {
    async delete({ sub, actor, clientId }) {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sub)) throw new AppError('account.not_found', `no account ${sub.slice(0, 64)}`);
      await deps.grants.revokeAccountGrants(sub);
      // Events of this account still in the write buffer must land before they are pseudonymised.
      await deps.audit.flush();
      const pseudonym = `deleted:${randomUUID()}`;
      await deps.em().fork().transactional(async (em) => {
        await executeStatement(em, sql`delete from wechat_identities where account_id = ${sub}::uuid`);
        if (await executeStatement(em, sql`delete from accounts where id = ${sub}::uuid`) === 0) throw new AppError('account.not_found', `no account ${sub}`);
        await executeStatement(em, sql`delete from merged_accounts where into_account_id = ${sub}::uuid`);
        await executeStatement(em, sql`
          update audit_events set account_id = ${pseudonym}, target = case when target = ${sub} then ${pseudonym} else target end,
            ip = null, before = null, after = null
          where account_id = ${sub} or target = ${sub}`);
      });
      // A login that raced the deletion may have added a grant in between.
      await deps.grants.revokeAccountGrants(sub);
      await deps.audit.record({
        actor, action: 'account.deleted', outcome: 'success', target: pseudonym, accountId: pseudonym, clientId: clientId ?? actor, after: { deleted: true },
      });
      return { pseudonym };
    },
  };
}
