/** Clients (issue 14 #3): the list (paginated, empty state) and "add a web client", its secret shown once. */
import { escapeHtml } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { consoleText } from './console-text.ts';

export interface ClientRow { readonly clientId: string; readonly type: string; readonly name: string | null; readonly redirectUris: readonly string[] }

export interface ClientsPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly clients: readonly ClientRow[];
  readonly nextCursor: string | null;
  readonly isFirstPage: boolean;
  /** Just added: its id and (a web client's) secret, shown in this response only. */
  readonly added?: { readonly clientId: string; readonly secret: string | undefined } | undefined;
  readonly form?: { readonly values: Readonly<Record<string, string>>; readonly errors: Readonly<Record<string, string>> } | undefined;
}

export function clientsPageBody(page: ClientsPage): string {
  const text = consoleText(page.language);
  const e = escapeHtml;
  const rows = page.clients.map((client) => `<tr data-client-id="${e(client.clientId)}"><td><code>${e(client.clientId)}</code></td><td>${e(text.clientTypes[client.type] ?? client.type)}</td><td>${e(client.name ?? '—')}</td><td>${client.redirectUris.map((uri) => `<div class="mono">${e(uri)}</div>`).join('') || '—'}</td></tr>`).join('\n');
  const list = page.clients.length === 0
    ? `<p class="empty" data-empty>${e(text.clientsEmpty)}</p>`
    : `<table><caption class="muted">${e(text.clientsIntro)}</caption><thead><tr><th scope="col">${e(text.clientId)}</th><th scope="col">${e(text.clientType)}</th><th scope="col">${e(text.name)}</th><th scope="col">${e(text.redirectUris)}</th></tr></thead><tbody>
${rows}
</tbody></table>`;
  const pager = [
    page.isFirstPage ? '' : `<a href="/console/clients">${e(text.firstPage)}</a>`,
    page.nextCursor === null ? '' : `<a href="/console/clients?cursor=${encodeURIComponent(page.nextCursor)}" rel="next">${e(text.nextPage)}</a>`,
  ].join('');
  const values = page.form?.values ?? {};
  const errors = page.form?.errors ?? {};
  const invalid = (name: string): string => (errors[name] === undefined ? '' : ` aria-invalid="true" aria-describedby="client-${name}-error"`);
  const error = (name: string): string => (errors[name] === undefined ? '' : `<p class="field-error" id="client-${name}-error">${e(errors[name])}</p>`);
  const added = page.added === undefined ? '' : `<div class="notice" role="status"><p>${e(text.clientAdded(page.added.clientId))}</p>${page.added.secret === undefined ? '' : `
<p>${e(text.secretOnce)}</p><label for="client-secret">${e(text.secretLabel)}</label><input id="client-secret" class="mono" readonly value="${e(page.added.secret)}" data-secret>`}</div>`;
  return `${added}
<section class="card" aria-labelledby="clients-title">
<h1 id="clients-title">${e(text.clientsTitle)}</h1>
${list}
${pager === '' ? '' : `<nav class="pager" aria-label="${e(text.clientsTitle)}">${pager}</nav>`}
</section>
<section class="card" aria-labelledby="add-client-title">
<h2 id="add-client-title">${e(text.addClientTitle)}</h2>
${page.form === undefined ? '' : `<p class="notice error" role="alert">${e(text.clientFormError)}</p>`}
<form class="stack" method="post" action="/console/clients">
<input type="hidden" name="csrf" value="${e(page.csrfToken)}">
<div><label for="client-clientId">${e(text.clientId)}</label><input id="client-clientId" name="clientId" required autocomplete="off" spellcheck="false" placeholder="shop-web" value="${e(values['clientId'] ?? '')}"${invalid('clientId')}>${error('clientId')}</div>
<div><label for="client-name">${e(`${text.name}${text.optional}`)}</label><input id="client-name" name="name" autocomplete="off" value="${e(values['name'] ?? '')}"${invalid('name')}>${error('name')}</div>
<div><label for="client-redirectUris">${e(text.redirectUris)}</label><span class="muted">${e(text.redirectHint)}</span><textarea id="client-redirectUris" name="redirectUris" rows="3" required spellcheck="false"${invalid('redirectUris')}>${e(values['redirectUris'] ?? '')}</textarea>${error('redirectUris')}</div>
<div><label for="client-postLogoutRedirectUris">${e(`${text.postLogoutUris}${text.optional}`)}</label><textarea id="client-postLogoutRedirectUris" name="postLogoutRedirectUris" rows="2" spellcheck="false"${invalid('postLogoutRedirectUris')}>${e(values['postLogoutRedirectUris'] ?? '')}</textarea>${error('postLogoutRedirectUris')}</div>
<div><label class="check"><input type="checkbox" name="firstParty" value="yes"${values['firstParty'] === 'yes' ? ' checked' : ''}>${e(text.firstParty)}</label></div>
<div><button class="button primary" type="submit">${e(text.addClient)}</button></div>
</form>
</section>`;
}
