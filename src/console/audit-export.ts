/**
 * GET /console/audit.csv (issue 14 #3): the audit log's filtered view as CSV, paged out of the admin API
 * 200 events a call, newest first, up to EXPORT_CAP events.
 *
 * Why the whole export is read before the first byte is sent (ADR 0028, "audit CSV export"): the response
 * must say in a header (`X-Export-Truncated: true`) whether it stopped at the cap, which is known only once
 * the last page is read, and headers go before the body. So the pages are read first, each event encoded
 * to its CSV line at once (an array of lines bounded by the cap, never one 10,000-row string, and no event
 * objects kept), then the lines are streamed out. The same choice settles a refusal mid-way: a page the
 * admin API refuses (or fails) after the first one leaves nothing sent yet, so the admin gets the audit
 * page with the API's message and a 4xx/502 status instead of a file that ends early but looks complete.
 */
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { auditApiQuery, auditFieldErrors, type AuditFilters } from './audit-filters.ts';
import type { ConsoleRequest } from './console-request.ts';
import { refusalStatus } from './console-request.ts';
import { csvLine, UTF8_BOM } from './csv-encoding.ts';
import type { AuditEventRow } from './pages/audit-page.ts';

/** The most events one export holds (the page says so next to the export link). */
export const EXPORT_CAP = 10_000;
/** Events per admin API call: the API's largest page. */
const API_PAGE = 200;

const COLUMNS = ['id', 'at', 'actor', 'action', 'outcome', 'reason', 'target', 'client_id', 'account_id', 'ip', 'before', 'after'] as const;

/** An event's cells in COLUMNS order: text as the API gave it, before/after as compact JSON, none as an empty cell. */
function cellsOf(event: AuditEventRow): string[] {
  const json = (value: unknown): string => (value === null || value === undefined ? '' : JSON.stringify(value));
  return [event.id, event.at, event.actor, event.action, event.outcome, event.reason ?? '', event.target ?? '', event.clientId ?? '',
    event.accountId ?? '', event.ip ?? '', json(event.before), json(event.after)];
}

/** What the audit page shows instead of a file: the API's refusal by field, with the status to answer. */
export interface ExportRefusal { readonly errors: Record<string, string>; readonly status: number }

/**
 * Sends the CSV, or answers what the page should show instead (the API refused the filters or a later
 * page); undefined also when the refusal page for a lost admin role was sent already.
 */
export async function exportAuditCsv(ctx: Context, request: ConsoleRequest, filters: AuditFilters): Promise<ExportRefusal | undefined> {
  const lines: string[] = [csvLine(COLUMNS)];
  let cursor: string | undefined;
  let truncated = false;
  for (;;) {
    const limit = Math.min(API_PAGE, EXPORT_CAP - (lines.length - 1));
    const answer = await request.api.call('GET', `/audit?${auditApiQuery(filters, { limit, cursor }).toString()}`);
    if (answer.kind === 'refused') {
      if (await request.refusedAccess(answer)) return undefined;
      // A fault of the API (5xx) is a fault here too, as on the page: nothing has been sent yet.
      if (answer.status >= 500) throw new Error(`the admin API answered ${String(answer.status)} ${answer.error}`);
      return { errors: auditFieldErrors(answer.message), status: refusalStatus(answer.status) };
    }
    const page = answer.body as { items: AuditEventRow[]; nextCursor: string | null };
    for (const event of page.items) lines.push(csvLine(cellsOf(event)));
    if (page.nextCursor === null) break;
    if (lines.length - 1 >= EXPORT_CAP) {
      truncated = true;
      break;
    }
    cursor = page.nextCursor;
  }
  ctx.status = 200;
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('Content-Disposition', `attachment; filename="wxbridge-audit-${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}.csv"`);
  ctx.set('X-Content-Type-Options', 'nosniff');
  if (truncated) ctx.set('X-Export-Truncated', 'true');
  lines[0] = `${UTF8_BOM}${lines[0] ?? ''}`;
  ctx.body = Readable.from(lines);
  return undefined;
}
