/**
 * /console/audit (issue 14 #3): the audit log through GET /admin/v1/audit, 20 events a page, filtered by
 * the page's GET form; /console/audit.csv exports the same filtered view (audit-export.ts).
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { AUDIT_FILTERS, auditApiQuery, auditFieldErrors, auditFiltersOf, type AuditFilters } from './audit-filters.ts';
import { exportAuditCsv } from './audit-export.ts';
import { PAGE_SIZE, refusalStatus, sendConsolePage, type ConsolePageDeps, type ConsoleRequest, type ListPage } from './console-request.ts';
import { auditPageBody, type AuditEventRow } from './pages/audit-page.ts';
import { auditText } from './pages/audit-text.ts';

export function registerAuditPages(router: Router, deps: ConsolePageDeps): void {
  /** The page, with the events or (after the API refused the filters) the API's message next to each field. */
  function send(ctx: Context, request: ConsoleRequest, filters: AuditFilters, answer: { list: ListPage<AuditEventRow> } | { errors: Record<string, string>; status: number }): void {
    const language = deps.language(ctx);
    const body = auditPageBody({ language, filters, ...('list' in answer ? { list: answer.list } : { list: undefined, errors: answer.errors }) });
    sendConsolePage(ctx, request, { language, section: 'audit', title: auditText(language).title, body, status: 'status' in answer ? answer.status : 200 });
  }

  router.get('/audit', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const filters = auditFiltersOf(ctx.query);
    const cursor = typeof ctx.query['cursor'] === 'string' && ctx.query['cursor'] !== '' ? ctx.query['cursor'] : undefined;
    // The form sends its empty fields too (`?action=&actor=…`): the same view at its short address, the
    // link an admin copies and shares.
    const canonical = new URLSearchParams({ ...filters, ...(cursor === undefined ? {} : { cursor }) }).toString();
    if (canonical !== ctx.querystring && AUDIT_FILTERS.some((name) => ctx.query[name] === '')) {
      ctx.redirect(`/console/audit${canonical === '' ? '' : `?${canonical}`}`);
      return;
    }
    const answer = await request.api.call('GET', `/audit?${auditApiQuery(filters, { limit: PAGE_SIZE, cursor }).toString()}`);
    if (answer.kind === 'refused') {
      if (await request.refusedAccess(answer)) return;
      if (answer.status >= 500) throw new Error(`the admin API answered ${String(answer.status)} ${answer.error}`);
      send(ctx, request, filters, { errors: auditFieldErrors(answer.message), status: refusalStatus(answer.status) });
      return;
    }
    const page = answer.body as { items: AuditEventRow[]; nextCursor: string | null };
    send(ctx, request, filters, { list: { items: page.items, nextCursor: page.nextCursor, isFirstPage: cursor === undefined } });
  });

  router.get('/audit.csv', async (ctx) => {
    const request = await deps.signedIn(ctx);
    if (request === undefined) return;
    const filters = auditFiltersOf(ctx.query);
    const refusal = await exportAuditCsv(ctx, request, filters);
    if (refusal !== undefined) send(ctx, request, filters, refusal);
  });
}
