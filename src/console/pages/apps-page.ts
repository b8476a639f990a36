/** WeChat apps (issue 14 #3): the list (paginated, with an empty state) and the add form, errors next to their field. */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import type { ListPage } from '../console-request.ts';
import { appsText } from './apps-text.ts';
import { consoleText } from './console-text.ts';
import { csrfInput, dataTable, formField, notice, pager, postButton } from './page-parts.ts';

export interface AppRow { readonly appId: string; readonly kind: string; readonly name: string | null; readonly openPlatformId: string | null }

export interface AppsPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly list: ListPage<AppRow>;
  readonly saved?: string | undefined;
  /** Just removed (from the app's page). */
  readonly removed?: string | undefined;
  /** The answer of a check (issue 14 #3), explained in plain words; or the API's refusal of it. */
  readonly checked?: { readonly appId: string; readonly diagnosis: string; readonly errcode: number | null } | { readonly appId: string; readonly problem: string } | undefined;
  /** What was typed (never the secret) and the API's message per field, after a refused add. */
  readonly form?: { readonly values: Readonly<Record<string, string>>; readonly errors: Readonly<Record<string, string>> } | undefined;
}

const KINDS = ['miniprogram', 'web', 'official_account', 'app'] as const;

export function appsPageBody(page: AppsPage): string {
  const text = consoleText(page.language);
  const rows = page.list.items.map((app) => `<tr data-app-id="${e(app.appId)}"><td><a class="mono" href="/console/apps/${encodeURIComponent(app.appId)}">${e(app.appId)}</a></td><td>${e(text.kinds[app.kind] ?? app.kind)}</td><td>${e(app.name ?? '—')}</td><td>${e(app.openPlatformId ?? '—')}</td><td>${
    postButton({ action: `/console/apps/${encodeURIComponent(app.appId)}/check`, csrfToken: page.csrfToken, words: text.check, label: text.checkLabel(app.appId) })}</td></tr>`);
  const values = page.form?.values ?? {};
  const errors = page.form?.errors ?? {};
  const field = (name: string, label: string, control: string, hint?: string): string => formField({ form: 'app', name, label, control, hint, error: errors[name] });
  const kindOptions = KINDS.map((kind) => `<option value="${kind}"${values['kind'] === kind ? ' selected' : ''}>${e(text.kinds[kind] ?? kind)}</option>`).join('');
  return `${page.saved === undefined ? '' : notice('done', text.added(page.saved))}${page.removed === undefined ? '' : notice('done', appsText(page.language).removed(page.removed))}
<section class="card" aria-labelledby="apps-title">
<h1 id="apps-title">${e(text.appsTitle)}</h1>
${checkNotice(page.language, page.checked)}
${dataTable({ caption: text.appsIntro, headers: [text.appId, text.kind, text.name, text.openPlatform, text.actions], rows, empty: text.appsEmpty })}
${pager({ path: '/console/apps', label: text.appsTitle, isFirstPage: page.list.isFirstPage, nextCursor: page.list.nextCursor, words: text })}
</section>
<section class="card" aria-labelledby="add-title">
<h2 id="add-title">${e(text.addTitle)}</h2>
${page.form === undefined ? '' : `<p class="notice error" role="alert">${e(text.formError)}</p>`}
<form class="stack" method="post" action="/console/apps">
${csrfInput(page.csrfToken)}
${field('appId', text.appId, `<input required autocomplete="off" spellcheck="false" placeholder="wx0123456789abcdef" value="${e(values['appId'] ?? '')}">`)}
${field('kind', text.kind, `<select>${kindOptions}</select>`)}
${field('secret', text.secret, '<input type="password" required autocomplete="new-password">', text.addHint)}
${field('name', `${text.name}${text.optional}`, `<input autocomplete="off" value="${e(values['name'] ?? '')}">`)}
${field('openPlatformId', `${text.openPlatform}${text.optional}`, `<input autocomplete="off" spellcheck="false" value="${e(values['openPlatformId'] ?? '')}">`)}
<div><button class="button primary" type="submit">${e(text.add)}</button></div>
</form>
</section>`;
}

/** The answer of a check, in plain words with the fix (shared by the list and an app's own page). */
export function checkNotice(language: PageLanguage, checked: AppsPage['checked']): string {
  if (checked === undefined) return '';
  const text = consoleText(language);
  const ok = 'diagnosis' in checked && checked.diagnosis === 'ok';
  const words = 'problem' in checked ? checked.problem : text.diagnoses[checked.diagnosis] ?? text.diagnoses['rejected'] ?? '';
  const errcode = 'errcode' in checked && checked.errcode !== null ? ` <span class="mono">(${e(text.errcode)} ${String(checked.errcode)})</span>` : '';
  const diagnosis = 'diagnosis' in checked ? checked.diagnosis : 'refused';
  return `<div class="notice${ok ? '' : ' error'}" role="status" data-diagnosis="${e(diagnosis)}"><strong>${e(text.checkTitle(checked.appId))}</strong><br>${e(words)}${errcode}</div>`;
}
