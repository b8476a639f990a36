/**
 * The audit log (design.md §6): events of the hot path (every login, refresh and client_credentials
 * grant) and a filtered, cursor-paginated query for GET /admin/v1/audit. Writes are batched the
 * natural way: an event recorded while no write is in flight is inserted at once; events recorded
 * meanwhile wait for it and go together in one multi-row INSERT (under load, one statement for many
 * token requests; bench/README.md). Each event keeps the time it was recorded. Recording never fails
 * the operation it describes: a failed insert is logged loudly instead (a login must not fail
 * because of its audit).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.ts';
import { executeStatement, queryRows, sql, toDate } from '../db/sql.ts';
import { withoutSecrets } from './audit-redaction.ts';

export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly outcome: 'success' | 'failure';
  readonly target?: string | null | undefined;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason?: string | null | undefined;
  readonly ip?: string | null | undefined;
  readonly clientId?: string | null | undefined;
  readonly accountId?: string | null | undefined;
}

export interface AuditEventView {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly outcome: string;
  readonly reason: string | null;
  readonly ip: string | null;
  readonly clientId: string | null;
  readonly accountId: string | null;
}

export interface AuditFilter {
  readonly action?: string | undefined;
  readonly actor?: string | undefined;
  readonly clientId?: string | undefined;
  readonly accountId?: string | undefined;
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
  readonly limit: number;
  /** The `id` of the last event of the previous page (newest first). */
  readonly cursor?: string | undefined;
}

export interface AuditPage {
  readonly items: AuditEventView[];
  readonly nextCursor: string | null;
}

export interface AuditLog {
  /** Resolves once the event is written (or its failure logged). */
  record(entry: AuditEntry): Promise<void>;
  query(filter: AuditFilter): Promise<AuditPage>;
  /** Resolves once every event recorded so far is written (before the database closes). */
  flush(): Promise<void>;
}

/** Rows per INSERT (11 parameters each, far below PostgreSQL's 65 535). */
const MAX_BATCH = 500;

interface Pending { readonly entry: AuditEntry; readonly at: Date; readonly done: () => void }

interface AuditRow {
  id: string; at: Date | string; actor: string; action: string; target: string | null; before: unknown; after: unknown;
  outcome: string; reason: string | null; ip: string | null; client_id: string | null; account_id: string | null;
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(withoutSecrets(value)));

export interface AuditLogDeps {
  readonly em: () => EntityManager;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Told how many rows each INSERT wrote or lost (metrics: design.md §9); must not throw. */
  readonly observer?: { onRowsWritten(count: number): void; onRowsLost(count: number): void };
}

export function createAuditLog(deps: AuditLogDeps): AuditLog {
  const queue: Pending[] = [];
  let writing: Promise<void> | undefined;

  async function insert(batch: readonly Pending[]): Promise<void> {
    const rows = batch.map(({ entry, at }) => sql`(${at}, ${entry.actor}, ${entry.action}, ${entry.target ?? null}, ${json(entry.before)}::jsonb,
      ${json(entry.after)}::jsonb, ${entry.outcome}, ${entry.reason ?? null}, ${entry.ip ?? null}, ${entry.clientId ?? null}, ${entry.accountId ?? null})`);
    try {
      await executeStatement(deps.em(), sql`
        insert into audit_events (at, actor, action, target, before, after, outcome, reason, ip, client_id, account_id)
        values ${sql.join(rows)}`);
    } catch (error) {
      for (const { entry } of batch) {
        deps.logger.error({ err: error, audit: { action: entry.action, actor: entry.actor, outcome: entry.outcome } }, 'audit event could not be recorded');
      }
      deps.observer?.onRowsLost(batch.length);
      return;
    }
    deps.observer?.onRowsWritten(batch.length);
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      await insert(batch);
      for (const pending of batch) pending.done();
    }
    writing = undefined;
  }

  return {
    record(entry) {
      return new Promise((resolve) => {
        queue.push({ entry, at: deps.now(), done: resolve });
        writing ??= drain();
      });
    },

    async flush() {
      await writing;
    },

    async query(filter) {
      const conditions = [
        filter.action === undefined ? undefined : sql`action = ${filter.action}`,
        filter.actor === undefined ? undefined : sql`actor = ${filter.actor}`,
        filter.clientId === undefined ? undefined : sql`client_id = ${filter.clientId}`,
        filter.accountId === undefined ? undefined : sql`account_id = ${filter.accountId}`,
        filter.since === undefined ? undefined : sql`at >= ${filter.since}`,
        filter.until === undefined ? undefined : sql`at < ${filter.until}`,
        filter.cursor === undefined ? undefined : sql`id < ${filter.cursor}::bigint`,
      ].filter((condition) => condition !== undefined);
      const where = conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `);
      // One row more than asked tells whether another page exists. Ordered by the bigint column, not
      // the text alias of the same name (which would sort "10" before "6").
      const rows = await queryRows<AuditRow>(deps.em(), sql`
        select id::text as id, at, actor, action, target, before, after, outcome, reason, ip, client_id, account_id
        from audit_events where ${where} order by audit_events.id desc limit ${filter.limit + 1}`);
      const items = rows.slice(0, filter.limit).map(toView);
      return { items, nextCursor: rows.length > filter.limit ? (items.at(-1)?.id ?? null) : null };
    },
  };
}

function toView(row: AuditRow): AuditEventView {
  return {
    id: row.id, at: toDate(row.at).toISOString(), actor: row.actor, action: row.action, target: row.target,
    before: row.before, after: row.after, outcome: row.outcome, reason: row.reason, ip: row.ip,
    clientId: row.client_id, accountId: row.account_id,
  };
}
