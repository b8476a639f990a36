/**
 * /console/resources (issue 14 #3): list and add resource servers through GET/POST /admin/v1/resources;
 * one server's edit and removal pages are in resource-edit-routes.ts.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { fieldErrors, loadList, redirectAfterChange, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { registerResourceEditPages } from './resource-edit-routes.ts';
import { RESOURCE_FIELDS, resourceBody, typedValues, type ResourceRow } from './pages/resource-fields.ts';
import { resourcesPageBody, type ResourcesPage } from './pages/resources-page.ts';
import { resourcesText } from './pages/resources-text.ts';

/** Where verifiers fetch the public keys: the issuer's /jwks (the admin audience is `<issuer>/admin/v1`). */
export const jwksUrlOf = (adminAudience: string): string => `${adminAudience.replace(/\/admin\/v1$/, '')}/jwks`;

/** A URI from our own redirect's query, shown in a notice only when it looks like one. */
const uriParam = (value: unknown): string | undefined => (typeof value === 'string' && URL.canParse(value) ? value : undefined);

export function registerResourcePages(router: Router, deps: ConsolePageDeps): void {
  async function render(ctx: Context, request: ConsoleRequest, extra: Pick<ResourcesPage, 'done' | 'form'>, status = 200): Promise<void> {
    const list = await loadList<ResourceRow>(ctx, request, '/resources');
    if (list === undefined) return;
    const language = deps.language(ctx);
    const body = resourcesPageBody({ language, csrfToken: request.session.csrfToken, list, adminAudience: deps.adminAudience, jwksUrl: jwksUrlOf(deps.adminAudience), ...extra });
    sendConsolePage(ctx, request, { language, section: 'resources', title: resourcesText(language).title, body, status });
  }

  router.get('/resources', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const added = uriParam(ctx.query['added']);
    const removed = uriParam(ctx.query['removed']);
    const done = added === undefined ? (removed === undefined ? undefined : { kind: 'removed' as const, uri: removed }) : { kind: 'added' as const, uri: added };
    await render(ctx, request, { done });
  });

  router.post('/resources', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const body = resourceBody(form, true);
    const answer = await request.api.call('POST', '/resources', body);
    if (answer.kind === 'ok') {
      redirectAfterChange(ctx, `/console/resources?${new URLSearchParams({ added: (answer.body as ResourceRow).uri }).toString()}`);
      return;
    }
    if (await request.refusedAccess(answer)) return;
    await render(ctx, request, { form: { values: typedValues(form), errors: fieldErrors(answer.message, RESOURCE_FIELDS) } }, refusalStatus(answer.status));
  });

  registerResourceEditPages(router, deps);
}
