/**
 * /console/clients (issue 14 #3): the list, the choice of a type, and the add form of that type through
 * POST /admin/v1/clients. A new confidential client's secret is shown once, on its page in that response.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { clientPageRenderer } from './client-routes.ts';
import { ADD_FIELDS, createBody, isClientType, typedValues, type ClientType } from './client-form.ts';
import { fieldErrors, loadList, redirectAfterChange, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { clientFormBody, type MiniProgramApp } from './pages/client-form-page.ts';
import { clientsPageBody, type ClientRow } from './pages/clients-page.ts';
import { clientsText } from './pages/clients-text.ts';
import { consoleText } from './pages/console-text.ts';

/** The admin API's page size limit: the select offers the first 200 mini-program apps by appid. */
const APPS_FOR_SELECT = 200;

export function registerClientPages(router: Router, deps: ConsolePageDeps): void {
  const renderClient = clientPageRenderer(deps);

  async function miniProgramApps(request: ConsoleRequest): Promise<MiniProgramApp[] | undefined> {
    const answer = await request.api.call('GET', `/apps?limit=${String(APPS_FOR_SELECT)}`);
    if (answer.kind === 'refused') return (await request.refusedAccess(answer)) ? undefined : [];
    return (answer.body as { items: { appId: string; kind: string; name: string | null }[] }).items.filter((app) => app.kind === 'miniprogram');
  }

  async function renderForm(ctx: Context, request: ConsoleRequest, type: ClientType, form: { values?: Record<string, string>; errors?: Record<string, string> }, status = 200): Promise<void> {
    const miniPrograms = await miniProgramApps(request);
    if (miniPrograms === undefined) return;
    const language = deps.language(ctx);
    const body = clientFormBody({ language, csrfToken: request.session.csrfToken, type, miniPrograms, ...form });
    sendConsolePage(ctx, request, { language, section: 'clients', title: clientsText(language).addTitles[type] ?? '', body, status });
  }

  router.get('/clients', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const list = await loadList<ClientRow>(ctx, request, '/clients');
    if (list === undefined) return;
    const language = deps.language(ctx);
    const removed = typeof ctx.query['removed'] === 'string' && /^[\w.~-]{1,128}$/.test(ctx.query['removed']) ? ctx.query['removed'] : undefined;
    sendConsolePage(ctx, request, { language, section: 'clients', title: consoleText(language).clientsTitle, body: clientsPageBody({ language, list, removed }) });
  });

  router.get('/clients/new', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const { type } = ctx.query;
    if (!isClientType(type)) { redirectAfterChange(ctx, '/console/clients#add-client-title'); return; }
    await renderForm(ctx, request, type, {});
  });

  router.post('/clients', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const type = form.get('type');
    if (!isClientType(type)) { redirectAfterChange(ctx, '/console/clients#add-client-title'); return; }
    const answer = await request.api.call('POST', '/clients', createBody(type, form));
    if (answer.kind === 'ok') {
      // The secret is in this response only: rendered here, never put in a URL or a redirect.
      const created = answer.body as { client: { clientId: string }; clientSecret?: string };
      const secret = created.clientSecret === undefined ? undefined : { value: created.clientSecret, kind: 'added' as const, previousUntil: null };
      await renderClient(ctx, request, created.client.clientId, { secret, added: true }, 201);
      return;
    }
    if (await request.refusedAccess(answer)) return;
    await renderForm(ctx, request, type, { values: typedValues(form, ADD_FIELDS[type]), errors: fieldErrors(answer.message, ADD_FIELDS[type]) }, refusalStatus(answer.status));
  });
}
