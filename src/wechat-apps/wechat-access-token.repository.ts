/**
 * SQL for the shared WeChat access-token cache (design.md §4): reads, an upsert, and the per-app
 * PostgreSQL advisory lock that lets one instance at a time refresh (transaction-scoped, so a crashed
 * refresher releases it with its connection).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeStatement, queryRows, sql, toDate } from '../db/sql.ts';

export interface StoredAccessToken {
  readonly appId: string;
  readonly tokenCiphertext: string;
  readonly generation: number;
  readonly fetchedAt: Date;
  readonly refreshAt: Date;
  readonly expiresAt: Date;
  readonly forcedAt: Date | null;
}

interface Row {
  app_id: string; token_ciphertext: string; generation: number;
  fetched_at: Date | string; refresh_at: Date | string; expires_at: Date | string; forced_at: Date | string | null;
}

// A key of its own namespace: login locks use `union:` / `openid:` prefixes (accounts/account.repository.ts).
const lockKey = (appId: string) => sql`hashtextextended(${`wechat_access_token:${appId}`}, 0)`;

export function createAccessTokenRepository() {
  return {
    async find(em: EntityManager, appId: string): Promise<StoredAccessToken | null> {
      const rows = await queryRows<Row>(em, sql`select * from wechat_access_tokens where app_id = ${appId}`);
      const row = rows[0];
      if (row === undefined) return null;
      return {
        appId: row.app_id, tokenCiphertext: row.token_ciphertext, generation: row.generation, fetchedAt: toDate(row.fetched_at),
        refreshAt: toDate(row.refresh_at), expiresAt: toDate(row.expires_at), forcedAt: toDate(row.forced_at),
      };
    },

    /** Bounds every lock wait of the current transaction (a stuck refresher must not hold requests forever). */
    async limitLockWait(em: EntityManager, ms: number): Promise<void> {
      await queryRows(em, sql`select set_config('lock_timeout', ${String(ms)}, true)`);
    },

    /** Takes the app's refresh lock if it is free; false when another refresher holds it. */
    async tryLock(em: EntityManager, appId: string): Promise<boolean> {
      const rows = await queryRows<{ locked: boolean }>(em, sql`select pg_try_advisory_xact_lock(${lockKey(appId)}) as locked`);
      return rows[0]?.locked === true;
    },

    /** Waits for the app's refresh lock (held until the transaction ends). */
    async lock(em: EntityManager, appId: string): Promise<void> {
      await queryRows(em, sql`select pg_advisory_xact_lock(${lockKey(appId)})`);
    },

    async save(em: EntityManager, token: StoredAccessToken): Promise<void> {
      await executeStatement(em, sql`
        insert into wechat_access_tokens (app_id, token_ciphertext, generation, fetched_at, refresh_at, expires_at, forced_at)
        values (${token.appId}, ${token.tokenCiphertext}, ${token.generation}, ${token.fetchedAt}, ${token.refreshAt}, ${token.expiresAt}, ${token.forcedAt})
        on conflict (app_id) do update set token_ciphertext = excluded.token_ciphertext, generation = excluded.generation,
          fetched_at = excluded.fetched_at, refresh_at = excluded.refresh_at, expires_at = excluded.expires_at, forced_at = excluded.forced_at`);
    },
  };
}

export type AccessTokenRepository = ReturnType<typeof createAccessTokenRepository>;
