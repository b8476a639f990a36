/**
 * The audit log (design.md §6): events of the hot path (every login, refresh and client_credentials
 * grant) and a filtered, cursor-paginated query for GET /admin/v1/audit. Writes are batched the
 * natural way: an event recorded while no write is in flight is inserted at once; events recorded
 * meanwhile wait for it and go together in one multi-row INSERT (under load, one statement for many
 * token requests; bench/README.md). Each event keeps the time it was recorded. Recording never fails
 * the operation it describes: a failed insert is logged loudly instead (a login must not fail
 * because of its audit).
 *
 * One request's input must never erase another's row (issue #15 finding 1): text is made storable
 * and cut to its column before the INSERT (src/db/storable-text.ts), and when PostgreSQL still
 * refuses a batch, its rows are retried one by one, so a bad row loses at most itself. Rows lost
 * are logged and reported to the observer (a metric).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.ts';
import { executeStatement, queryRows, sql, toDate } from '../db/sql.ts';
import { storableJson, storableText } from '../db/storable-text.ts';
import { withoutSecrets } from './audit-redaction.ts';

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly outcome: AuditOutcome;
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
  readonly outcome?: AuditOutcome | undefined;
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

/** Told how many rows each write stored and lost (issue #19's metrics plug in here). */
export interface AuditObserver {
  onRowsWritten(count: number): void;
  onRowsLost(count: number): void;
}

export interface AuditLogDeps {
  readonly em: () => EntityManager;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Told how many rows were written or lost (metrics: design.md §9); must not throw. */
  readonly observer?: AuditObserver | undefined;
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(storableJson(withoutSecrets(value))));

/** Text as the column can hold it: storable, and no longer than the column (audit-event.entity.ts). */
function column(value: string | null | undefined, length: number): string | null {
  return value === undefined || value === null ? null : storableText(value).slice(0, length);
}

function toRow({ entry, at }: Pending) {
  return sql`(${at}, ${column(entry.actor, 160)}, ${column(entry.action, 64)}, ${column(entry.target, 512)}, ${json(entry.before)}::jsonb,
    ${json(entry.after)}::jsonb, ${column(entry.outcome, 16)}, ${column(entry.reason, 128)}, ${column(entry.ip, 64)},
    ${column(entry.clientId, 128)}, ${column(entry.accountId, 64)})`;
}

export function createAuditLog(deps: AuditLogDeps): AuditLog {
  const queue: Pending[] = [];
  let writing: Promise<void> | undefined;

  async function insertRows(batch: readonly Pending[]): Promise<void> {
    await executeStatement(deps.em(), sql`
      insert into audit_events (at, actor, action, target, before, after, outcome, reason, ip, client_id, account_id)
      values ${sql.join(batch.map(toRow))}`);
  }

  async function insert(batch: readonly Pending[]): Promise<void> {
    try {
      await insertRows(batch);
      deps.observer?.onRowsWritten(batch.length);
      return;
    } catch (error) {
      if (batch.length === 1) {
        lost(batch[0], error);
        return;
      }
    }
    // The batch was refused: one row by one, so a row PostgreSQL refuses loses only itself.
    for (const pending of batch) {
      try {
        await insertRows([pending]);
        deps.observer?.onRowsWritten(1);
      } catch (error) {
        lost(pending, error);
      }
    }
  }

  function lost(pending: Pending | undefined, error: unknown): void {
    if (pending === undefined) return;
    const { entry } = pending;
    deps.logger.error({ err: error, audit: { action: column(entry.action, 64), actor: column(entry.actor, 160), outcome: entry.outcome } }, 'audit event could not be recorded');
    deps.observer?.onRowsLost(1);
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
        filter.outcome === undefined ? undefined : sql`outcome = ${filter.outcome}`,
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
