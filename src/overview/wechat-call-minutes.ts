/**
 * WeChat calls per minute, endpoint and errcode, kept in PostgreSQL for the console's Overview (issue 14;
 * ADR 0031). A call is counted in memory only — the login path gets no statement (issue 16) — and the
 * counts are added to `wechat_call_minutes` by one upsert per flush (every minute, and at shutdown), so
 * workers and instances add up. A flush that fails keeps its counts for the next one: the upsert is one
 * statement, so it either added all of them or none.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeStatement, queryRows, sql, toDate } from '../db/sql.ts';

/** One finished call: the endpoint, and WeChat's errcode (`0`: success) or our bounded name for a failure without one. */
export interface WeChatCallOutcome {
  readonly endpoint: string;
  readonly errcode: string;
}

export interface WeChatCallCount extends WeChatCallOutcome {
  readonly minute: Date;
  readonly count: number;
}

export interface WeChatCallMinutes {
  /** Counts a call in the current minute of the clock (memory only). */
  count(call: WeChatCallOutcome): void;
  /** Adds the calls counted so far to the table in one statement; on failure they stay for the next flush (and it throws). */
  flush(): Promise<void>;
  /** Deletes the minutes older than the retention (7 days); returns how many rows went. */
  deleteExpired(): Promise<number>;
  /** The stored counts of the minutes in [since, until), oldest first. */
  read(since: Date, until: Date): Promise<WeChatCallCount[]>;
}

export const MINUTE_MS = 60_000;
const RETENTION_MS = 7 * 24 * 60 * MINUTE_MS;
/** Column widths of wechat-call-minute.entity.ts. */
const WIDTH = 32;

export function createWeChatCallMinutes(deps: { em: () => EntityManager; now: () => number }): WeChatCallMinutes {
  let counted = new Map<string, { minute: number; endpoint: string; errcode: string; count: number }>();
  let writing: Promise<void> | undefined;

  function add(minute: number, endpoint: string, errcode: string, count: number): void {
    const key = `${minute}\n${endpoint}\n${errcode}`;
    const row = counted.get(key);
    if (row === undefined) counted.set(key, { minute, endpoint, errcode, count });
    else row.count += count;
  }

  async function write(): Promise<void> {
    const batch = [...counted.values()];
    counted = new Map();
    if (batch.length === 0) return;
    try {
      await executeStatement(deps.em(), sql`
        insert into wechat_call_minutes (minute, endpoint, errcode, count)
        values ${sql.join(batch.map((row) => sql`(${new Date(row.minute)}, ${row.endpoint}, ${row.errcode}, ${row.count})`))}
        on conflict (minute, endpoint, errcode) do update set count = wechat_call_minutes.count + excluded.count`);
    } catch (error) {
      // Nothing of the statement was applied: the counts go back, to be added by the next flush.
      for (const row of batch) add(row.minute, row.endpoint, row.errcode, row.count);
      throw error;
    }
  }

  return {
    count(call) {
      add(Math.floor(deps.now() / MINUTE_MS) * MINUTE_MS, call.endpoint.slice(0, WIDTH), call.errcode.slice(0, WIDTH), 1);
    },

    async flush() {
      // One write at a time: a second flush waits for the first, then writes what came since.
      while (writing !== undefined) await writing.catch(() => undefined);
      writing = write();
      try {
        await writing;
      } finally {
        writing = undefined;
      }
    },

    deleteExpired() {
      return executeStatement(deps.em(), sql`delete from wechat_call_minutes where minute < ${new Date(deps.now() - RETENTION_MS)}`);
    },

    async read(since, until) {
      const rows = await queryRows<{ minute: Date | string; endpoint: string; errcode: string; count: string }>(deps.em(), sql`
        select minute, endpoint, errcode, count::text as count from wechat_call_minutes
        where minute >= ${since} and minute < ${until} order by minute, endpoint, errcode`);
      return rows.map((row) => ({ minute: toDate(row.minute), endpoint: row.endpoint, errcode: row.errcode, count: Number(row.count) }));
    },
  };
}
