/**
 * "Bind or register" (issue 17 #2): a browser sign-in brought a WeChat identity no account holds yet.
 * The person links it to the account they already have — proved by scanning with the mini-program —
 * or, where the app allows it, creates a new account; without that permission the page says why there
 * is only one choice. Controls carry `data-action`, so tests and operators drive it without reading words.
 */
import { escapeHtml, type PageShell } from '../../../pages/html.ts';
import type { PageLanguage } from '../../../pages/page-language.ts';
import { textFor } from './page-text.ts';

export interface BindPage {
  readonly language: PageLanguage;
  readonly clientName: string;
  /** Starts the scan with the mini-program for this interaction. */
  readonly linkHref: string;
  /** Where "create a new account" posts; undefined when the app creates no accounts. */
  readonly createAction: string | undefined;
}

export function bindPage(page: BindPage): PageShell {
  const text = textFor(page.language);
  const create = page.createAction === undefined
    ? `<p class="muted" data-create-refused>${escapeHtml(text.createRefused)}</p>`
    : `<form method="post" action="${escapeHtml(page.createAction)}"><button class="method" type="submit" data-action="create-new">${escapeHtml(text.createNew)}</button></form>`;
  return {
    language: page.language,
    title: text.bindTitle,
    body: `<div class="card" data-bind-or-register>
<h1>${escapeHtml(text.bindTitle)}</h1>
<p>${escapeHtml(text.bindLead(page.clientName))}</p>
<a class="method primary" data-action="link-existing" href="${escapeHtml(page.linkHref)}">${escapeHtml(text.linkExisting)}</a>
<p class="muted">${escapeHtml(text.linkExistingHint)}</p>
${create}
</div>`,
  };
}
