/**
 * The error page (issue 13 #4): what happened in words a person can act on, a retry link when one
 * makes sense, a reference for support — never a stack, WeChat's raw errmsg, or a redirect.
 */
import { escapeHtml, type PageShell } from '../../../pages/html.ts';
import type { PageLanguage } from '../../../pages/page-language.ts';
import { textFor, type FailureClass } from './page-text.ts';

export interface ErrorPage {
  readonly language: PageLanguage;
  readonly failure: FailureClass;
  /** Where "sign in again" goes (the sign-in page of the same interaction), when it still exists. */
  readonly retryHref?: string | undefined;
  /** Correlates with the log line, e.g. the OAuth error code or WeChat errcode class. */
  readonly reference?: string | undefined;
}

export function errorPage(page: ErrorPage): PageShell {
  const text = textFor(page.language);
  return {
    language: page.language,
    title: text.errorTitle,
    body: `<div class="card" data-failure="${page.failure}">
<h1>${escapeHtml(text.errorTitle)}</h1>
<p role="alert">${escapeHtml(text.failures[page.failure])}</p>
${page.retryHref === undefined ? '' : `<a class="method primary" data-action="retry" href="${escapeHtml(page.retryHref)}">${escapeHtml(text.retry)}</a>`}
${page.reference === undefined ? '' : `<p class="code">${escapeHtml(text.reference)}: ${escapeHtml(page.reference)}</p>`}
</div>`,
  };
}

/** WeChat's snapshot-mode virtual user (wechat-api.md §8.1): nothing is created; open the full page. */
export function snapshotPage(language: PageLanguage, retryHref: string): PageShell {
  const text = textFor(language);
  return {
    language,
    title: text.snapshotTitle,
    body: `<div class="card" data-failure="snapshot">
<h1>${escapeHtml(text.snapshotTitle)}</h1>
<p role="alert">${escapeHtml(text.snapshotBody)}</p>
<a class="method primary" data-action="retry" href="${escapeHtml(retryHref)}">${escapeHtml(text.retry)}</a>
</div>`,
  };
}
