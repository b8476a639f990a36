/** The consent page for third-party clients (issue 13 #2): the scopes in plain words, allow or deny. */
import { OIDC_SCOPES } from '../../../clients/client-metadata.ts';
import { escapeHtml, type PageShell } from '../../../pages/html.ts';
import type { PageLanguage } from '../../../pages/page-language.ts';
import { textFor } from './page-text.ts';

export interface ConsentPage {
  readonly language: PageLanguage;
  readonly clientName: string;
  /** OIDC scopes asked for and not yet granted, then API scopes per resource. */
  readonly scopes: readonly string[];
  readonly apiScopes: readonly string[];
  readonly confirmAction: string;
  readonly denyAction: string;
}

export function consentPage(page: ConsentPage): PageShell {
  const text = textFor(page.language);
  const described = page.scopes.filter((s) => (OIDC_SCOPES as readonly string[]).includes(s)).map((s) => text.scopes[s] ?? s);
  const items = [...described, ...page.apiScopes].map((line) => `<li>${escapeHtml(line)}</li>`).join('');
  return {
    language: page.language,
    title: text.consentTitle,
    body: `<div class="card">
<h1>${escapeHtml(text.consentTitle)}</h1>
<p>${escapeHtml(text.consentLead(page.clientName))}</p>
<ul class="scopes" data-scopes="${escapeHtml(page.scopes.join(' '))}">${items}</ul>
<form method="post" action="${escapeHtml(page.confirmAction)}" id="consent-allow"><button class="method primary" type="submit" data-consent="allow">${escapeHtml(text.allow)}</button></form>
<form method="post" action="${escapeHtml(page.denyAction)}" id="consent-deny"><button class="method" type="submit" data-consent="deny">${escapeHtml(text.deny)}</button></form>
</div>`,
  };
}
