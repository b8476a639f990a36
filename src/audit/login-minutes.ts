/**
 * Logins per minute from the audit log (issue 14, the console's Overview): every token-endpoint login
 * is already an audit event (src/oidc/token-endpoint/token-audit.ts), so counting them costs the login
 * nothing. One statement over the index audit_events__action_at.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows, sql, toDate } from '../db/sql.ts';

/** The audit actions of a login: a mini-program's WeChat code, a browser's authorization code. */
export const LOGIN_ACTIONS = ['login.wechat', 'login.authorization_code'] as const;

export interface LoginCount {
  readonly minute: Date;
  readonly action: string;
  readonly outcome: 'success' | 'failure';
  /** The OAuth error of a failure (null for a success). */
  readonly reason: string | null;
  readonly count: number;
}

/** Logins in [since, until) per minute, action, outcome and reason, oldest first (minutes without a login are absent). */
export async function countLoginsPerMinute(em: EntityManager, since: Date, until: Date): Promise<LoginCount[]> {
  const rows = await queryRows<{ minute: Date | string; action: string; outcome: string; reason: string | null; count: string }>(em, sql`
    select date_trunc('minute', at) as minute, action, outcome, reason, count(*)::text as count
    from audit_events
    where action in (${sql.join([...LOGIN_ACTIONS])}) and at >= ${since} and at < ${until}
    group by 1, action, outcome, reason
    order by 1`);
  return rows.map((row) => ({
    minute: toDate(row.minute), action: row.action, outcome: row.outcome === 'success' ? 'success' : 'failure', reason: row.reason, count: Number(row.count),
  }));
}
