/**
 * Account and WeChat-identity persistence, in parameterised SQL because the mapping rule needs
 * conditional writes the unit of work cannot express (design.md §2). Every method answers one
 * question; lookups return null when nothing matches.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { QueryResultRow } from 'pg';
import { createPreparedRunner, runPrepared, type PreparedStatement } from '../db/prepared-statement.ts';
import { executeStatement, queryRows, sql, toDate } from '../db/sql.ts';
import type { AccountStatus } from './account.entity.ts';

export interface AccountRecord {
  readonly id: string;
  readonly status: AccountStatus;
  readonly nickname: string | null;
  readonly picture: string | null;
  readonly phoneNumber: string | null;
  readonly phoneVerifiedAt: Date | null;
  readonly updatedAt: Date;
}

export interface IdentityRecord { readonly appId: string; readonly openId: string; readonly unionId: string | null }

export interface WeChatLogin {
  readonly appId: string;
  readonly openId: string;
  readonly unionId: string | undefined;
  readonly openPlatformId: string | undefined;
  /** Sealed session_key (mini-programs only; null for OAuth logins, which keep the stored one). */
  readonly sessionKeyCiphertext: string | null;
}

interface AccountRow {
  id: string; status: AccountStatus; nickname: string | null; picture: string | null;
  phone_number: string | null; phone_verified_at: Date | string | null; updated_at: Date | string;
}

// The statements of every login and refresh run prepared (src/db/prepared-statement.ts, issue 16).
const ACCOUNT_BY_ID: PreparedStatement = { name: 'accounts_by_id', text: 'select * from accounts where id = $1::uuid' };
const touchIdentity = (name: string, learnable: string): PreparedStatement => ({
  name,
  text: `update wechat_identities i set last_login_at = now(), session_key_ciphertext = coalesce($1::text, i.session_key_ciphertext),
      union_id = coalesce(i.union_id, $2::text), open_platform_id = coalesce(i.open_platform_id, $3::text)
    from accounts a where i.app_id = $4 and i.open_id = $5 and a.id = i.account_id and ${learnable}
    returning a.*`,
});
const TOUCH_IDENTITY = touchIdentity('wechat_identities_touch', 'true');
const TOUCH_IDENTITY_WITHOUT_LEARNING = touchIdentity('wechat_identities_touch_unless_learning', '($2::text is null or i.union_id is not null)');

const toRecord = (row: AccountRow): AccountRecord => ({
  id: row.id, status: row.status, nickname: row.nickname, picture: row.picture,
  phoneNumber: row.phone_number, phoneVerifiedAt: toDate(row.phone_verified_at), updatedAt: toDate(row.updated_at),
});

export function createAccountRepository(deps: { em: () => EntityManager }) {
  const run = createPreparedRunner(deps.em);
  return {
    async findById(id: string): Promise<AccountRecord | null> {
      if (!/^[0-9a-f-]{36}$/.test(id)) return null; // not a UUID: no account, and no SQL cast error
      const rows = await run<AccountRow & QueryResultRow>(ACCOUNT_BY_ID, [id]);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },

    async findIdentity(accountId: string, appId: string): Promise<IdentityRecord | null> {
      const rows = await queryRows<{ app_id: string; open_id: string; union_id: string | null }>(deps.em(), sql`
        select app_id, open_id, union_id from wechat_identities where account_id = ${accountId}::uuid and app_id = ${appId}`);
      const row = rows[0];
      return row === undefined ? null : { appId: row.app_id, openId: row.open_id, unionId: row.union_id };
    },

    /**
     * Rule 1 (returning user) in one statement: refresh the login, learn a unionid, return the account.
     * `learnUnionId: false` (the lock-free fast path) matches only when there is no unionid to learn: a
     * unionid arriving late may already be another account's (issue 17 #4), which only the locked path settles.
     */
    async touchKnownIdentity(em: EntityManager, login: WeChatLogin, options: { learnUnionId: boolean } = { learnUnionId: true }): Promise<AccountRecord | null> {
      const statement = options.learnUnionId ? TOUCH_IDENTITY : TOUCH_IDENTITY_WITHOUT_LEARNING;
      const rows = await runPrepared<AccountRow & QueryResultRow>(em, statement,
        [login.sessionKeyCiphertext, login.unionId ?? null, login.openPlatformId ?? null, login.appId, login.openId]);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },

    /** The account of the identity (appid, openid) and the unionid it holds; null for a first login. */
    async findLoginIdentity(em: EntityManager, login: WeChatLogin): Promise<{ accountId: string; unionId: string | null } | null> {
      const rows = await queryRows<{ account_id: string; union_id: string | null }>(em, sql`
        select account_id, union_id from wechat_identities where app_id = ${login.appId} and open_id = ${login.openId}`);
      const row = rows[0];
      return row === undefined ? null : { accountId: row.account_id, unionId: row.union_id };
    },

    /**
     * The one account whose WeChat-verified number is `phoneNumber`: `none`, its id, or `conflict` when two
     * accounts hold the number, or its holder already has an identity in `appId` (another WeChat user of
     * the app with that number).
     */
    async findVerifiedPhoneHolder(em: EntityManager, phoneNumber: string, appId: string): Promise<'none' | 'conflict' | { accountId: string }> {
      const rows = await queryRows<{ id: string; in_app: boolean }>(em, sql`
        select a.id, exists(select 1 from wechat_identities i where i.account_id = a.id and i.app_id = ${appId}) as in_app
        from accounts a where a.phone_number = ${phoneNumber} and a.phone_verified_at is not null limit 2`);
      const [only, second] = rows;
      if (only === undefined) return 'none';
      return second !== undefined || only.in_app ? 'conflict' : { accountId: only.id };
    },

    /** Serialises first logins of one person (by unionid namespace, else by appid+openid) until commit. */
    async lockLogin(em: EntityManager, login: WeChatLogin): Promise<void> {
      const key = login.unionId !== undefined && login.openPlatformId !== undefined
        ? `union:${login.openPlatformId}:${login.unionId}`
        : `openid:${login.appId}:${login.openId}`;
      await queryRows(em, sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    },

    /** Rule 2: an account already holding this unionid in this Open Platform namespace. */
    async findAccountIdByUnion(em: EntityManager, openPlatformId: string, unionId: string): Promise<string | null> {
      const rows = await queryRows<{ account_id: string }>(em, sql`
        select account_id from wechat_identities where open_platform_id = ${openPlatformId} and union_id = ${unionId}
        order by first_login_at, id limit 1`);
      return rows[0]?.account_id ?? null;
    },

    async createAccount(em: EntityManager, id: string): Promise<void> {
      await executeStatement(em, sql`insert into accounts (id, status, created_at, updated_at) values (${id}::uuid, 'active', now(), now())`);
    },

    async insertIdentity(em: EntityManager, accountId: string, login: WeChatLogin): Promise<void> {
      await executeStatement(em, sql`
        insert into wechat_identities (app_id, open_id, open_platform_id, union_id, account_id, session_key_ciphertext, first_login_at, last_login_at)
        values (${login.appId}, ${login.openId}, ${login.openPlatformId ?? null}, ${login.unionId ?? null}, ${accountId}::uuid,
                ${login.sessionKeyCiphertext}, now(), now())`);
    },

    /**
     * Rules 2 and 3 in one statement (issue 16: it was five round trips): the identity joins the account that
     * already holds its unionid in this Open Platform namespace, else a new account `newAccountId`. Atomic: if
     * the identity exists by now (a concurrent first login won), the unique (app_id, open_id) constraint fails
     * the whole statement and no account is left behind. The new account's row comes from its own RETURNING:
     * the statement's snapshot cannot see it in `accounts`.
     */
    async insertFirstIdentity(em: EntityManager, login: WeChatLogin, newAccountId: string): Promise<{ account: AccountRecord; created: boolean }> {
      const union = login.unionId !== undefined && login.openPlatformId !== undefined;
      const rows = await queryRows<AccountRow & { created: boolean }>(em, sql`
        with same_person as (
          select account_id from wechat_identities
          where ${union} and open_platform_id = ${login.openPlatformId ?? null} and union_id = ${login.unionId ?? null}
          order by first_login_at, id limit 1
        ), new_account as (
          insert into accounts (id, status, created_at, updated_at)
          select ${newAccountId}::uuid, 'active', now(), now() where not exists (select 1 from same_person)
          returning *
        ), target as (
          select account_id as id from same_person union all select id from new_account
        ), identity as (
          insert into wechat_identities (app_id, open_id, open_platform_id, union_id, account_id, session_key_ciphertext, first_login_at, last_login_at)
          select ${login.appId}, ${login.openId}, ${login.openPlatformId ?? null}, ${login.unionId ?? null}, target.id, ${login.sessionKeyCiphertext}, now(), now()
          from target
          returning account_id
        )
        select n.*, true as created from new_account n
        union all
        select a.*, false as created from accounts a join same_person s on a.id = s.account_id`);
      const row = rows[0];
      if (row === undefined) throw new Error('the first-login statement returned no account');
      return { account: toRecord(row), created: row.created };
    },

    /** Records a WeChat-verified phone number (E.164); null when the account does not exist. */
    async setVerifiedPhone(accountId: string, phoneNumber: string): Promise<AccountRecord | null> {
      const rows = await queryRows<AccountRow>(deps.em(), sql`
        update accounts set phone_number = ${phoneNumber}, phone_verified_at = now(), updated_at = now()
        where id = ${accountId}::uuid returning *`);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },

    /** Sets the given profile fields (absent ones are kept) and `updated_at`; null when the account does not exist. */
    async updateProfile(accountId: string, profile: { nickname?: string | undefined; picture?: string | undefined }, at: Date): Promise<AccountRecord | null> {
      const rows = await queryRows<AccountRow>(deps.em(), sql`
        update accounts set nickname = coalesce(${profile.nickname ?? null}, nickname), picture = coalesce(${profile.picture ?? null}, picture),
          updated_at = ${at} where id = ${accountId}::uuid returning *`);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },

    /**
     * Fills profile fields the account does not have yet (from WeChat at a browser sign-in): what the
     * person set through /me/profile is never overwritten. `updated_at` moves only when a field is filled.
     */
    async fillProfile(accountId: string, profile: { nickname?: string | undefined; picture?: string | undefined }, at: Date): Promise<AccountRecord | null> {
      const nickname = profile.nickname ?? null;
      const picture = profile.picture ?? null;
      const rows = await queryRows<AccountRow>(deps.em(), sql`
        update accounts set nickname = coalesce(nickname, ${nickname}), picture = coalesce(picture, ${picture}),
          updated_at = case when (nickname is null and ${nickname}::text is not null) or (picture is null and ${picture}::text is not null) then ${at} else updated_at end
        where id = ${accountId}::uuid returning *`);
      return rows[0] === undefined ? null : toRecord(rows[0]);
    },

    /** The identity's openid and sealed session_key for the account in `appId` (null: no identity or no key). */
    async findSealedSessionKey(accountId: string, appId: string): Promise<{ openId: string; ciphertext: string } | null> {
      const rows = await queryRows<{ open_id: string; session_key_ciphertext: string | null }>(deps.em(), sql`
        select open_id, session_key_ciphertext from wechat_identities where account_id = ${accountId}::uuid and app_id = ${appId}`);
      const row = rows[0];
      if (row === undefined || row.session_key_ciphertext === null) return null;
      return { openId: row.open_id, ciphertext: row.session_key_ciphertext };
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
