/**
 * The Audit log (issue 14 #3): the filter form (a GET form, so a filtered view is a link), the events newest
 * first with their before/after on demand, the pager and the CSV export of the same view.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import type { AuditFilters } from '../audit-filters.ts';
import type { ListPage } from '../console-request.ts';
import { auditText } from './audit-text.ts';
import { consoleText } from './console-text.ts';
import { dataTable, formField, notice, pager } from './page-parts.ts';

/** One event as GET /admin/v1/audit returns it (before/after already without secrets). */
export interface AuditEventRow {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly outcome: string;
  readonly reason: string | null;
  readonly ip: string | null;
  readonly clientId: string | null;
  readonly accountId: string | null;
}

export interface AuditPage {
  readonly language: PageLanguage;
  readonly filters: AuditFilters;
  /** The events, or undefined when the API refused the filters (`errors` says why, by field). */
  readonly list: ListPage<AuditEventRow> | undefined;
  readonly errors?: Readonly<Record<string, string>> | undefined;
}

/**
 * The action names wxbridge records, offered as suggestions (the field takes any text): admin changes
 * (src/admin/*-operations.ts), token requests (src/oidc/token-endpoint/token-audit.ts), account events.
 */
const KNOWN_ACTIONS = [
  'login.wechat', 'token.refresh', 'token.client_credentials', 'token.other',
  'app.upsert', 'app.remove', 'app.check', 'app.account_settings',
  'client.create', 'client.update', 'client.rotate_secret', 'client.remove',
  'resource.add', 'resource.update', 'resource.remove', 'keys.rotate',
  'user.disable', 'user.enable', 'user.sign_out', 'user.grant_admin', 'user.revoke_admin', 'user.merge', 'user.export', 'user.delete',
  'admin.invite', 'admin.invitation_redeemed',
  'account.linked_by_phone', 'account.link_by_scan', 'account.merged', 'account.phone_verified', 'account.profile_updated', 'account.deleted',
] as const;

export function auditPageBody(page: AuditPage): string {
  const text = auditText(page.language);
  const errors = page.errors ?? {};
  return `<section class="card" aria-labelledby="audit-title">
<h1 id="audit-title">${e(text.title)}</h1>
<p>${e(text.intro)}</p>
${page.list === undefined ? notice('error', text.filterRefused) : ''}
${errors['form'] === undefined ? '' : `<p class="field-error" data-form-error>${e(errors['form'])}</p>`}
${filterForm(page)}
</section>
${page.list === undefined ? '' : eventsSection(page, page.list)}`;
}

function filterForm(page: AuditPage): string {
  const text = auditText(page.language);
  const errors = page.errors ?? {};
  const value = (name: keyof AuditFilters): string => e(page.filters[name] ?? '');
  // Every field has a hint, so label, hint, control and message line up across the grid (console-layout.ts).
  const field = (name: keyof AuditFilters, label: string, control: string, hint: string): string =>
    formField({ form: 'audit', name, label, control, hint, error: errors[name] });
  const text_ = (name: keyof AuditFilters, extra = ''): string => `<input autocomplete="off" spellcheck="false" maxlength="200"${extra} value="${value(name)}">`;
  const outcomes = ['', 'success', 'failure'].map((outcome) =>
    `<option value="${outcome}"${(page.filters.outcome ?? '') === outcome ? ' selected' : ''}>${e(outcome === '' ? text.anyOutcome : text.outcomes[outcome] ?? outcome)}</option>`).join('');
  return `<form class="filters" method="get" action="/console/audit" role="search" aria-label="${e(text.filtersLabel)}">
<div class="filter-grid">
${field('action', text.action, text_('action', ' list="audit-actions"'), text.actionHint)}
<datalist id="audit-actions">${KNOWN_ACTIONS.map((action) => `<option value="${action}"></option>`).join('')}</datalist>
${field('outcome', text.outcome, `<select>${outcomes}</select>`, text.outcomeHint)}
${field('actor', text.actor, text_('actor'), text.actorHint)}
${field('client_id', text.clientId, text_('client_id'), text.clientIdHint)}
${field('account_id', text.accountId, text_('account_id'), text.accountIdHint)}
${field('since', text.since, text_('since', ' placeholder="2026-11-30 08:00"'), text.sinceHint)}
${field('until', text.until, text_('until', ' placeholder="2026-11-30 18:00"'), text.untilHint)}
</div>
<div class="actions"><button class="button primary" type="submit">${e(text.apply)}</button><a href="/console/audit">${e(text.clear)}</a></div>
</form>`;
}

function eventsSection(page: AuditPage, list: ListPage<AuditEventRow>): string {
  const text = auditText(page.language);
  const query = new URLSearchParams(page.filters).toString();
  const filtered = Object.keys(page.filters).length > 0;
  const exportLink = list.items.length === 0 ? '' : `<div class="export"><a class="button" href="/console/audit.csv${query === '' ? '' : `?${e(query)}`}" download>${e(text.exportCsv)}</a><span class="muted" data-export-hint>${e(text.exportHint)}</span></div>`;
  return `<section class="card" aria-labelledby="events-title">
<h2 id="events-title">${e(text.eventsTitle)}</h2>
${exportLink}
<div class="audit-events">${dataTable({
    caption: text.caption,
    headers: [text.time, text.action, text.result, text.actor, text.target, text.client, text.account, text.ip],
    rows: list.items.map((event) => eventRows(page.language, event)),
    empty: filtered ? text.noMatch : text.nothingYet,
  })}</div>
${list.items.length === 0 && filtered ? `<p class="actions"><a href="/console/audit">${e(text.clear)}</a></p>` : ''}
${pager({ path: '/console/audit', label: text.pagerLabel, isFirstPage: list.isFirstPage, nextCursor: list.nextCursor, query: page.filters, words: consoleText(page.language) })}
</section>`;
}

/** `2026-11-30T06:31:02.123Z` → `2026-11-30 06:31:02` (the column says UTC). */
const readableUtc = (iso: string): string => iso.slice(0, 19).replace('T', ' ');

/** The event's row, and under it a row with its before/after when it has any (admin changes do). */
function eventRows(language: PageLanguage, event: AuditEventRow): string {
  const text = auditText(language);
  const code = (value: string | null): string => (value === null ? `<span class="muted">${text.none}</span>` : `<span class="mono">${e(value)}</span>`);
  const failed = event.outcome !== 'success';
  const outcome = `<span class="badge ${failed ? 'off' : 'on'}" data-outcome="${e(event.outcome)}">${e(text.outcomes[event.outcome] ?? event.outcome)}</span>${event.reason === null ? '' : ` <span class="mono">${e(event.reason)}</span>`}`;
  const hasChanges = event.before !== null || event.after !== null;
  const row = `<tr data-event-id="${e(event.id)}"${hasChanges ? ' class="has-changes"' : ''}><td class="when"><time datetime="${e(event.at)}">${e(readableUtc(event.at))}</time></td><td>${code(event.action)}</td><td>${outcome}</td>`
    + `<td class="wrap">${code(event.actor)}</td><td class="wrap">${code(event.target)}</td><td class="wrap">${code(event.clientId)}</td><td class="wrap">${code(event.accountId)}</td><td class="wrap ip">${code(event.ip)}</td></tr>`;
  if (!hasChanges) return row;
  const json = (value: unknown): string => (value === null ? text.none : e(JSON.stringify(value, null, 2)));
  return `${row}
<tr class="changes" data-changes-of="${e(event.id)}"><td colspan="8"><details><summary aria-label="${e(text.changes(event.action, `${readableUtc(event.at)} UTC`))}">${e(text.changesShort)}</summary>
<div class="diff"><div><h3>${e(text.before)}</h3><pre>${json(event.before)}</pre></div><div><h3>${e(text.after)}</h3><pre>${json(event.after)}</pre></div></div></details></td></tr>`;
}
