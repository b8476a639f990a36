/**
 * The confirmation step of a removal that needs nothing but its words (an app, a client; issue 14 #3):
 * what removing does, the admin API's refusal after a refused try, the button that removes, the way back.
 * Plain HTML, no script.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import { notice, postButton } from './page-parts.ts';

/** A section's words for its confirmation step (apps-text.ts, clients-text.ts). */
export interface RemovalWords {
  confirmRemoveTitle(id: string): string;
  readonly confirmRemove: string;
  confirmRemoveButton(id: string): string;
  readonly cancel: string;
  readonly removeRefused: string;
}

/** `path` is the page of the thing removed: the removal posts to `<path>/remove`, cancel goes back to it. */
export function removalConfirmationBody(page: { words: RemovalWords; csrfToken: string; id: string; path: string; refusal?: string | undefined }): string {
  const { words } = page;
  return `<section class="card" aria-labelledby="remove-title">
<h1 id="remove-title" class="break">${e(words.confirmRemoveTitle(page.id))}</h1>
${page.refusal === undefined ? '' : notice('error', words.removeRefused, `<p data-refusal>${e(page.refusal)}</p>`)}
<p>${e(words.confirmRemove)}</p>
<div class="actions">
${postButton({ action: `${page.path}/remove`, csrfToken: page.csrfToken, words: words.confirmRemoveButton(page.id), className: 'danger' })}
<a class="button" href="${e(page.path)}">${e(words.cancel)}</a>
</div>
</section>`;
}
