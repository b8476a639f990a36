/**
 * Runs an admin change and records it (design.md §6): who (the actor), what (action, target), the
 * state before and after (admin views, which never hold secrets), and the outcome — failures too,
 * with their error code.
 */
import type { AuditLog } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';

export interface AdminActor {
  /** The admin client_id (API) or `cli:<os user>` (CLI). */
  readonly actor: string;
  readonly ip?: string | undefined;
  readonly clientId?: string | undefined;
}

export interface Change<T> {
  readonly action: string;
  readonly target: string;
  readonly run: () => Promise<T>;
  /** The state before; a failure to read it (e.g. not found yet) records null. */
  readonly before?: () => Promise<unknown>;
  /** The state after; defaults to the result. */
  readonly after?: (result: T) => Promise<unknown>;
  readonly accountId?: string | undefined;
}

export type Audited = <T>(change: Change<T>) => Promise<T>;

export function createAudited(audit: Pick<AuditLog, 'record'>, who: AdminActor): Audited {
  return async (change) => {
    const base = { actor: who.actor, ip: who.ip, clientId: who.clientId, action: change.action, target: change.target, accountId: change.accountId };
    const before = change.before === undefined ? undefined : await change.before().catch(() => null);
    try {
      const result = await change.run();
      const after = change.after === undefined ? result : await change.after(result).catch(() => null);
      await audit.record({ ...base, before, after, outcome: 'success' });
      return result;
    } catch (error) {
      await audit.record({ ...base, before, outcome: 'failure', reason: error instanceof AppError ? error.code : 'error' });
      throw error;
    }
  };
}
