/** Clients (issue 14 #3): the list (paginated, empty state) and "add a web client", its secret shown once. */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import type { ListPage } from '../console-request.ts';
import { consoleText } from './console-text.ts';
import { checkboxField, csrfInput, dataTable, formField, notice, pager } from './page-parts.ts';

export interface ClientRow { readonly clientId: string; readonly type: string; readonly name: string | null; readonly redirectUris: readonly string[] }

export interface ClientsPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly list: ListPage<ClientRow>;
  /** Just added: its id and (a web client's) secret, shown in this response only. */
  readonly added?: { readonly clientId: string; readonly secret: string | undefined } | undefined;
  readonly form?: { readonly values: Readonly<Record<string, string>>; readonly errors: Readonly<Record<string, string>> } | undefined;
}

export function clientsPageBody(page: ClientsPage): string {
  const text = consoleText(page.language);
  const rows = page.list.items.map((client) => `<tr data-client-id="${e(client.clientId)}"><td><code>${e(client.clientId)}</code></td><td>${e(text.clientTypes[client.type] ?? client.type)}</td><td>${e(client.name ?? '—')}</td><td>${client.redirectUris.map((uri) => `<div class="mono">${e(uri)}</div>`).join('') || '—'}</td></tr>`);
  const values = page.form?.values ?? {};
  const errors = page.form?.errors ?? {};
  const field = (name: string, label: string, control: string, hint?: string): string => formField({ form: 'client', name, label, control, hint, error: errors[name] });
  const added = page.added === undefined ? '' : notice('done', text.clientAdded(page.added.clientId), page.added.secret === undefined ? '' : `
<p>${e(text.secretOnce)}</p><label for="client-secret">${e(text.secretLabel)}</label><input id="client-secret" class="mono" readonly value="${e(page.added.secret)}" data-secret>`);
  return `${added}
<section class="card" aria-labelledby="clients-title">
<h1 id="clients-title">${e(text.clientsTitle)}</h1>
${dataTable({ caption: text.clientsIntro, headers: [text.clientId, text.clientType, text.name, text.redirectUris], rows, empty: text.clientsEmpty })}
${pager({ path: '/console/clients', label: text.clientsTitle, isFirstPage: page.list.isFirstPage, nextCursor: page.list.nextCursor, words: text })}
</section>
<section class="card" aria-labelledby="add-client-title">
<h2 id="add-client-title">${e(text.addClientTitle)}</h2>
${page.form === undefined ? '' : `<p class="notice error" role="alert">${e(text.clientFormError)}</p>`}
<form class="stack" method="post" action="/console/clients">
${csrfInput(page.csrfToken)}
${field('clientId', text.clientId, `<input required autocomplete="off" spellcheck="false" placeholder="shop-web" value="${e(values['clientId'] ?? '')}">`)}
${field('name', `${text.name}${text.optional}`, `<input autocomplete="off" value="${e(values['name'] ?? '')}">`)}
${field('redirectUris', text.redirectUris, `<textarea rows="3" required spellcheck="false">${e(values['redirectUris'] ?? '')}</textarea>`, text.redirectHint)}
${field('postLogoutRedirectUris', `${text.postLogoutUris}${text.optional}`, `<textarea rows="2" spellcheck="false">${e(values['postLogoutRedirectUris'] ?? '')}</textarea>`)}
${checkboxField({ name: 'firstParty', label: text.firstParty, checked: values['firstParty'] === 'yes' })}
<div><button class="button primary" type="submit">${e(text.addClient)}</button></div>
</form>
</section>`;
}
