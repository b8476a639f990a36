/**
 * Lookalike names (issue #15 finding 8): client ids and resource URIs that differ from a registered one
 * only in letter case or trailing slashes are refused at registration, so an operator (or a
 * confused resource server comparing case-insensitively) cannot mistake one for the other. OAuth
 * compares client_id and `aud` as exact strings (RFC 6749 §2.2, RFC 7519 §4.1.3); a lookalike is
 * legal but only ever a mistake or an impersonation.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { queryRows, sql } from '../db/sql.ts';

/**
 * What two names look alike under: lower case, trailing slashes gone. The unique indexes of migration
 * Migration20261130043000_lookalike_unique_indexes use the same form (lower(rtrim(name, '/'))), so
 * two racing registrations cannot both be stored.
 */
export function lookalikeKey(name: string): string {
  return name.toLowerCase().replace(/\/+$/, '');
}

/** The registered name `name` looks like, if any (an exact duplicate is left to the unique key). */
export async function findLookalike(em: EntityManager, table: 'clients' | 'resource_servers', name: string): Promise<string | undefined> {
  const rows = table === 'clients'
    ? await queryRows<{ name: string }>(em, sql`select client_id as name from clients where lower(rtrim(client_id, '/')) = ${lookalikeKey(name)} and client_id <> ${name} limit 1`)
    : await queryRows<{ name: string }>(em, sql`select uri as name from resource_servers where lower(rtrim(uri, '/')) = ${lookalikeKey(name)} and uri <> ${name} limit 1`);
  return rows[0]?.name;
}

export function lookalikeConflict(kind: 'client' | 'resource server', name: string, existing: string): AppError {
  return new AppError('client.conflict', `${kind} ${name} is a lookalike of ${existing} (differs only in case or a trailing slash); choose a distinct name`);
}
