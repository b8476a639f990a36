/**
 * The browser's side of "scan with the mini-program" (issue 13 #3, ADR 0019): show a code for a fresh
 * ticket of this interaction, answer the page's long poll with the ticket's state, and complete the
 * interaction as the account that confirmed on the phone. Every step finds the ticket only through the
 * interaction of the browser's own signed cookie, so a scene carried to another browser completes nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from 'koa';
import type { MiniProgramCodes } from '../../web-sign-ins/miniprogram-codes.ts';
import type { WeChatImage } from '../../wechat/wechat-body.ts';
import type { Verdict } from '../../rate-limits/token-rate-limits.ts';
import { WEB_SIGN_IN_TICKET_TTL_SECONDS, type TicketStatus, type WebSignInTickets } from '../../web-sign-ins/web-sign-in-tickets.ts';
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
/**
 * Codes one interaction may mint (issue #13): the first, and a few "scan again" after expiry or a
 * rejection. Each is a getwxacodeunlimit call against the app's per-minute frequency limit.
 */
export const MAX_CODES_PER_INTERACTION = 5;
/** Holds the scene of the interaction's live ticket, so a reload shows the same code (path-scoped to the interaction). */
const SCENE_COOKIE = 'wxbridge.scan';

export interface ScanDeps {
  readonly tickets: Pick<WebSignInTickets, 'issue' | 'statusFor' | 'complete' | 'attachCode' | 'openCodeFor' | 'countFor'>;
  readonly codes: Pick<MiniProgramCodes, 'codeFor'>;
  /** The per-address limit on minted codes (WXBRIDGE_RATE_LIMIT_SCAN_CODES_PER_IP), checked before WeChat is called. */
  readonly checkScanCode: (ip: string) => Promise<Verdict>;
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
    /**
     * The page with the code of this interaction's live ticket: the same one again on a reload (no WeChat
     * call); a new one only when there is none (first visit, expired, answered), within the limits.
     */
    async show(ctx: Context, interaction: ScanInteraction, miniProgram: { appId: string; page: string }): Promise<void> {
      const base = `/interaction/${interaction.uid}`;
      const render = (scene: string, image: WeChatImage): void => {
        sendPage(ctx, 200, scanPage({
          language: interaction.language, clientName: interaction.clientName, scene,
          image: { contentType: image.contentType, base64: Buffer.from(image.bytes).toString('base64') },
          statusUrl: `${base}/scan/${scene}/status`, completeUrl: `${base}/scan/${scene}/complete`,
          againHref: `${base}/wechat/miniprogram-scan`, methodsHref: base,
        }));
      };
      const kept = ctx.cookies.get(SCENE_COOKIE, { signed: true });
      const keptImage = kept === undefined ? undefined : await deps.tickets.openCodeFor(kept, interaction.uid, miniProgram.appId);
      if (kept !== undefined && keptImage !== undefined) {
        render(kept, keptImage);
        return;
      }
      if (await deps.tickets.countFor(interaction.uid) >= MAX_CODES_PER_INTERACTION) {
        fail(ctx, 'throttled', { uid: interaction.uid });
        return;
      }
      const verdict = await deps.checkScanCode(ctx.ip);
      if (verdict.limited) {
        ctx.set('Retry-After', String(verdict.retryAfterSeconds));
        fail(ctx, 'throttled', { uid: interaction.uid });
        return;
      }
      const scene = await deps.tickets.issue({ interactionUid: interaction.uid, appId: miniProgram.appId, clientId: interaction.clientId, clientName: interaction.clientName });
      let image: WeChatImage;
      try {
        image = await deps.codes.codeFor({ appId: miniProgram.appId, scene, page: miniProgram.page });
      } catch (error) {
        const failure = failureOf(error);
        if (failure === undefined || failure === 'snapshot') throw error;
        deps.logger.warn({ err: error, appId: miniProgram.appId, failure }, 'the mini-program code for a web sign-in could not be made');
        fail(ctx, failure, { uid: interaction.uid, reference: (error as { code?: string }).code });
        return;
      }
      await deps.tickets.attachCode(scene, image);
      ctx.cookies.set(SCENE_COOKIE, scene, {
        signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: base, maxAge: WEB_SIGN_IN_TICKET_TTL_SECONDS * 1000, overwrite: true,
      });
      render(scene, image);
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
