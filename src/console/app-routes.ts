/**
 * /console/apps/<appId> (issue 14 #3): one WeChat app — edit it (PATCH /admin/v1/apps/:appId, no secret
 * needed), its account settings (PATCH …/account-settings), replace its AppSecret (POST …/rotate-secret,
 * then "check" proves it), remove it after a confirmation step (DELETE; refused while a client is bound).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { escapeHtml as e } from '../pages/html.ts';
import { fieldErrors, redirectAfterChange, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { APP_DONE, appPageBody, type AppPage, type AppView } from './pages/app-page.ts';
import { appsText } from './pages/apps-text.ts';
import { notice } from './pages/page-parts.ts';
import { registerRemovalPages, wordedConfirmation } from './removal-pages.ts';

type AppPageExtra = Pick<AppPage, 'done' | 'checked' | 'edit' | 'settings' | 'secret'>;

const apiPath = (appId: string): string => `/apps/${encodeURIComponent(appId)}`;
const pagePath = (appId: string): string => `/console${apiPath(appId)}`;

/** Sends the app's page (with `extra`), or a "no such app" page when the admin API knows none. */
export function appPageRenderer(deps: ConsolePageDeps) {
  return async (ctx: Context, request: ConsoleRequest, appId: string, extra: AppPageExtra, status = 200): Promise<void> => {
    const language = deps.language(ctx);
    const words = appsText(language);
    const answer = await request.api.call('GET', apiPath(appId));
    if (answer.kind === 'refused') {
      if (await request.refusedAccess(answer)) return;
      if (answer.status !== 404) throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
      const body = `<section class="card"><h1 class="break">${e(words.appTitle(appId))}</h1>${notice('error', words.notFound(appId))}<p><a href="/console/apps">${e(words.backToApps)}</a></p></section>`;
      sendConsolePage(ctx, request, { language, section: 'apps', title: words.appTitle(appId), body, status: 404 });
      return;
    }
    const body = appPageBody({ language, csrfToken: request.session.csrfToken, app: answer.body as AppView, ...extra });
    sendConsolePage(ctx, request, { language, section: 'apps', title: words.appTitle(appId), body, status });
  };
}

export function registerAppEditPages(router: Router, deps: ConsolePageDeps): void {
  const render = appPageRenderer(deps);
  router.get('/apps/:appId', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const done = APP_DONE.find((value) => value === ctx.query['done']);
    await render(ctx, request, ctx.params['appId'] ?? '', { done });
  });

  router.post('/apps/:appId', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const appId = ctx.params['appId'] ?? '';
    // An emptied field clears the value (null); a field the form does not show is left as it is.
    const cleared = (name: string): Record<string, string | null> => {
      const value = form.get(name);
      return value === null ? {} : { [name]: value.trim() === '' ? null : value.trim() };
    };
    const body = { ...cleared('name'), ...cleared('openPlatformId'), ...cleared('webSignInPage') };
    const answer = await request.api.call('PATCH', apiPath(appId), body);
    if (answer.kind === 'ok') { redirectAfterChange(ctx, `${pagePath(appId)}?done=updated`); return; }
    if (await request.refusedAccess(answer)) return;
    const values = Object.fromEntries(Object.entries(body).map(([name, value]) => [name, value ?? '']));
    await render(ctx, request, appId, { edit: { values, errors: fieldErrors(answer.message, Object.keys(body)) } }, refusalStatus(answer.status));
  });

  router.post('/apps/:appId/account-settings', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const appId = ctx.params['appId'] ?? '';
    const body = { linkByVerifiedPhone: form.get('linkByVerifiedPhone') === 'yes', newAccountsAllowed: form.get('newAccountsAllowed') === 'yes', unionIdConflict: form.get('unionIdConflict') ?? '' };
    const answer = await request.api.call('PATCH', `${apiPath(appId)}/account-settings`, body);
    if (answer.kind === 'ok') { redirectAfterChange(ctx, `${pagePath(appId)}?done=settings`); return; }
    if (await request.refusedAccess(answer)) return;
    const values = { linkByVerifiedPhone: body.linkByVerifiedPhone ? 'yes' : '', newAccountsAllowed: body.newAccountsAllowed ? 'yes' : '', unionIdConflict: body.unionIdConflict };
    await render(ctx, request, appId, { settings: { values, errors: fieldErrors(answer.message, ['unionIdConflict', 'linkByVerifiedPhone', 'newAccountsAllowed']) } }, refusalStatus(answer.status));
  });

  router.post('/apps/:appId/rotate-secret', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const appId = ctx.params['appId'] ?? '';
    const answer = await request.api.call('POST', `${apiPath(appId)}/rotate-secret`, { secret: form.get('secret') ?? '' });
    if (answer.kind === 'ok') { redirectAfterChange(ctx, `${pagePath(appId)}?done=secret`); return; }
    if (await request.refusedAccess(answer)) return;
    // The typed secret is never sent back into the page.
    await render(ctx, request, appId, { secret: { values: {}, errors: fieldErrors(answer.message, ['secret']) } }, refusalStatus(answer.status));
  });

  registerRemovalPages(router, deps, { section: 'apps', confirmation: wordedConfirmation('apps', appsText) });
}
