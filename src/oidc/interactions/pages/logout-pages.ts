/**
 * RP-initiated logout pages (OpenID Connect RP-Initiated Logout 1.0 §2, §3): the confirmation around
 * oidc-provider's own form (it carries the xsrf token), and the page shown when no client redirect follows.
 */
import { escapeHtml, type PageShell } from '../../../pages/html.ts';
import type { PageLanguage } from '../../../pages/page-language.ts';
import { textFor } from './page-text.ts';

/** `form` is oidc-provider's `<form id="op.logoutForm" …>` with its hidden xsrf input. */
export function logoutPage(language: PageLanguage, form: string): PageShell {
  const text = textFor(language);
  return {
    language,
    title: text.logoutTitle,
    body: `<div class="card">
<h1>${escapeHtml(text.logoutTitle)}</h1>
<p>${escapeHtml(text.logoutLead)}</p>
${form}
<button class="method primary" type="submit" form="op.logoutForm" name="logout" value="yes" data-logout="confirm">${escapeHtml(text.logoutConfirm)}</button>
<button class="method" type="submit" form="op.logoutForm" data-logout="cancel">${escapeHtml(text.logoutCancel)}</button>
</div>`,
  };
}

export function loggedOutPage(language: PageLanguage): PageShell {
  const text = textFor(language);
  return {
    language,
    title: text.loggedOutTitle,
    body: `<div class="card" data-logged-out="true">
<h1>${escapeHtml(text.loggedOutTitle)}</h1>
<p>${escapeHtml(text.loggedOutBody)}</p>
</div>`,
  };
}
