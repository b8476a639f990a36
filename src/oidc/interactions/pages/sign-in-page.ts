/**
 * The hosted sign-in page (issue 13 #3): the natural WeChat method for this browser first, the others
 * after it; each a control with `data-method`, so tests and operators drive it without reading words.
 */
import { escapeHtml, type PageShell } from '../../../pages/html.ts';
import type { PageLanguage } from '../../../pages/page-language.ts';
import { textFor, type SignInMethod } from './page-text.ts';

export interface SignInPage {
  readonly language: PageLanguage;
  readonly clientName: string;
  /** Offered methods, the natural one first, with where each starts. */
  readonly methods: readonly { method: SignInMethod; href: string }[];
}

export function signInPage(page: SignInPage): PageShell {
  const text = textFor(page.language);
  const [first, ...others] = page.methods;
  const link = (m: { method: SignInMethod; href: string }, primary: boolean): string =>
    `<a class="method${primary ? ' primary' : ''}" data-method="${m.method}" href="${escapeHtml(m.href)}">${escapeHtml(text.methods[m.method])}</a>`;
  const body = first === undefined
    ? `<p role="alert">${escapeHtml(text.noMethod)}</p>`
    : [link(first, true), ...(others.length === 0 ? [] : [`<p class="muted">${escapeHtml(text.otherMethods)}</p>`, ...others.map((m) => link(m, false))])].join('\n');
  return {
    language: page.language,
    title: text.signInTitle,
    body: `<div class="card">
<h1>${escapeHtml(text.signInTitle)}</h1>
<p>${escapeHtml(text.signInLead(page.clientName))}</p>
${body}
</div>`,
  };
}
