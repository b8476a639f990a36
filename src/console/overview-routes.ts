/** /console/overview (issue 14 #3), the console's landing page: GET /admin/v1/overview for the window asked for (default 60 minutes). */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { fieldErrors, sendConsolePage, type ConsolePageDeps, type ConsoleRequest } from './console-request.ts';
import { overviewPageBody, type OverviewAnswer } from './pages/overview-page.ts';
import { overviewText } from './pages/overview-text.ts';

/** The report of `query` (`?minutes=…` or none); undefined when the refusal page was sent. */
async function loadReport(request: ConsoleRequest, query: string): Promise<{ kind: 'ok'; report: OverviewAnswer } | { kind: 'refused'; status: number; message: string } | undefined> {
  const answer = await request.api.call('GET', `/overview${query}`);
  if (answer.kind === 'ok') return { kind: 'ok', report: answer.body as OverviewAnswer };
  if (await request.refusedAccess(answer)) return undefined;
  if (answer.status >= 500) throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
  return { kind: 'refused', status: answer.status, message: answer.message };
}

export function registerOverviewPages(router: Router, deps: ConsolePageDeps): void {
  router.get('/overview', async (ctx: Context) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const minutes = typeof ctx.query['minutes'] === 'string' ? ctx.query['minutes'] : undefined;
    let loaded = await loadReport(request, minutes === undefined ? '' : `?${new URLSearchParams({ minutes }).toString()}`);
    if (loaded === undefined) return;
    let windowError: string | undefined;
    let status = 200;
    if (loaded.kind === 'refused') {
      // The API's message stands next to the window field; the default window is shown meanwhile.
      windowError = fieldErrors(loaded.message, ['minutes'])['minutes'];
      status = loaded.status;
      loaded = await loadReport(request, '');
      if (loaded === undefined) return;
      if (loaded.kind === 'refused') throw new Error(`the admin API refused the default overview: ${loaded.message}`);
    }
    const language = deps.language(ctx);
    sendConsolePage(ctx, request, { language, section: 'overview', title: overviewText(language).title, body: overviewPageBody({ language, report: loaded.report, windowError }), status });
  });
}
