/** /console/clients (issue 14 #3): list clients and add a web client through GET/POST /admin/v1/clients. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { fieldErrors, loadList, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { clientsPageBody, type ClientRow, type ClientsPage } from './pages/clients-page.ts';
import { consoleText } from './pages/console-text.ts';

const FIELDS = ['clientId', 'name', 'redirectUris', 'postLogoutRedirectUris'] as const;

const lines = (value: string | null): string[] => (value ?? '').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');

export function registerClientPages(router: Router, deps: ConsolePageDeps): void {
  async function render(ctx: Context, request: ConsoleRequest, extra: Pick<ClientsPage, 'added' | 'form'>, status = 200): Promise<void> {
    const list = await loadList<ClientRow>(ctx, request, '/clients');
    if (list === undefined) return;
    const language = deps.language(ctx);
    const body = clientsPageBody({ language, csrfToken: request.session.csrfToken, list, ...extra });
    sendConsolePage(ctx, request, { language, section: 'clients', title: consoleText(language).clientsTitle, body, status });
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
    await render(ctx, request, { form: { values, errors: fieldErrors(answer.message, FIELDS) } }, refusalStatus(answer.status));
  });
}
