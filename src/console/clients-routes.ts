/** /console/clients (issue 14 #3): list clients and add a web client through GET/POST /admin/v1/clients. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { sendPage } from '../pages/html.ts';
import { fieldErrors, type ConsolePageDeps } from './apps-routes.ts';
import type { ConsoleRequest } from './console-routes.ts';
import { clientsPageBody, type ClientRow, type ClientsPage } from './pages/clients-page.ts';
import { consolePage } from './pages/console-layout.ts';
import { consoleText } from './pages/console-text.ts';

const PAGE_SIZE = 20;
const FIELDS = ['clientId', 'name', 'redirectUris', 'postLogoutRedirectUris'] as const;

const lines = (value: string | null): string[] => (value ?? '').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');

export function registerClientPages(router: Router, deps: ConsolePageDeps): void {
  async function render(ctx: Context, request: ConsoleRequest, extra: Pick<ClientsPage, 'added' | 'form'>, status = 200): Promise<void> {
    const cursor = typeof ctx.query['cursor'] === 'string' ? ctx.query['cursor'] : undefined;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor === undefined ? {} : { cursor }) });
    const answer = await request.api.call('GET', `/clients?${query.toString()}`);
    if (answer.kind === 'refused') {
      if (await request.refusedAccess(answer)) return;
      throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
    }
    const list = answer.body as { items: ClientRow[]; nextCursor: string | null };
    const language = deps.language(ctx);
    const body = clientsPageBody({ language, csrfToken: request.session.csrfToken, clients: list.items, nextCursor: list.nextCursor, isFirstPage: cursor === undefined, ...extra });
    sendPage(ctx, status, consolePage({ language, title: consoleText(language).clientsTitle, current: 'clients', accountId: request.session.accountId, csrfToken: request.session.csrfToken, body }));
  }

  router.get('/clients', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    await render(ctx, request, {});
  });

  router.post('/clients', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const form = await deps.checkedForm(ctx, request);
    if (form === undefined) return;
    const name = form.get('name')?.trim() ?? '';
    const body = {
      type: 'web', clientId: form.get('clientId')?.trim() ?? '', ...(name === '' ? {} : { name }),
      redirectUris: lines(form.get('redirectUris')), postLogoutRedirectUris: lines(form.get('postLogoutRedirectUris')),
      firstParty: form.get('firstParty') === 'yes', scope: 'openid profile',
    };
    const answer = await request.api.call('POST', '/clients', body);
    if (answer.kind === 'ok') {
      // The secret is in this response only: rendered here, never put in a URL or a redirect.
      const created = answer.body as { client: { clientId: string }; clientSecret?: string };
      await render(ctx, request, { added: { clientId: created.client.clientId, secret: created.clientSecret } }, 201);
      return;
    }
    if (await request.refusedAccess(answer)) return;
    const values = { clientId: body.clientId, name, redirectUris: form.get('redirectUris') ?? '', postLogoutRedirectUris: form.get('postLogoutRedirectUris') ?? '', firstParty: body.firstParty ? 'yes' : '' };
    await render(ctx, request, { form: { values, errors: fieldErrors(answer.message, FIELDS) } }, answer.status >= 500 ? 502 : answer.status);
  });
}
