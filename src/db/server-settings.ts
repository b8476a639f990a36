/**
 * The server_settings rows (src/db/server-setting.entity.ts): what a server records at start for the
 * other processes on its database. `issuer`: the CLI acts on the issuer the server runs as, not on
 * its own guess from PORT (issue 18 #1).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows, sql } from './sql.ts';

const ISSUER = 'issuer';

/** Records the issuer this server runs as; returns the one recorded before, if any (several instances: the same value). */
export async function recordIssuer(em: EntityManager, issuer: string, now: Date): Promise<string | undefined> {
  const rows = await queryRows<{ previous: string | null }>(em, sql`
    with previous as (select value from server_settings where name = ${ISSUER})
    insert into server_settings (name, value, updated_at) values (${ISSUER}, ${issuer}, ${now})
    on conflict (name) do update set value = excluded.value, updated_at = excluded.updated_at
    returning (select value from previous) as previous`);
  return rows[0]?.previous ?? undefined;
}

/** The issuer the server last started as, or undefined when none has started on this database yet. */
export async function readRecordedIssuer(em: EntityManager): Promise<string | undefined> {
  const rows = await queryRows<{ value: string }>(em, sql`select value from server_settings where name = ${ISSUER}`);
  return rows[0]?.value;
}
