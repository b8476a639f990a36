/**
 * Remove one thing of a console section after a confirmation step (issue 14 #3), written once for apps,
 * clients and resource servers: GET /console/<section>/<id>/remove asks, POST (CSRF-checked) sends
 * DELETE /admin/v1/<section>/<id>, then goes back to /console/<section>?removed=<id>; a refusal shows
 * the confirmation again with the API's message, under the refusal's status.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { PageLanguage } from '../pages/page-language.ts';
import { redirectAfterChange, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { removalConfirmationBody, type RemovalWords } from './pages/removal-page.ts';

/** A confirmation page's title and body (the console frame goes around it). */
export interface ConfirmationPage { readonly title: string; readonly body: string }

/**
 * The confirmation of `id`, with the API's `refusal` after a refused try; undefined when another page
 * was sent instead (the thing is gone, the admin's access was refused).
 */
export type Confirmation = (ctx: Context, request: ConsoleRequest, asked: { id: string; language: PageLanguage; refusal?: string | undefined }) => Promise<ConfirmationPage | undefined>;

/** The section's console and admin API paths, and its list page, are all named after it (console-layout.ts). */
export interface RemovalPages { readonly section: 'apps' | 'clients' | 'resources'; readonly confirmation: Confirmation }

const thingPath = (section: string, id: string): string => `/${section}/${encodeURIComponent(id)}`;

/** A confirmation made of the section's words only (removal-page.ts). */
export const wordedConfirmation = (section: RemovalPages['section'], words: (language: PageLanguage) => RemovalWords): Confirmation =>
  (_ctx, request, { id, language, refusal }) => {
    const sectionWords = words(language);
    const body = removalConfirmationBody({ words: sectionWords, csrfToken: request.session.csrfToken, id, path: `/console${thingPath(section, id)}`, refusal });
    return Promise.resolve({ title: sectionWords.confirmRemoveTitle(id), body });
  };

export function registerRemovalPages(router: Router, deps: ConsolePageDeps, pages: RemovalPages): void {
  const { section, confirmation } = pages;
  const send = async (ctx: Context, request: ConsoleRequest, id: string, refused?: { message: string; status: number }): Promise<void> => {
    const language = deps.language(ctx);
    const page = await confirmation(ctx, request, { id, language, refusal: refused?.message });
    if (page === undefined) return;
    sendConsolePage(ctx, request, { language, section, ...page, ...(refused === undefined ? {} : { status: refusalStatus(refused.status) }) });
  };

  router.get(`/${section}/:id/remove`, async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    await send(ctx, request, ctx.params['id'] ?? '');
  });

  router.post(`/${section}/:id/remove`, async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request } = posted;
    const id = ctx.params['id'] ?? '';
    const answer = await request.api.call('DELETE', thingPath(section, id));
    if (answer.kind === 'ok') {
      redirectAfterChange(ctx, `/console/${section}?${new URLSearchParams({ removed: id }).toString()}`);
      return;
    }
    if (await request.refusedAccess(answer)) return;
    await send(ctx, request, id, answer);
  });
}
