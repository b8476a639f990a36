/**
 * A secret shown once (issue 14 #3: a new client's secret, a rotated one) with a copy button. Without
 * script the field is readonly and selectable and the button stays hidden; the script (run under the
 * page's CSP nonce, no inline handlers) shows the button, writes the value with
 * navigator.clipboard.writeText and announces the result in an aria-live="polite" region.
 */
import { escapeHtml as e } from '../../pages/html.ts';

export interface SecretOnce {
  /** Unique on the page: the field's id. */
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly words: { readonly copy: string; readonly copied: string; readonly copyFailed: string };
}

export function secretOnceField(secret: SecretOnce): string {
  const { words } = secret;
  return `<div class="secret-once"><label for="${e(secret.id)}">${e(secret.label)}</label>
<div class="row"><input id="${e(secret.id)}" class="mono" readonly spellcheck="false" autocomplete="off" value="${e(secret.value)}" data-secret>
<button class="button" type="button" hidden data-copy="${e(secret.id)}" data-copied="${e(words.copied)}" data-copy-failed="${e(words.copyFailed)}">${e(words.copy)}</button></div>
<p class="copy-status" aria-live="polite" data-copy-status="${e(secret.id)}"></p></div>`;
}

/** The progressive enhancement of every secretOnceField on the page (sendConsolePage `script`). */
export const COPY_SECRET_SCRIPT = `
for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
  if (!field || !status || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener('click', () => {
    status.textContent = '';
    navigator.clipboard.writeText(field.value).then(
      () => { status.textContent = button.dataset.copied; },
      () => { field.select(); status.textContent = button.dataset.copyFailed; },
    );
  });
}`;

