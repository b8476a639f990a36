/**
 * /console/resources/<path-encoded uri> (issue 14 #3): edit one resource server (PATCH /admin/v1/resources/:uri)
 * and remove it after a confirmation that names the clients granted it (read from GET /admin/v1/clients).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { escapeHtml as e } from '../pages/html.ts';
import type { PageLanguage } from '../pages/page-language.ts';
import { fieldErrors, redirectAfterChange, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { notice } from './pages/page-parts.ts';
import { resourceEditPageBody, resourcePath, type ResourceEditPage } from './pages/resource-edit-page.ts';
import { RESOURCE_FIELDS, resourceBody, typedValues, type ResourceRow } from './pages/resource-fields.ts';
import { resourcesText } from './pages/resources-text.ts';
import { registerRemovalPages, type ConfirmationPage } from './removal-pages.ts';

/** Clients read to name the ones granted a resource: 5 pages of 200 cover any deployment we know of. */
const CLIENT_PAGES = 5;
const CLIENT_PAGE_SIZE = 200;

export function registerResourceEditPages(router: Router, deps: ConsolePageDeps): void {
  /** The server, or undefined after a page was sent (the refusal page, or "not found" with a way back). */
  async function loadServer(ctx: Context, request: ConsoleRequest, uri: string): Promise<ResourceRow | undefined> {
    const answer = await request.api.call('GET', `/resources/${encodeURIComponent(uri)}`);
    if (answer.kind === 'ok') return answer.body as ResourceRow;
    if (await request.refusedAccess(answer)) return undefined;
    if (answer.status !== 404) throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
    const language = deps.language(ctx);
    const text = resourcesText(language);
    const body = `<section class="card"><h1>${e(text.title)}</h1>${notice('error', text.notFound(uri))}<p><a href="/console/resources">${e(text.back)}</a></p></section>`;
    sendConsolePage(ctx, request, { language, section: 'resources', title: text.title, body, status: 404 });
    return undefined;
  }

  /** The clients whose grants name `uri` (the admin API has no reverse lookup: the client list is read). */
  async function clientsGranted(request: ConsoleRequest, uri: string): Promise<string[]> {
    const granted: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < CLIENT_PAGES; page += 1) {
      const query = new URLSearchParams({ limit: String(CLIENT_PAGE_SIZE), ...(cursor === null ? {} : { cursor }) });
      const answer = await request.api.call('GET', `/clients?${query.toString()}`);
      if (answer.kind !== 'ok') break;
      const list = answer.body as { items: { clientId: string; resources: Record<string, string> }[]; nextCursor: string | null };
      granted.push(...list.items.filter((client) => uri in client.resources).map((client) => client.clientId));
      cursor = list.nextCursor;
      if (cursor === null) break;
    }
    return granted;
  }

  /** The resource's page (its edit form, and the removal's confirmation when asked for) in `language`. */
  const pageOf = (language: PageLanguage, request: ConsoleRequest, page: Omit<ResourceEditPage, 'language' | 'csrfToken'>): ConfirmationPage => ({
    title: resourcesText(language).editTitle(page.server.uri),
    body: resourceEditPageBody({ language, csrfToken: request.session.csrfToken, ...page }),
  });

  function render(ctx: Context, request: ConsoleRequest, page: Omit<ResourceEditPage, 'language' | 'csrfToken'>, status = 200): void {
    const language = deps.language(ctx);
    sendConsolePage(ctx, request, { language, section: 'resources', ...pageOf(language, request, page), status });
  }

  router.get('/resources/:uri', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const server = await loadServer(ctx, request, ctx.params['uri'] ?? '');
    if (server !== undefined) render(ctx, request, { server, saved: ctx.query['saved'] === '1' });
  });

  router.post('/resources/:uri', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const uri = ctx.params['uri'] ?? '';
    const answer = await request.api.call('PATCH', `/resources/${encodeURIComponent(uri)}`, resourceBody(form, false));
    if (answer.kind === 'ok') {
      redirectAfterChange(ctx, `${resourcePath(uri)}?saved=1`);
      return;
    }
    if (await request.refusedAccess(answer)) return;
    const server = await loadServer(ctx, request, uri);
    if (server === undefined) return;
    // The URI is not a field here: a message without a field lands under the first one (scopes).
    const errors = fieldErrors(answer.message, RESOURCE_FIELDS.filter((name) => name !== 'uri'));
    render(ctx, request, { server, form: { values: typedValues(form), errors } }, refusalStatus(answer.status));
  });

  // The confirmation is the resource's own page with a card on top naming the clients that would break.
  registerRemovalPages(router, deps, {
    section: 'resources',
    async confirmation(ctx, request, { id, language, refusal }) {
      const server = await loadServer(ctx, request, id);
      if (server === undefined) return undefined;
      return pageOf(language, request, { server, removal: { clientIds: await clientsGranted(request, server.uri), refused: refusal } });
    },
  });
}
