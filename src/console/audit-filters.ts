/**
 * The audit log's filters (issue 14 #3), shared by the page and its CSV export: read from the page's
 * query string as typed (a filtered view is a link), turned into GET /admin/v1/audit's query, and the
 * API's refusal split by field. The admin API validates every filter; the console only reads typed times
 * as UTC (the page says so) and passes everything else on as it is.
 */
import { fieldErrors } from './console-request.ts';

/** The form's field names, which are also the admin API's query parameters. */
export const AUDIT_FILTERS = ['action', 'outcome', 'actor', 'client_id', 'account_id', 'since', 'until'] as const;
export type AuditFilterName = (typeof AUDIT_FILTERS)[number];
export type AuditFilters = Partial<Record<AuditFilterName, string>>;

/** The filters given in a query string, trimmed; empty ones are left out (an empty field filters nothing). */
export function auditFiltersOf(query: Readonly<Record<string, string | string[] | undefined>>): AuditFilters {
  const filters: AuditFilters = {};
  for (const name of AUDIT_FILTERS) {
    const value = query[name];
    const typed = (Array.isArray(value) ? value[0] : value)?.trim();
    if (typed !== undefined && typed !== '') filters[name] = typed;
  }
  return filters;
}

/**
 * A time typed without an offset is UTC: `2026-11-30`, `2026-11-30 08:00` and `2026-11-30T08:00:05` get a
 * `Z` (the API wants ISO 8601 with an offset). Anything else goes to the API unchanged, whose message then
 * stands next to the field.
 */
export function asUtc(typed: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(typed)) return `${typed}T00:00:00Z`;
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?$/.exec(typed);
  if (local === null) return typed;
  return `${local[1] ?? ''}T${local[2] ?? ''}${local[3] ?? ':00'}Z`;
}

/** GET /admin/v1/audit's query for these filters, one page of `limit` from `cursor`. */
export function auditApiQuery(filters: AuditFilters, page: { limit: number; cursor?: string | undefined }): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of AUDIT_FILTERS) {
    const value = filters[name];
    if (value !== undefined) query.set(name, name === 'since' || name === 'until' ? asUtc(value) : value);
  }
  query.set('limit', String(page.limit));
  if (page.cursor !== undefined) query.set('cursor', page.cursor);
  return query;
}

/** The API names two filters in camelCase in its messages (`clientId: …`); the form names them as the query does. */
const API_FIELD: Readonly<Record<string, AuditFilterName>> = { clientId: 'client_id', accountId: 'account_id' };

/** The admin API's refusal by form field; a problem with no field of its own (a hand-edited cursor) is under `form`. */
export function auditFieldErrors(message: string): Record<string, string> {
  const byApiField = fieldErrors(message, ['form', 'action', 'outcome', 'actor', 'clientId', 'accountId', 'since', 'until']);
  return Object.fromEntries(Object.entries(byApiField).map(([field, problem]) => [API_FIELD[field] ?? field, problem]));
}
