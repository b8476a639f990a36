/**
 * "Add a client" for one type (issue 14 #3), chosen on the list page first: a mini-program client picks
 * its mini-program app, a web or single-page app its redirect URIs, a service client its APIs. The
 * API's message shows next to its field and what was typed stays (the form carries no secret).
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import type { ClientType } from '../client-form.ts';
import { clientsText } from './clients-text.ts';
import { consoleText } from './console-text.ts';
import { checkboxField, csrfInput, formField } from './page-parts.ts';

export interface MiniProgramApp { readonly appId: string; readonly name: string | null }

export interface ClientFormPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly type: ClientType;
  /** The mini-program apps (for a mini-program client's app and a browser client's scan app). */
  readonly miniPrograms: readonly MiniProgramApp[];
  readonly values?: Readonly<Record<string, string>> | undefined;
  readonly errors?: Readonly<Record<string, string>> | undefined;
}

const DEFAULT_SCOPES: Readonly<Record<ClientType, string>> = { miniprogram: 'openid profile offline_access', web: 'openid profile', spa: 'openid profile', service: '' };

export function clientFormBody(page: ClientFormPage): string {
  const text = consoleText(page.language);
  const words = clientsText(page.language);
  const { type } = page;
  const values = page.values ?? { scope: DEFAULT_SCOPES[type] };
  const errors = page.errors ?? {};
  const field = (name: string, label: string, control: string, hint?: string): string => formField({ form: 'client', name, label, control, hint, error: errors[name] });
  const input = (name: string, extra = ''): string => `<input autocomplete="off" spellcheck="false"${extra} value="${e(values[name] ?? '')}">`;
  const textarea = (name: string, rows: number, extra = ''): string => `<textarea rows="${rows}" spellcheck="false"${extra}>${e(values[name] ?? '')}</textarea>`;
  const appOption = (app: MiniProgramApp, selected: string | undefined): string =>
    `<option value="${e(app.appId)}"${selected === app.appId ? ' selected' : ''}>${e(app.name === null ? app.appId : `${app.name} (${app.appId})`)}</option>`;
  const browser = type === 'web' || type === 'spa';
  const fields = [
    field('clientId', text.clientId, input('clientId', ' required placeholder="shop-web"')),
    type === 'miniprogram' ? miniProgramField(page, field, appOption) : '',
    browser ? field('name', `${text.name}${words.optional}`, input('name')) : '',
    browser ? field('redirectUris', text.redirectUris, textarea('redirectUris', 3, ' required'), text.redirectHint) : '',
    browser ? field('postLogoutRedirectUris', `${text.postLogoutUris}${words.optional}`, textarea('postLogoutRedirectUris', 2)) : '',
    browser ? checkboxField({ name: 'firstParty', label: text.firstParty, checked: values['firstParty'] === 'yes' }) : '',
    browser && page.miniPrograms.length > 0
      ? field('scanAppId', `${words.scanApp}${words.optional}`, `<select><option value="">${e(words.scanAppDefault)}</option>${page.miniPrograms.map((app) => appOption(app, values['scanAppId'])).join('')}</select>`) : '',
    type === 'service' ? '' : field('scope', words.scope, input('scope'), words.scopeHint),
    field('resources', `${words.resources}${type === 'service' ? '' : words.optional}`, textarea('resources', 3), words.resourcesHint),
    field('defaultResource', `${words.defaultResource}${words.optional}`, input('defaultResource', ' placeholder="https://api.example.com"'), words.defaultResourceHint),
  ].filter((markup) => markup !== '').join('\n');
  return `<p><a href="/console/clients">← ${e(words.backToClients)}</a></p>
<section class="card" aria-labelledby="add-client-title">
<h1 id="add-client-title">${e(words.addTitles[type] ?? '')}</h1>
<p class="muted">${e(words.typeHints[type] ?? '')} <a href="/console/clients#add-client-title">${e(words.otherType)}</a></p>
${page.errors === undefined ? '' : `<div class="notice error" role="alert"><p>${e(text.clientFormError)}</p>${unplaced(page.errors, fields)}</div>`}
<form class="stack" method="post" action="/console/clients">
${csrfInput(page.csrfToken)}
<input type="hidden" name="type" value="${type}">
${fields}
<div><button class="button primary" type="submit">${e(text.addClient)}</button></div>
</form>
</section>`;
}

/** A message about a field this form does not show (e.g. the app of a mini-program client when there is none): shown in the alert. */
function unplaced(errors: Readonly<Record<string, string>>, fields: string): string {
  return Object.entries(errors).filter(([name]) => !fields.includes(`id="client-${name}-error"`)).map(([name, message]) => `<p>${e(`${name}: ${message}`)}</p>`).join('');
}

type Field = (name: string, label: string, control: string, hint?: string) => string;

function miniProgramField(page: ClientFormPage, field: Field, appOption: (app: MiniProgramApp, selected: string | undefined) => string): string {
  const words = clientsText(page.language);
  if (page.miniPrograms.length === 0) {
    return `<div class="notice error" role="alert" data-empty><p>${e(words.noMiniPrograms)} <a href="/console/apps">${e(consoleText(page.language).appsTitle)}</a></p></div>`;
  }
  return field('wechatAppId', words.wechatApp, `<select required>${page.miniPrograms.map((app) => appOption(app, page.values?.['wechatAppId'])).join('')}</select>`);
}
