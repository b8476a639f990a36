/**
 * Issue 17 #2, "bind or register": a new WeChat identity from a browser sign-in, held server-side under
 * its interaction's uid until the person links it by scan or creates an account. The uid is only ever
 * found through the browser's own signed interaction cookie, so another browser cannot complete it; a
 * claim is one DELETE … RETURNING, so it completes once; it lives PENDING_IDENTITY_TTL_SECONDS.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../clock.ts';
import { executeStatement, queryRows, sql } from '../db/sql.ts';

/** Long enough to scan with the phone (a ticket lives 120 s) and try once more; short enough to be no standing grant. */
export const PENDING_IDENTITY_TTL_SECONDS = 600;

export interface HeldIdentity {
  readonly appId: string;
  readonly openId: string;
  readonly unionId: string | undefined;
  readonly openPlatformId: string | undefined;
  readonly profile: Readonly<Record<string, string>> | undefined;
}

interface Row { app_id: string; open_id: string; union_id: string | null; open_platform_id: string | null; profile: Record<string, string> | string | null }

const toHeld = (row: Row): HeldIdentity => ({
  appId: row.app_id, openId: row.open_id, unionId: row.union_id ?? undefined, openPlatformId: row.open_platform_id ?? undefined,
  profile: row.profile === null ? undefined : typeof row.profile === 'string' ? JSON.parse(row.profile) as Record<string, string> : row.profile,
});

export function createPendingIdentities(deps: { em: () => EntityManager; clock: Clock }) {
  const now = (): Date => new Date(deps.clock.now());
  return {
    /** Holds (or replaces, on a second WeChat round trip of the same interaction) the identity for `uid`. */
    async hold(uid: string, held: HeldIdentity): Promise<void> {
      const expiresAt = new Date(deps.clock.now() + PENDING_IDENTITY_TTL_SECONDS * 1000);
      const profile = held.profile === undefined ? null : JSON.stringify(held.profile);
      await executeStatement(deps.em(), sql`
        insert into pending_identities (interaction_uid, app_id, open_id, union_id, open_platform_id, profile, expires_at, created_at)
        values (${uid}, ${held.appId}, ${held.openId}, ${held.unionId ?? null}, ${held.openPlatformId ?? null}, ${profile}::jsonb, ${expiresAt}, ${now()})
        on conflict (interaction_uid) do update set app_id = excluded.app_id, open_id = excluded.open_id, union_id = excluded.union_id,
          open_platform_id = excluded.open_platform_id, profile = excluded.profile, expires_at = excluded.expires_at, created_at = excluded.created_at`);
    },

    /** The identity held for `uid`, if still valid, without using it up. */
    async peek(uid: string): Promise<HeldIdentity | undefined> {
      const rows = await queryRows<Row>(deps.em(), sql`
        select app_id, open_id, union_id, open_platform_id, profile from pending_identities where interaction_uid = ${uid} and expires_at > ${now()}`);
      return rows[0] === undefined ? undefined : toHeld(rows[0]);
    },

    /** The identity held for `uid`, once. */
    async claim(uid: string): Promise<HeldIdentity | undefined> {
      const rows = await queryRows<Row>(deps.em(), sql`
        delete from pending_identities where interaction_uid = ${uid} and expires_at > ${now()}
        returning app_id, open_id, union_id, open_platform_id, profile`);
      return rows[0] === undefined ? undefined : toHeld(rows[0]);
    },

    /** Housekeeping: removes expired holds; returns how many. */
    deleteExpired(): Promise<number> {
      return executeStatement(deps.em(), sql`delete from pending_identities where expires_at <= ${now()}`);
    },
  };
}

export type PendingIdentities = ReturnType<typeof createPendingIdentities>;
