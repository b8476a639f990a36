/**
 * "Scan with the mini-program" tickets (issue 13 #3, ADR 0019). The browser's interaction issues a
 * ticket; its `scene` travels in the mini-program code; the mini-program user's own token answers it
 * (confirm or reject) once; the browser that showed it completes its interaction with it once. The
 * scene is 24 random bytes (32 base64url characters, getwxacodeunlimit's limit, wechat-api.md §8.6),
 * stored only as a SHA-256 digest; every change is one conditional UPDATE, so concurrent answers and
 * replays find nothing to change. Rows live in PostgreSQL, so any worker or instance can serve any step.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../clock.ts';
import { executeStatement, queryRows, sql, toDate } from '../db/sql.ts';
import { AppError } from '../errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { WeChatImage } from '../wechat/wechat-body.ts';
import { openCode, sealCode } from './sealed-codes.ts';

/** Issue 13 #3: a scan ticket lives 120 s. */
export const WEB_SIGN_IN_TICKET_TTL_SECONDS = 120;
/** A ticket confirmed just before it expired may still be completed by its browser this long after. */
const COMPLETION_GRACE_SECONDS = 60;

export type TicketStatus = 'pending' | 'scanned' | 'confirmed' | 'rejected' | 'expired';

export interface TicketIssue {
  readonly interactionUid: string;
  readonly appId: string;
  readonly clientId: string;
  readonly clientName: string;
}

interface TicketRow { status: string; expires_at: Date | string; app_id: string; client_id: string; client_name: string; completed_at: Date | string | null }

const SCENE = /^[A-Za-z0-9_-]{32}$/;
const digestOf = (scene: string): string => createHash('sha256').update(scene).digest('hex');

export function createWebSignInTickets(deps: { em: () => EntityManager; clock: Clock; audit: Pick<AuditLog, 'record'> }) {
  const now = (): Date => new Date(deps.clock.now());
  const statusOf = (row: TicketRow): TicketStatus => {
    const open = row.status === 'pending' || row.status === 'scanned';
    return open && toDate(row.expires_at).getTime() <= deps.clock.now() ? 'expired' : row.status as TicketStatus;
  };
  const find = async (scene: string): Promise<TicketRow | undefined> => {
    if (!SCENE.test(scene)) return undefined;
    const rows = await queryRows<TicketRow>(deps.em(), sql`
      select status, expires_at, app_id, client_id, client_name, completed_at from web_sign_in_tickets where digest = ${digestOf(scene)}`);
    return rows[0];
  };
  /** The ticket as the mini-program may see it: known, for its app, still open; else why not. */
  const openTicketFor = async (scene: string, appId: string | undefined): Promise<TicketRow & { current: TicketStatus }> => {
    const row = await find(scene);
    if (row === undefined) throw new AppError('web_sign_in.unknown', 'no such web sign-in: scan the code on the sign-in page again');
    if (row.app_id !== appId) throw new AppError('web_sign_in.wrong_app', 'this web sign-in code belongs to another mini-program');
    const current = statusOf(row);
    if (current === 'expired') throw new AppError('web_sign_in.expired', 'the web sign-in code expired: refresh the sign-in page and scan again');
    return { ...row, current };
  };

  return {
    /** A new ticket for the browser interaction; returns its scene. */
    async issue(ticket: TicketIssue): Promise<string> {
      const scene = randomBytes(24).toString('base64url');
      await executeStatement(deps.em(), sql`
        insert into web_sign_in_tickets (digest, interaction_uid, app_id, client_id, client_name, status, expires_at, created_at)
        values (${digestOf(scene)}, ${ticket.interactionUid}, ${ticket.appId}, ${ticket.clientId}, ${ticket.clientName.slice(0, 256)}, 'pending',
                ${new Date(deps.clock.now() + WEB_SIGN_IN_TICKET_TTL_SECONDS * 1000)}, ${now()})`);
      return scene;
    },

    /** Keeps the code WeChat made for `scene`, sealed with it (sealed-codes.ts). */
    async attachCode(scene: string, image: WeChatImage): Promise<void> {
      if (!SCENE.test(scene)) return;
      await executeStatement(deps.em(), sql`
        update web_sign_in_tickets set code_type = ${image.contentType}, code_sealed = ${sealCode(scene, image.bytes)}
        where digest = ${digestOf(scene)}`);
    },

    /** Browser side: the code of this interaction's still open ticket `scene` for `appId`, to show it again; else undefined. */
    async openCodeFor(scene: string, interactionUid: string, appId: string): Promise<WeChatImage | undefined> {
      if (!SCENE.test(scene)) return undefined;
      const rows = await queryRows<{ code_type: string | null; code_sealed: Uint8Array | null }>(deps.em(), sql`
        select code_type, code_sealed from web_sign_in_tickets
        where digest = ${digestOf(scene)} and interaction_uid = ${interactionUid} and app_id = ${appId}
          and status in ('pending', 'scanned') and expires_at > ${now()}`);
      const row = rows[0];
      if (row?.code_sealed == null || (row.code_type !== 'image/png' && row.code_type !== 'image/jpeg')) return undefined;
      const bytes = openCode(scene, row.code_sealed);
      return bytes === undefined ? undefined : { contentType: row.code_type, bytes };
    },

    /** How many tickets this interaction has been issued (each cost a WeChat code). */
    async countFor(interactionUid: string): Promise<number> {
      const rows = await queryRows<{ n: string | number }>(deps.em(), sql`
        select count(*) as n from web_sign_in_tickets where interaction_uid = ${interactionUid}`);
      return Number(rows[0]?.n ?? 0);
    },

    /** Browser side: the ticket's status, only for the interaction that issued it (undefined otherwise). */
    async statusFor(scene: string, interactionUid: string): Promise<TicketStatus | undefined> {
      if (!SCENE.test(scene)) return undefined;
      const rows = await queryRows<TicketRow>(deps.em(), sql`
        select status, expires_at, app_id, client_id, client_name, completed_at from web_sign_in_tickets
        where digest = ${digestOf(scene)} and interaction_uid = ${interactionUid}`);
      const row = rows[0];
      return row === undefined ? undefined : statusOf(row);
    },

    /** Browser side: the confirming account, once, for the interaction that issued the ticket; undefined otherwise. */
    async complete(scene: string, interactionUid: string): Promise<string | undefined> {
      if (!SCENE.test(scene)) return undefined;
      const rows = await queryRows<{ account_id: string }>(deps.em(), sql`
        update web_sign_in_tickets set completed_at = ${now()}
        where digest = ${digestOf(scene)} and interaction_uid = ${interactionUid} and status = 'confirmed' and completed_at is null
          and account_id is not null and expires_at > ${new Date(deps.clock.now() - COMPLETION_GRACE_SECONDS * 1000)}
        returning account_id`);
      return rows[0]?.account_id;
    },

    /** Phone side, on opening the scanned page: marks the ticket scanned and names the client to show. */
    async inspect(scene: string, appId: string | undefined): Promise<{ clientId: string; clientName: string; status: TicketStatus }> {
      const row = await openTicketFor(scene, appId);
      if (row.current === 'pending') {
        await executeStatement(deps.em(), sql`update web_sign_in_tickets set status = 'scanned' where digest = ${digestOf(scene)} and status = 'pending'`);
      }
      return { clientId: row.client_id, clientName: row.client_name, status: row.current === 'pending' ? 'scanned' : row.current };
    },

    /** Phone side: confirms (as `accountId`) or rejects an open ticket of `appId`, exactly once; audited either way. */
    async answer(scene: string, input: { appId: string | undefined; accountId: string; callerClientId: string; answer: 'confirmed' | 'rejected' }): Promise<{ clientId: string; clientName: string }> {
      const action = input.answer === 'confirmed' ? 'web_sign_in.confirm' : 'web_sign_in.reject';
      const entry = { actor: input.callerClientId, action, accountId: input.accountId, clientId: input.callerClientId };
      try {
        const answered = await answerOnce(scene, input);
        await deps.audit.record({ ...entry, outcome: 'success', target: answered.clientId, after: { appId: input.appId } });
        return answered;
      } catch (error) {
        if (error instanceof AppError) await deps.audit.record({ ...entry, outcome: 'failure', reason: error.code, target: null });
        throw error;
      }
    },

    /** Housekeeping: removes tickets expired for longer than the completion grace; returns how many. */
    deleteExpired(): Promise<number> {
      return executeStatement(deps.em(), sql`
        delete from web_sign_in_tickets where expires_at < ${new Date(deps.clock.now() - COMPLETION_GRACE_SECONDS * 1000)}`);
    },
  };

  async function answerOnce(scene: string, input: { appId: string | undefined; accountId: string; answer: 'confirmed' | 'rejected' }): Promise<{ clientId: string; clientName: string }> {
    const row = await openTicketFor(scene, input.appId);
    const changed = await executeStatement(deps.em(), sql`
      update web_sign_in_tickets set status = ${input.answer}, account_id = ${input.answer === 'confirmed' ? input.accountId : null}
      where digest = ${digestOf(scene)} and status in ('pending', 'scanned') and expires_at > ${now()}`);
    if (changed === 0) {
      const again = await find(scene);
      const expired = again !== undefined && statusOf(again) === 'expired';
      throw expired
        ? new AppError('web_sign_in.expired', 'the web sign-in code expired: refresh the sign-in page and scan again')
        : new AppError('web_sign_in.used', 'this web sign-in was already confirmed or rejected');
    }
    return { clientId: row.client_id, clientName: row.client_name };
  }
}

export type WebSignInTickets = ReturnType<typeof createWebSignInTickets>;
