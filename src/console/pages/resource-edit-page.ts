/**
 * One resource server (issue 14 #3): edit its scopes, token lifetime and algorithm (PATCH), and remove it
 * in two steps — the confirmation names the clients that would break, and shows the API's refusal.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { csrfInput, notice, postButton } from './page-parts.ts';
import { resourceFields, type ResourceForm, type ResourceRow } from './resource-fields.ts';
import { resourcesText } from './resources-text.ts';

export interface ResourceEditPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly server: ResourceRow;
  readonly saved?: boolean | undefined;
  readonly form?: ResourceForm | undefined;
  /** The removal's confirmation step: the clients granted this resource (as far as the list was read). */
  readonly removal?: { readonly clientIds: readonly string[]; readonly refused?: string | undefined } | undefined;
}

export const resourcePath = (uri: string): string => `/console/resources/${encodeURIComponent(uri)}`;

export function resourceEditPageBody(page: ResourceEditPage): string {
  const text = resourcesText(page.language);
  const { server } = page;
  const values = page.form?.values ?? { scopes: server.scopes.join(' '), accessTokenTtl: String(server.accessTokenTtl), signingAlg: server.signingAlg };
  return `${page.saved === true ? notice('done', text.saved(server.uri)) : ''}
<p><a href="/console/resources">← ${e(text.back)}</a></p>
${page.removal === undefined ? '' : removalCard(page, page.removal)}
<section class="card" aria-labelledby="resource-title" data-resource="${e(server.uri)}">
<h1 id="resource-title" class="wrap">${e(text.editTitle(server.uri))}</h1>
${page.form === undefined ? '' : notice('error', text.saveError)}
<form class="stack" method="post" action="${e(resourcePath(server.uri))}">
${csrfInput(page.csrfToken)}
${resourceFields({ language: page.language, form: 'resource-edit', withUri: false, values, errors: page.form?.errors ?? {} })}
<div><button class="button primary" type="submit">${e(text.save)}</button></div>
</form>
</section>
${page.removal === undefined ? `<section class="card" aria-labelledby="remove-title">
<h2 id="remove-title">${e(text.removeTitle)}</h2>
<p>${e(text.removeIntro)}</p>
<a class="button danger" href="${e(resourcePath(server.uri))}/remove">${e(text.removeStart)}</a>
</section>` : ''}`;
}

function removalCard(page: ResourceEditPage, removal: NonNullable<ResourceEditPage['removal']>): string {
  const text = resourcesText(page.language);
  const uri = page.server.uri;
  const clients = removal.clientIds.length === 0
    ? `<p>${e(text.confirmNone)}</p>`
    : `<p>${e(text.confirmBreaks(removal.clientIds.length))}</p><ul class="names" data-granted-clients>${removal.clientIds.map((id) => `<li><code>${e(id)}</code></li>`).join('')}</ul>`;
  const refused = removal.refused === undefined ? '' : notice('error', `${text.removeRefused} ${removal.refused}`);
  return `<section class="card confirm" aria-labelledby="confirm-title" data-confirm-removal>
<h2 id="confirm-title" class="wrap">${e(text.confirmTitle(uri))}</h2>
${refused}
<p>${e(text.removeIntro)}</p>
${clients}
<div class="actions">${postButton({ action: `${resourcePath(uri)}/remove`, csrfToken: page.csrfToken, words: text.confirm, label: text.confirmLabel(uri), className: 'danger' })}
<a class="button" href="${e(resourcePath(uri))}">${e(text.cancel)}</a></div>
</section>`;
}
