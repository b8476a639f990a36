/**
 * A WeChat app's own page (issue 14 #3): its facts, check with WeChat, edit (no secret needed), the
 * account settings, replace the AppSecret (entered once, never shown), and removal behind a
 * confirmation page. Every form shows the API's message next to its field and keeps what was typed,
 * never the secret.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { checkNotice, type AppsPage } from './apps-page.ts';
import { appsText } from './apps-text.ts';
import { consoleText } from './console-text.ts';
import { checkboxField, csrfInput, formField, notice, postButton } from './page-parts.ts';

export interface AppView {
  readonly appId: string;
  readonly kind: string;
  readonly name: string | null;
  readonly openPlatformId: string | null;
  readonly webSignInPage: string;
  readonly linkByVerifiedPhone: boolean;
  readonly unionIdConflict: string;
  readonly newAccountsAllowed: boolean;
}

/** What was typed (never a secret) and the API's message per field, after a refused change. */
export interface FormState { readonly values: Readonly<Record<string, string>>; readonly errors: Readonly<Record<string, string>> }

export const APP_DONE = ['updated', 'settings', 'secret'] as const;
export type AppDone = (typeof APP_DONE)[number];

export interface AppPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly app: AppView;
  readonly done?: AppDone | undefined;
  readonly checked?: AppsPage['checked'];
  readonly edit?: FormState | undefined;
  readonly settings?: FormState | undefined;
  readonly secret?: FormState | undefined;
}

const appPath = (appId: string): string => `/console/apps/${encodeURIComponent(appId)}`;

export function appPageBody(page: AppPage): string {
  const { app } = page;
  const text = consoleText(page.language);
  const words = appsText(page.language);
  const doneWords: Record<AppDone, string> = { updated: words.updated, settings: words.settingsSaved, secret: words.secretReplaced };
  const yesNo = (value: boolean): string => (value ? words.yes : words.no);
  const facts = [
    [text.appId, `<span class="mono break">${e(app.appId)}</span>`],
    [text.kind, e(text.kinds[app.kind] ?? app.kind)],
    [text.name, e(app.name ?? '—')],
    [text.openPlatform, `<span class="mono break">${e(app.openPlatformId ?? '—')}</span>`],
    ...(app.kind === 'miniprogram' ? [[words.webSignInPage, `<span class="mono break">${e(app.webSignInPage)}</span>`]] : []),
    [words.factLinkByPhone, yesNo(app.linkByVerifiedPhone)],
    [words.factNewAccounts, app.newAccountsAllowed ? words.allowed : words.refused],
    [words.factConflict, e(words.conflictPolicies[app.unionIdConflict] ?? app.unionIdConflict)],
  ].map(([term, value]) => `<dt>${e(term ?? '')}</dt><dd>${value ?? ''}</dd>`).join('');
  const checkButton = postButton({ action: `${appPath(app.appId)}/check`, csrfToken: page.csrfToken, words: text.check, label: text.checkLabel(app.appId), hidden: { from: 'app' }, ...(page.done === 'secret' ? { className: 'primary' } : {}) });
  return `<p><a href="/console/apps">← ${e(words.backToApps)}</a></p>
${page.done === undefined ? '' : notice('done', doneWords[page.done])}
<section class="card" aria-labelledby="app-title">
<h1 id="app-title" class="break">${e(words.appTitle(app.appId))}</h1>
${checkNotice(page.language, page.checked)}${page.checked !== undefined && 'diagnosis' in page.checked && page.checked.diagnosis === 'wrong_secret' ? `<p data-fix><a href="#secret-title">${e(words.wrongSecretHere)}</a></p>` : ''}
<p class="muted">${e(words.factsCaption)}</p>
<dl class="facts" data-app="${e(app.appId)}">${facts}</dl>
<div class="actions">${checkButton}</div>
</section>
${editCard(page)}
${settingsCard(page)}
${secretCard(page)}
<section class="card" aria-labelledby="remove-title">
<h2 id="remove-title">${e(words.removeTitle)}</h2>
<p>${e(words.removeIntro)}</p>
<a class="button danger break" href="${appPath(app.appId)}/remove">${e(words.removeAppLabel(app.appId))}</a>
</section>`;
}

function formNotice(state: FormState | undefined, words: string): string {
  return state === undefined ? '' : `<p class="notice error" role="alert">${e(words)}</p>`;
}

function editCard(page: AppPage): string {
  const { app } = page;
  const text = consoleText(page.language);
  const words = appsText(page.language);
  const values = page.edit?.values ?? { name: app.name ?? '', openPlatformId: app.openPlatformId ?? '', webSignInPage: app.webSignInPage };
  const errors = page.edit?.errors ?? {};
  const field = (name: string, label: string, hint?: string): string => formField({
    form: 'edit', name, label, hint, error: errors[name], control: `<input autocomplete="off" spellcheck="false" value="${e(values[name] ?? '')}">`,
  });
  return `<section class="card" aria-labelledby="edit-title">
<h2 id="edit-title">${e(words.editTitle)}</h2>
${formNotice(page.edit, words.editError)}
<form class="stack" method="post" action="${appPath(app.appId)}">
${csrfInput(page.csrfToken)}
${field('name', `${text.name}${text.optional}`)}
${field('openPlatformId', `${text.openPlatform}${text.optional}`, words.openPlatformHint)}
${app.kind === 'miniprogram' ? field('webSignInPage', words.webSignInPage, words.webSignInHint) : ''}
<div><button class="button primary" type="submit">${e(words.save)}</button></div>
</form>
</section>`;
}

function settingsCard(page: AppPage): string {
  const { app } = page;
  const words = appsText(page.language);
  const values = page.settings?.values ?? {
    linkByVerifiedPhone: app.linkByVerifiedPhone ? 'yes' : '', newAccountsAllowed: app.newAccountsAllowed ? 'yes' : '', unionIdConflict: app.unionIdConflict,
  };
  const errors = page.settings?.errors ?? {};
  const options = Object.entries(words.conflictPolicies).map(([value, label]) => `<option value="${e(value)}"${values['unionIdConflict'] === value ? ' selected' : ''}>${e(label)}</option>`).join('');
  return `<section class="card" aria-labelledby="settings-title">
<h2 id="settings-title">${e(words.settingsTitle)}</h2>
${formNotice(page.settings, words.settingsError)}
<form class="stack" method="post" action="${appPath(app.appId)}/account-settings">
${csrfInput(page.csrfToken)}
${checkboxField({ name: 'linkByVerifiedPhone', label: words.linkByVerifiedPhone, checked: values['linkByVerifiedPhone'] === 'yes' })}
${checkboxField({ name: 'newAccountsAllowed', label: words.newAccountsAllowed, checked: values['newAccountsAllowed'] === 'yes' })}
${formField({ form: 'settings', name: 'unionIdConflict', label: words.unionIdConflict, control: `<select>${options}</select>`, error: errors['unionIdConflict'] })}
<div><button class="button primary" type="submit">${e(words.saveSettings)}</button></div>
</form>
</section>`;
}

function secretCard(page: AppPage): string {
  const words = appsText(page.language);
  return `<section class="card" aria-labelledby="secret-title">
<h2 id="secret-title">${e(words.secretTitle)}</h2>
${formNotice(page.secret, words.secretError)}
<form class="stack" method="post" action="${appPath(page.app.appId)}/rotate-secret">
${csrfInput(page.csrfToken)}
${formField({ form: 'secret', name: 'secret', label: words.newSecret, hint: words.secretIntro, error: page.secret?.errors['secret'], control: '<input type="password" required autocomplete="new-password" spellcheck="false">' })}
<div><button class="button primary" type="submit">${e(words.replaceSecret)}</button></div>
</form>
</section>`;
}
