/** WeChat apps (issue 14 #3): the list (paginated, with an empty state) and the add form, errors next to their field. */
import { escapeHtml } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { consoleText } from './console-text.ts';

export interface AppRow { readonly appId: string; readonly kind: string; readonly name: string | null; readonly openPlatformId: string | null }

export interface AppsPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly apps: readonly AppRow[];
  readonly nextCursor: string | null;
  readonly isFirstPage: boolean;
  readonly saved?: string | undefined;
  /** The answer of a check (issue 14 #3), explained in plain words; or the API's refusal of it. */
  readonly checked?: { readonly appId: string; readonly diagnosis: string; readonly errcode: number | null } | { readonly appId: string; readonly problem: string } | undefined;
  /** What was typed (never the secret) and the API's message per field, after a refused add. */
  readonly form?: { readonly values: Readonly<Record<string, string>>; readonly errors: Readonly<Record<string, string>> } | undefined;
}

const KINDS = ['miniprogram', 'web', 'official_account', 'app'] as const;

export function appsPageBody(page: AppsPage): string {
  const text = consoleText(page.language);
  const e = escapeHtml;
  const checkForm = (appId: string): string => `<form method="post" action="/console/apps/${encodeURIComponent(appId)}/check"><input type="hidden" name="csrf" value="${e(page.csrfToken)}"><button class="button" type="submit" aria-label="${e(text.checkLabel(appId))}">${e(text.check)}</button></form>`;
  const rows = page.apps.map((app) => `<tr data-app-id="${e(app.appId)}"><td><code>${e(app.appId)}</code></td><td>${e(text.kinds[app.kind] ?? app.kind)}</td><td>${e(app.name ?? '—')}</td><td>${e(app.openPlatformId ?? '—')}</td><td>${checkForm(app.appId)}</td></tr>`).join('\n');
  const list = page.apps.length === 0
    ? `<p class="empty" data-empty>${e(text.appsEmpty)}</p>`
    : `<table><caption class="muted">${e(text.appsIntro)}</caption><thead><tr><th scope="col">${e(text.appId)}</th><th scope="col">${e(text.kind)}</th><th scope="col">${e(text.name)}</th><th scope="col">${e(text.openPlatform)}</th><th scope="col">${e(text.actions)}</th></tr></thead><tbody>
${rows}
</tbody></table>`;
  const pager = [
    page.isFirstPage ? '' : `<a href="/console/apps">${e(text.firstPage)}</a>`,
    page.nextCursor === null ? '' : `<a href="/console/apps?cursor=${encodeURIComponent(page.nextCursor)}" rel="next">${e(text.nextPage)}</a>`,
  ].join('');
  const values = page.form?.values ?? {};
  const errors = page.form?.errors ?? {};
  const field = (name: string, label: string, input: string): string => {
    const error = errors[name];
    return `<div><label for="app-${name}">${e(label)}</label>${input.replace('<input', `<input id="app-${name}" name="${name}"${error === undefined ? '' : ` aria-invalid="true" aria-describedby="app-${name}-error"`}`).replace('<select', `<select id="app-${name}" name="${name}"`)}
${error === undefined ? '' : `<p class="field-error" id="app-${name}-error">${e(error)}</p>`}</div>`;
  };
  const kindOptions = KINDS.map((kind) => `<option value="${kind}"${values['kind'] === kind ? ' selected' : ''}>${e(text.kinds[kind] ?? kind)}</option>`).join('');
  return `${page.saved === undefined ? '' : `<p class="notice" role="status">${e(text.added(page.saved))}</p>`}
<section class="card" aria-labelledby="apps-title">
<h1 id="apps-title">${e(text.appsTitle)}</h1>
${checkNotice(page)}
${list}
${pager === '' ? '' : `<nav class="pager" aria-label="${e(text.appsTitle)}">${pager}</nav>`}
</section>
<section class="card" aria-labelledby="add-title">
<h2 id="add-title">${e(text.addTitle)}</h2>
${page.form === undefined ? '' : `<p class="notice error" role="alert">${e(text.formError)}</p>`}
<form class="stack" method="post" action="/console/apps">
<input type="hidden" name="csrf" value="${e(page.csrfToken)}">
${field('appId', text.appId, `<input required autocomplete="off" spellcheck="false" placeholder="wx0123456789abcdef" value="${e(values['appId'] ?? '')}">`)}
${field('kind', text.kind, `<select>${kindOptions}</select>`)}
${field('secret', text.secret, `<input type="password" required autocomplete="new-password">`).replace("</label>", `</label><span class="muted">${e(text.addHint)}</span>`)}
${field('name', `${text.name}${text.optional}`, `<input autocomplete="off" value="${e(values['name'] ?? '')}">`)}
${field('openPlatformId', `${text.openPlatform}${text.optional}`, `<input autocomplete="off" spellcheck="false" value="${e(values['openPlatformId'] ?? '')}">`)}
<div><button class="button primary" type="submit">${e(text.add)}</button></div>
</form>
</section>`;
}

function checkNotice(page: AppsPage): string {
  const { checked } = page;
  if (checked === undefined) return '';
  const text = consoleText(page.language);
  const e = escapeHtml;
  const ok = 'diagnosis' in checked && checked.diagnosis === 'ok';
  const words = 'problem' in checked ? checked.problem : text.diagnoses[checked.diagnosis] ?? text.diagnoses['rejected'] ?? '';
  const errcode = 'errcode' in checked && checked.errcode !== null ? ` <span class="mono">(${e(text.errcode)} ${String(checked.errcode)})</span>` : '';
  const diagnosis = 'diagnosis' in checked ? checked.diagnosis : 'refused';
  return `<div class="notice${ok ? '' : ' error'}" role="status" data-diagnosis="${e(diagnosis)}"><strong>${e(text.checkTitle(checked.appId))}</strong><br>${e(words)}${errcode}</div>`;
}
