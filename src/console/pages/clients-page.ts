/** Clients (issue 14 #3): the list (paginated, empty state, each row opening the client's page) and the choice of what kind to add. */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { CLIENT_TYPES } from '../client-form.ts';
import type { ListPage } from '../console-request.ts';
import { clientsText } from './clients-text.ts';
import { consoleText } from './console-text.ts';
import { dataTable, notice, pager } from './page-parts.ts';

export interface ClientRow { readonly clientId: string; readonly type: string; readonly name: string | null; readonly redirectUris: readonly string[] }

export interface ClientsPage {
  readonly language: PageLanguage;
  readonly list: ListPage<ClientRow>;
  /** Just removed (from the client's page). */
  readonly removed?: string | undefined;
}

export function clientsPageBody(page: ClientsPage): string {
  const text = consoleText(page.language);
  const words = clientsText(page.language);
  const rows = page.list.items.map((client) => `<tr data-client-id="${e(client.clientId)}"><td><a class="mono break" href="/console/clients/${encodeURIComponent(client.clientId)}">${e(client.clientId)}</a></td><td>${e(text.clientTypes[client.type] ?? client.type)}</td><td>${e(client.name ?? '—')}</td><td>${client.redirectUris.map((uri) => `<div class="mono break">${e(uri)}</div>`).join('') || '—'}</td></tr>`);
  const choices = CLIENT_TYPES.map((type, index) => `<div><label class="check"><input type="radio" name="type" value="${type}" aria-describedby="type-${type}-hint"${index === 0 ? ' required' : ''}>${e(text.clientTypes[type] ?? type)}</label>
<span class="muted hint" id="type-${type}-hint">${e(words.typeHints[type] ?? '')}</span></div>`).join('\n');
  return `${page.removed === undefined ? '' : notice('done', words.removed(page.removed))}
<section class="card" aria-labelledby="clients-title">
<h1 id="clients-title">${e(text.clientsTitle)}</h1>
${dataTable({ caption: text.clientsIntro, headers: [text.clientId, text.clientType, text.name, text.redirectUris], rows, empty: words.clientsEmpty })}
${pager({ path: '/console/clients', label: text.clientsTitle, isFirstPage: page.list.isFirstPage, nextCursor: page.list.nextCursor, words: text })}
</section>
<section class="card" aria-labelledby="add-client-title">
<h2 id="add-client-title">${e(words.chooseTitle)}</h2>
<form class="stack" method="get" action="/console/clients/new">
<fieldset class="choices"><legend>${e(words.chooseLegend)}</legend>
${choices}
</fieldset>
<div><button class="button primary" type="submit">${e(words.continue)}</button></div>
</form>
</section>`;
}
