/**
 * Resource servers (issue 14 #3): the list (paginated; URI, scopes, token lifetime, algorithm) with an
 * empty state that says what a resource server is, and the add form with the API's messages by field.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import type { ListPage } from '../console-request.ts';
import { consoleText } from './console-text.ts';
import { csrfInput, dataTable, notice, pager, scrollable } from './page-parts.ts';
import { resourceFields, type ResourceForm, type ResourceRow } from './resource-fields.ts';
import { resourcesText } from './resources-text.ts';

export interface ResourcesPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly list: ListPage<ResourceRow>;
  /** wxbridge's own admin API audience: listed, marked as managed, never offered for editing. */
  readonly adminAudience: string;
  readonly jwksUrl: string;
  readonly done?: { readonly kind: 'added' | 'removed'; readonly uri: string } | undefined;
  readonly form?: ResourceForm | undefined;
}

export function resourcesPageBody(page: ResourcesPage): string {
  const text = resourcesText(page.language);
  const common = consoleText(page.language);
  const rows = page.list.items.map((server) => resourceRow(page, server));
  const own = page.list.items.filter((server) => server.uri !== page.adminAudience);
  // The admin API's audience always exists once an admin is signed in: "empty" means none of the operator's own.
  const isEmpty = own.length === 0 && page.list.isFirstPage && page.list.nextCursor === null;
  const done = page.done === undefined ? '' : notice('done', page.done.kind === 'added' ? text.added(page.done.uri) : text.removed(page.done.uri));
  return `${done}
<section class="card" aria-labelledby="resources-title">
<h1 id="resources-title">${e(text.title)}</h1>
${isEmpty ? `<p class="empty" data-empty>${e(text.empty(page.jwksUrl))}</p>` : ''}
${scrollable(text.title, dataTable({ caption: text.intro, headers: [text.uri, text.scopes, text.ttlShort, text.algShort, text.actions], rows, empty: text.empty(page.jwksUrl) }))}
${pager({ path: '/console/resources', label: text.title, isFirstPage: page.list.isFirstPage, nextCursor: page.list.nextCursor, words: common })}
</section>
<section class="card" aria-labelledby="add-resource-title">
<h2 id="add-resource-title">${e(text.addTitle)}</h2>
${page.form === undefined ? '' : notice('error', text.addError)}
<form class="stack" method="post" action="/console/resources">
${csrfInput(page.csrfToken)}
${resourceFields({ language: page.language, form: 'resource', withUri: true, values: page.form?.values ?? {}, errors: page.form?.errors ?? {} })}
<div><button class="button primary" type="submit">${e(text.add)}</button></div>
</form>
</section>`;
}

function resourceRow(page: ResourcesPage, server: ResourceRow): string {
  const text = resourcesText(page.language);
  const action = server.uri === page.adminAudience
    ? `<span class="muted">${e(text.managed)}</span>`
    : `<a class="button" href="/console/resources/${encodeURIComponent(server.uri)}" aria-label="${e(text.editLabel(server.uri))}">${e(text.edit)}</a>`;
  return `<tr data-resource="${e(server.uri)}"><td class="mono wrap">${e(server.uri)}</td><td class="mono wrap">${e(server.scopes.join(' '))}</td><td>${e(text.seconds(server.accessTokenTtl))}</td><td>${e(server.signingAlg)}</td><td>${action}</td></tr>`;
}
