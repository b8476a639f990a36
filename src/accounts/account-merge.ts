/**
 * Merging two accounts into one (issue 17 #4, docs/decisions/0022): the rule both `users merge` and a
 * login bringing a late unionid follow. In one transaction: both rows locked (in id order, so two
 * merges never deadlock), identities moved, profile and phone filled in from the merged account where
 * the surviving one has none, a disabled state kept (merging never re-enables anyone), the old `sub`
 * recorded in merged_accounts, the old row deleted. Its grants are revoked after the commit.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { executeStatement, queryRows, sql } from '../db/sql.ts';
import type { GrantRevoker } from './account-administration.ts';

export type MergeReason = 'admin' | 'unionid';

export interface MergeResult {
  readonly fromAccountId: string;
  readonly intoAccountId: string;
  /** Identities moved to the surviving account. */
  readonly identitiesMoved: number;
}

/** The account a login merge keeps: the older one (its `sub` is the one downstream services have known longest). */
export async function olderAccountOf(em: EntityManager, a: string, b: string): Promise<string> {
  const rows = await queryRows<{ id: string }>(em, sql`
    select id from accounts where id in (${a}::uuid, ${b}::uuid) order by created_at, id limit 1`);
  return rows[0]?.id ?? a;
}

/** Merges `fromAccountId` into `intoAccountId` inside the caller's transaction `em`. */
export async function mergeWithin(em: EntityManager, input: { fromAccountId: string; intoAccountId: string; reason: MergeReason; at: Date }): Promise<MergeResult> {
  const { fromAccountId: from, intoAccountId: into } = input;
  if (from === into) throw new AppError('account.merge_conflict', 'an account cannot be merged into itself');
  const locked = await queryRows<{ id: string }>(em, sql`
    select id from accounts where id in (${from}::uuid, ${into}::uuid) order by id for update`);
  for (const id of [from, into]) {
    if (!locked.some((row) => row.id === id)) throw new AppError('account.not_found', `no account ${id}`);
  }
  // Two identities of one app are two WeChat users (openid is per user and app): never one account.
  const shared = await queryRows<{ app_id: string }>(em, sql`
    select app_id from wechat_identities where account_id = ${from}::uuid
    intersect select app_id from wechat_identities where account_id = ${into}::uuid`);
  if (shared.length > 0) {
    throw new AppError('account.merge_conflict', `both accounts have a WeChat identity in app ${shared.map((r) => r.app_id).join(', ')}: they are different WeChat users`);
  }
  await executeStatement(em, sql`
    update accounts t set nickname = coalesce(t.nickname, f.nickname), picture = coalesce(t.picture, f.picture),
      phone_number = case when t.phone_number is null then f.phone_number else t.phone_number end,
      phone_verified_at = case when t.phone_number is null then f.phone_verified_at else t.phone_verified_at end,
      status = case when f.status = 'disabled' then 'disabled' else t.status end, updated_at = now()
    from accounts f where t.id = ${into}::uuid and f.id = ${from}::uuid`);
  const identitiesMoved = await executeStatement(em, sql`update wechat_identities set account_id = ${into}::uuid where account_id = ${from}::uuid`);
  // Subs merged into `from` earlier now point at the account that holds their identities.
  await executeStatement(em, sql`update merged_accounts set into_account_id = ${into}::uuid where into_account_id = ${from}::uuid`);
  await executeStatement(em, sql`
    insert into merged_accounts (from_account_id, into_account_id, reason, merged_at) values (${from}::uuid, ${into}::uuid, ${input.reason}, ${input.at})`);
  await executeStatement(em, sql`delete from accounts where id = ${from}::uuid`);
  return { fromAccountId: from, intoAccountId: into, identitiesMoved };
}

export interface AccountMerger {
  /** `users merge <from> <into>`: one transaction, then the old account's grants are revoked. */
  merge(input: { fromAccountId: string; intoAccountId: string }): Promise<MergeResult>;
  /** Where a merged `sub` went; null when it was never merged. */
  findMergedInto(sub: string): Promise<{ intoAccountId: string; mergedAt: string; reason: string } | null>;
}

export function createAccountMerger(deps: { em: () => EntityManager; grants: GrantRevoker; now: () => Date }): AccountMerger {
  return {
    async merge(input) {
      const result = await deps.em().fork().transactional((em) => mergeWithin(em, { ...input, reason: 'admin', at: deps.now() }));
      await deps.grants.revokeAccountGrants(result.fromAccountId);
      return result;
    },
    async findMergedInto(sub) {
      if (!/^[0-9a-f-]{36}$/i.test(sub)) return null;
      const rows = await queryRows<{ into_account_id: string; merged_at: Date | string; reason: string }>(deps.em(), sql`
        select into_account_id, merged_at, reason from merged_accounts where from_account_id = ${sub}::uuid`);
      const row = rows[0];
      return row === undefined ? null : { intoAccountId: row.into_account_id, mergedAt: new Date(row.merged_at).toISOString(), reason: row.reason };
    },
  };
}
