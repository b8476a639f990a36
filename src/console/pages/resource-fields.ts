/**
 * The fields of a resource server as POST and PATCH /admin/v1/resources take them (scopes, accessTokenTtl,
 * signingAlg; uri only when adding), each with the API's message next to it. Shared by the add and edit forms.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { formField } from './page-parts.ts';
import { resourcesText } from './resources-text.ts';

export interface ResourceRow { readonly uri: string; readonly scopes: readonly string[]; readonly accessTokenTtl: number; readonly signingAlg: string }

/** What was typed and the admin API's message per field, after a refused add or edit. */
export interface ResourceForm { readonly values: Readonly<Record<string, string>>; readonly errors: Readonly<Record<string, string>> }

/** The form fields in the API's own names: its `field: problem` messages land next to them. */
export const RESOURCE_FIELDS = ['uri', 'scopes', 'accessTokenTtl', 'signingAlg'] as const;
const ALGORITHMS = ['ES256', 'RS256'] as const;

export function resourceFields(options: { language: PageLanguage; form: string; withUri: boolean; values: Readonly<Record<string, string>>; errors: Readonly<Record<string, string>> }): string {
  const text = resourcesText(options.language);
  const { values, errors } = options;
  const field = (name: string, label: string, control: string, hint: string): string => formField({ form: options.form, name, label, control, hint, error: errors[name] });
  const alg = values['signingAlg'] ?? 'ES256';
  const algOptions = ALGORITHMS.map((a) => `<option value="${a}"${alg === a ? ' selected' : ''}>${a}</option>`).join('');
  return [
    options.withUri ? field('uri', text.uri, `<input type="url" required autocomplete="off" spellcheck="false" placeholder="https://api.example.com" value="${e(values['uri'] ?? '')}">`, text.uriHint) : '',
    field('scopes', text.scopes, `<input required autocomplete="off" spellcheck="false" placeholder="orders:read orders:write" value="${e(values['scopes'] ?? '')}">`, text.scopesHint),
    field('accessTokenTtl', text.ttl, `<input type="number" inputmode="numeric" required min="30" max="3600" step="1" value="${e(values['accessTokenTtl'] ?? '600')}">`, text.ttlHint),
    field('signingAlg', text.alg, `<select>${algOptions}</select>`, text.algHint),
  ].filter((part) => part !== '').join('\n');
}

/** The body PATCH or POST /admin/v1/resources takes, from the form (the TTL as a number, as the API wants it). */
export function resourceBody(form: URLSearchParams, withUri: boolean): Record<string, unknown> {
  const ttl = form.get('accessTokenTtl')?.trim() ?? '';
  return {
    ...(withUri ? { uri: form.get('uri')?.trim() ?? '' } : {}),
    scopes: (form.get('scopes') ?? '').trim().replace(/\s+/g, ' '),
    // A blank or non-numeric TTL is sent as it is not a number, so the API's own message explains it.
    accessTokenTtl: /^-?\d+$/.test(ttl) ? Number(ttl) : ttl,
    signingAlg: form.get('signingAlg') ?? '',
  };
}

/** What the form showed, to show again after a refusal. */
export function typedValues(form: URLSearchParams): Record<string, string> {
  return Object.fromEntries(RESOURCE_FIELDS.map((name) => [name, form.get(name) ?? '']));
}
