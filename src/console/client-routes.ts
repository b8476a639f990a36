/**
 * /console/clients/<clientId> (issue 14 #3): one client — edit its scopes and resources (PATCH with the
 * version read; a stale one shows the API's 409 message over the current values), rotate its secret
 * with an overlap (the new secret shown once in that response, with a copy button), and remove it after
 * a confirmation step (DELETE revokes its grants and refresh tokens).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { escapeHtml as e } from '../pages/html.ts';
import { EDIT_FIELDS, typedValues, updateBody } from './client-form.ts';
import { fieldErrors, redirectAfterChange, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { clientPageBody, OVERLAPS, type ClientPage, type ClientView } from './pages/client-page.ts';
import { clientsText } from './pages/clients-text.ts';
import { COPY_SECRET_SCRIPT } from './pages/copy-secret.ts';
import { notice } from './pages/page-parts.ts';
import { registerRemovalPages, wordedConfirmation } from './removal-pages.ts';

type ClientPageExtra = Pick<ClientPage, 'done' | 'added' | 'secret' | 'edit' | 'rotateRefusal'>;

const apiPath = (clientId: string): string => `/clients/${encodeURIComponent(clientId)}`;
const pagePath = (clientId: string): string => `/console${apiPath(clientId)}`;

/** Sends the client's page (with `extra`), or a "no such client" page; answers the client shown. */
export function clientPageRenderer(deps: ConsolePageDeps) {
  return async (ctx: Context, request: ConsoleRequest, clientId: string, extra: ClientPageExtra, status = 200): Promise<ClientView | undefined> => {
    const language = deps.language(ctx);
    const words = clientsText(language);
    const answer = await request.api.call('GET', apiPath(clientId));
    if (answer.kind === 'refused') {
      if (await request.refusedAccess(answer)) return undefined;
      if (answer.status !== 404) throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
      const body = `<section class="card"><h1 class="break">${e(words.clientTitle(clientId))}</h1>${notice('error', words.notFound(clientId))}<p><a href="/console/clients">${e(words.backToClients)}</a></p></section>`;
      sendConsolePage(ctx, request, { language, section: 'clients', title: words.clientTitle(clientId), body, status: 404 });
      return undefined;
    }
    const client = answer.body as ClientView;
    const body = clientPageBody({ language, csrfToken: request.session.csrfToken, client, ...extra });
    sendConsolePage(ctx, request, {
      language, section: 'clients', title: words.clientTitle(clientId), body, status,
      // The copy button exists only where a secret is shown once.
      ...(extra.secret === undefined ? {} : { script: COPY_SECRET_SCRIPT }),
    });
    return client;
  };
}

export function registerClientEditPages(router: Router, deps: ConsolePageDeps): void {
  const render = clientPageRenderer(deps);
  router.get('/clients/:clientId', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    await render(ctx, request, ctx.params['clientId'] ?? '', { done: ctx.query['done'] === 'updated' ? 'updated' : undefined });
  });

  router.post('/clients/:clientId', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const clientId = ctx.params['clientId'] ?? '';
    const type = form.get('scope') === null ? 'service' : 'other';
    const answer = await request.api.call('PATCH', apiPath(clientId), updateBody(type, form));
    if (answer.kind === 'ok') { redirectAfterChange(ctx, `${pagePath(clientId)}?done=updated`); return; }
    if (await request.refusedAccess(answer)) return;
    // A stale version: the page shows the client as it is now, so the change is made again over current values.
    const edit = answer.status === 409
      ? { errors: {}, conflict: answer.message }
      : { values: typedValues(form, EDIT_FIELDS), errors: fieldErrors(answer.message, type === 'service' ? EDIT_FIELDS.slice(1) : EDIT_FIELDS) };
    await render(ctx, request, clientId, { edit }, refusalStatus(answer.status));
  });

  router.post('/clients/:clientId/rotate-secret', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const clientId = ctx.params['clientId'] ?? '';
    const overlapSeconds = Number(form.get('overlapSeconds'));
    const answer = await request.api.call('POST', `${apiPath(clientId)}/rotate-secret`, { overlapSeconds: (OVERLAPS as readonly number[]).includes(overlapSeconds) ? overlapSeconds : -1 });
    if (answer.kind === 'refused') {
      if (await request.refusedAccess(answer)) return;
      await render(ctx, request, clientId, { rotateRefusal: answer.message }, refusalStatus(answer.status));
      return;
    }
    const rotated = answer.body as { clientSecret: string; previousSecretsExpireAt: string | null };
    // Shown in this response only (never in a URL); with no overlap the old secret has already stopped.
    const previousUntil = overlapSeconds === 0 ? null : rotated.previousSecretsExpireAt;
    await render(ctx, request, clientId, { secret: { value: rotated.clientSecret, kind: 'rotated', previousUntil } });
  });

  registerRemovalPages(router, deps, { section: 'clients', confirmation: wordedConfirmation('clients', clientsText) });
}
