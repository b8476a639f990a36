/** /console/apps (issue 14 #3): list and add WeChat apps through GET/POST /admin/v1/apps, and check one (from the list or its page). */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { appPageRenderer } from './app-routes.ts';
import { fieldErrors, loadList, redirectAfterChange, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { appsPageBody, type AppRow, type AppsPage } from './pages/apps-page.ts';
import { consoleText } from './pages/console-text.ts';

const FIELDS = ['appId', 'kind', 'secret', 'name', 'openPlatformId'] as const;

export function registerAppPages(router: Router, deps: ConsolePageDeps): void {
  const renderApp = appPageRenderer(deps);
  async function render(ctx: Context, request: ConsoleRequest, extra: Pick<AppsPage, 'saved' | 'removed' | 'form' | 'checked'>, status = 200): Promise<void> {
    const list = await loadList<AppRow>(ctx, request, '/apps');
    if (list === undefined) return;
    const language = deps.language(ctx);
    const body = appsPageBody({ language, csrfToken: request.session.csrfToken, list, ...extra });
    sendConsolePage(ctx, request, { language, section: 'apps', title: consoleText(language).appsTitle, body, status });
  }

  router.get('/apps', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const appIdIn = (name: string): string | undefined => { const value = ctx.query[name]; return typeof value === 'string' && /^wx[0-9a-f]{16}$/.test(value) ? value : undefined; };
    await render(ctx, request, { saved: appIdIn('saved'), removed: appIdIn('removed') });
  });

  router.post('/apps/:appId/check', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const appId = ctx.params['appId'] ?? '';
    const answer = await request.api.call('POST', `/apps/${encodeURIComponent(appId)}/check`);
    if (answer.kind === 'refused' && (await request.refusedAccess(answer))) return;
    const checked = answer.kind === 'ok' ? (answer.body as { appId: string; diagnosis: string; errcode: number | null }) : { appId, problem: answer.message };
    // The app's own page asks from there (after a new secret, to prove it): the answer is shown there.
    if (form.get('from') === 'app') await renderApp(ctx, request, appId, { checked }, answer.kind === 'ok' ? 200 : answer.status);
    else await render(ctx, request, { checked }, answer.kind === 'ok' ? 200 : answer.status);
  });

  router.post('/apps', async (ctx) => {
    const posted = await deps.signedInForm(ctx);
    if (posted === undefined) return;
    const { request, form } = posted;
    const value = (name: string): string | undefined => { const v = form.get(name)?.trim(); return v === undefined || v === '' ? undefined : v; };
    const body = { appId: value('appId') ?? '', kind: value('kind') ?? '', secret: form.get('secret') ?? '', name: value('name'), openPlatformId: value('openPlatformId') };
    const answer = await request.api.call('POST', '/apps', body);
    if (answer.kind === 'ok') {
      redirectAfterChange(ctx, `/console/apps?saved=${encodeURIComponent(body.appId)}`);
      return;
    }
    if (await request.refusedAccess(answer)) return;
    // The secret is never sent back into the page.
    const values = { appId: body.appId, kind: body.kind, name: body.name ?? '', openPlatformId: body.openPlatformId ?? '' };
    await render(ctx, request, { form: { values, errors: fieldErrors(answer.message, FIELDS) } }, answer.status >= 500 ? 502 : 400);
  });
}
