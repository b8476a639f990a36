/**
 * The browser's side of "scan with the mini-program" (issue 13 #3, ADR 0019): show a code for a fresh
 * ticket of this interaction, answer the page's long poll with the ticket's state, and complete the
 * interaction as the account that confirmed on the phone. Every step finds the ticket only through the
 * interaction of the browser's own signed cookie, so a scene carried to another browser completes nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'koa';
import type { MiniProgramCodes } from '../../web-sign-ins/miniprogram-codes.ts';
import type { TicketStatus, WebSignInTickets } from '../../web-sign-ins/web-sign-in-tickets.ts';
import type { Logger } from '../../logger.ts';
import { sendPage } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import type { FailureClass } from './pages/page-text.ts';
import { scanPage } from './pages/scan-page.ts';
import { failureOf } from './sign-in-failures.ts';

/** How long one poll is held while nothing changes (below common proxy idle timeouts of 30–60 s). */
const LONG_POLL_MS = 20_000;
const RECHECK_MS = 500;
const SCENE = /^[A-Za-z0-9_-]{32}$/;
const OPEN = new Set<TicketStatus>(['pending', 'scanned']);

export interface ScanDeps {
  readonly tickets: Pick<WebSignInTickets, 'issue' | 'statusFor' | 'complete'>;
  readonly codes: Pick<MiniProgramCodes, 'codeFor'>;
  readonly logger: Logger;
}

export interface ScanInteraction {
  readonly uid: string;
  readonly clientId: string;
  readonly clientName: string;
  readonly language: PageLanguage;
}

export function createScanHandlers(deps: ScanDeps, fail: (ctx: Context, failure: FailureClass, options: { uid?: string; status?: number; reference?: string | undefined }) => void) {
  return {
    /** The page with a new ticket's code. */
    async show(ctx: Context, interaction: ScanInteraction, miniProgram: { appId: string; page: string }): Promise<void> {
      const base = `/interaction/${interaction.uid}`;
      const scene = await deps.tickets.issue({ interactionUid: interaction.uid, appId: miniProgram.appId, clientId: interaction.clientId, clientName: interaction.clientName });
      try {
        const image = await deps.codes.codeFor({ appId: miniProgram.appId, scene, page: miniProgram.page });
        sendPage(ctx, 200, scanPage({
          language: interaction.language, clientName: interaction.clientName, scene,
          image: { contentType: image.contentType, base64: Buffer.from(image.bytes).toString('base64') },
          statusUrl: `${base}/scan/${scene}/status`, completeUrl: `${base}/scan/${scene}/complete`,
          againHref: `${base}/wechat/miniprogram-scan`, methodsHref: base,
        }));
      } catch (error) {
        const failure = failureOf(error);
        if (failure === undefined || failure === 'snapshot') throw error;
        deps.logger.warn({ err: error, appId: miniProgram.appId, failure }, 'the mini-program code for a web sign-in could not be made');
        fail(ctx, failure, { uid: interaction.uid, reference: (error as { code?: string }).code });
      }
    },

    /** Long poll: answers the ticket's state as soon as it differs from `known`, or after LONG_POLL_MS. */
    async status(ctx: Context, uid: string, scene: string): Promise<void> {
      const known = typeof ctx.query['known'] === 'string' ? ctx.query['known'] : 'pending';
      // Set from the 'close' listener: an object, so the loop re-reads it after each await.
      const connection = { gone: false };
      ctx.res.once('close', () => { connection.gone = true; });
      // Wall time, not the injected clock: this bounds how long a connection is held, not a ticket's life.
      const deadline = Date.now() + LONG_POLL_MS;
      let status = SCENE.test(scene) ? await deps.tickets.statusFor(scene, uid) : undefined;
      while (status !== undefined && status === known && OPEN.has(status) && !connection.gone && Date.now() < deadline) {
        await sleep(RECHECK_MS);
        status = await deps.tickets.statusFor(scene, uid);
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.status = status === undefined ? 404 : 200;
      ctx.body = { status: status ?? 'lost' };
    },

    /** The account that confirmed this interaction's ticket, once; undefined after an error page. */
    async complete(ctx: Context, uid: string, scene: string): Promise<string | undefined> {
      const accountId = await deps.tickets.complete(scene, uid);
      if (accountId === undefined) fail(ctx, 'state', { uid });
      return accountId;
    },
  };
}
