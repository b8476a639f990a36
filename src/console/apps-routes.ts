/** /console/apps (issue 14 #3): list and add WeChat apps through GET/POST /admin/v1/apps. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { sendPage } from '../pages/html.ts';
import type { PageLanguage } from '../pages/page-language.ts';
import type { ConsoleRequest } from './console-routes.ts';
import { appsPageBody, type AppRow, type AppsPage } from './pages/apps-page.ts';
import { consolePage } from './pages/console-layout.ts';
import { consoleText } from './pages/console-text.ts';

export interface ConsolePageDeps {
  signedIn(ctx: Context): Promise<ConsoleRequest | undefined>;
  checkedForm(ctx: Context, request: ConsoleRequest): Promise<URLSearchParams | undefined>;
  language(ctx: Context): PageLanguage;
}

const PAGE_SIZE = 20;
const FIELDS = ['appId', 'kind', 'secret', 'name', 'openPlatformId'] as const;

/** The admin API's `field: problem; field.0: problem` message, split by form field (others under the first field). */
export function fieldErrors(message: string, fields: readonly string[] = FIELDS): Record<string, string> {
  const errors: Record<string, string> = {};
  const fallback = fields[0] ?? 'form';
  for (const part of message.split('; ')) {
    const match = /^([A-Za-z]+)(?:\.\d+)?: (.*)$/.exec(part);
    const field = match !== null && fields.includes(match[1] ?? '') ? match[1] ?? fallback : fallback;
    errors[field] = errors[field] === undefined ? (match?.[2] ?? part) : `${errors[field]}; ${match?.[2] ?? part}`;
  }
  return errors;
}

export function registerAppPages(router: Router, deps: ConsolePageDeps): void {
  async function render(ctx: Context, request: ConsoleRequest, extra: Pick<AppsPage, 'saved' | 'form' | 'checked'>, status = 200): Promise<void> {
    const cursor = typeof ctx.query['cursor'] === 'string' ? ctx.query['cursor'] : undefined;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor === undefined ? {} : { cursor }) });
    const answer = await request.api.call('GET', `/apps?${query.toString()}`);
    if (answer.kind === 'refused') {
      if (await request.refusedAccess(answer)) return;
      throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
    }
    const list = answer.body as { items: AppRow[]; nextCursor: string | null };
    const language = deps.language(ctx);
    const body = appsPageBody({ language, csrfToken: request.session.csrfToken, apps: list.items, nextCursor: list.nextCursor, isFirstPage: cursor === undefined, ...extra });
    sendPage(ctx, status, consolePage({ language, title: consoleText(language).appsTitle, current: 'apps', accountId: request.session.accountId, csrfToken: request.session.csrfToken, body }));
  }

  router.get('/apps', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const saved = typeof ctx.query['saved'] === 'string' ? ctx.query['saved'] : undefined;
    await render(ctx, request, { saved: saved !== undefined && /^wx[0-9a-f]{16}$/.test(saved) ? saved : undefined });
  });

  router.post('/apps/:appId/check', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    if ((await deps.checkedForm(ctx, request)) === undefined) return;
    const appId = ctx.params['appId'] ?? '';
    const answer = await request.api.call('POST', `/apps/${encodeURIComponent(appId)}/check`);
    if (answer.kind === 'refused' && (await request.refusedAccess(answer))) return;
    const checked = answer.kind === 'ok' ? (answer.body as { appId: string; diagnosis: string; errcode: number | null }) : { appId, problem: answer.message };
    await render(ctx, request, { checked }, answer.kind === 'ok' ? 200 : answer.status);
  });

  router.post('/apps', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const form = await deps.checkedForm(ctx, request);
    if (form === undefined) return;
    const value = (name: string): string | undefined => { const v = form.get(name)?.trim(); return v === undefined || v === '' ? undefined : v; };
    const body = { appId: value('appId') ?? '', kind: value('kind') ?? '', secret: form.get('secret') ?? '', name: value('name'), openPlatformId: value('openPlatformId') };
    const answer = await request.api.call('POST', '/apps', body);
    if (answer.kind === 'ok') {
      ctx.status = 303;
      ctx.redirect(`/console/apps?saved=${encodeURIComponent(body.appId)}`);
      return;
    }
    if (await request.refusedAccess(answer)) return;
    // The secret is never sent back into the page.
    const values = { appId: body.appId, kind: body.kind, name: body.name ?? '', openPlatformId: body.openPlatformId ?? '' };
    await render(ctx, request, { form: { values, errors: fieldErrors(answer.message) } }, answer.status >= 500 ? 502 : 400);
  });
}
