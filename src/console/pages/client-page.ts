/**
 * A client's own page (issue 14 #3): its metadata, a secret shown once (just added or rotated, with a
 * copy button), edit scopes and resources with the version read, rotate the secret with an overlap,
 * and removal behind a confirmation page that says its grants and refresh tokens are revoked.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { formatResources } from '../client-form.ts';
import { clientsText } from './clients-text.ts';
import { consoleText } from './console-text.ts';
import { secretOnceField } from './copy-secret.ts';
import { csrfInput, formField, notice } from './page-parts.ts';

/** GET /admin/v1/clients/:id (src/clients/client-views.ts). */
export interface ClientView {
  readonly clientId: string;
  readonly type: string;
  readonly name: string | null;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly firstParty: boolean;
  readonly scanAppId: string | null;
  readonly wechatAppId: string | null;
  readonly scope: string | null;
  readonly resources: Readonly<Record<string, string>>;
  readonly defaultResource: string | null;
  readonly credentials: readonly { readonly createdAt: string; readonly expiresAt: string | null }[];
  readonly version: number;
}

export interface ClientPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly client: ClientView;
  readonly done?: 'updated' | undefined;
  /** Just added (a public client has no secret to show: a notice says it was added). */
  readonly added?: boolean | undefined;
  /** A secret shown in this response only: a new client's, or a rotated one with until when the old one works. */
  readonly secret?: { readonly value: string; readonly kind: 'added' | 'rotated'; readonly previousUntil: string | null } | undefined;
  /** After a refused edit: what was typed and the API's message per field; `conflict`: the form shows the current values. */
  readonly edit?: { readonly values?: Readonly<Record<string, string>>; readonly errors: Readonly<Record<string, string>>; readonly conflict?: string } | undefined;
  readonly rotateRefusal?: string | undefined;
}

const clientPath = (clientId: string): string => `/console/clients/${encodeURIComponent(clientId)}`;
/** An ISO instant as people read it, in UTC (the console does not know the admin's zone). */
export const readableTime = (iso: string): string => `<time datetime="${e(iso)}">${e(iso.slice(0, 16).replace('T', ' '))} UTC</time>`;
const list = (items: readonly string[]): string => (items.length === 0 ? '—' : items.map((item) => `<div class="mono break">${e(item)}</div>`).join(''));

export function clientPageBody(page: ClientPage): string {
  const { client } = page;
  const text = consoleText(page.language);
  const words = clientsText(page.language);
  const browser = client.type === 'web' || client.type === 'spa';
  const resources = Object.entries(client.resources).map(([uri, scopes]) => `${uri}${scopes === '' ? '' : ` — ${scopes}`}`);
  const facts: [string, string][] = [
    [text.clientId, `<span class="mono break">${e(client.clientId)}</span>`],
    [text.clientType, e(text.clientTypes[client.type] ?? client.type)],
    ...(browser ? [[text.name, e(client.name ?? '—')], [text.redirectUris, list(client.redirectUris)], [text.postLogoutUris, list(client.postLogoutRedirectUris)],
      [words.firstParty, e(client.firstParty ? words.firstPartyWords.yes : words.firstPartyWords.no)], [words.scanApp, list(client.scanAppId === null ? [] : [client.scanAppId])]] satisfies [string, string][] : []),
    ...(client.wechatAppId === null ? [] : [[words.wechatApp, `<a class="mono" href="/console/apps/${encodeURIComponent(client.wechatAppId)}">${e(client.wechatAppId)}</a>`]] satisfies [string, string][]),
    ...(client.scope === null ? [] : [[words.scope, `<span class="mono">${e(client.scope)}</span>`]] satisfies [string, string][]),
    [words.resources, list(resources)],
    [words.defaultResource, list(client.defaultResource === null ? [] : [client.defaultResource])],
    ...(client.credentials.length === 0 ? [] : [[words.secrets, client.credentials.map((c) => `<div>${words.secretIssued(readableTime(c.createdAt), c.expiresAt === null ? null : readableTime(c.expiresAt))}</div>`).join('')]] satisfies [string, string][]),
    [words.version, String(client.version)],
  ];
  return `<p><a href="/console/clients">← ${e(words.backToClients)}</a></p>
${page.done === 'updated' ? notice('done', words.updated) : ''}${page.added === true && page.secret === undefined ? notice('done', text.clientAdded(client.clientId)) : ''}
${secretPanel(page)}
<section class="card" aria-labelledby="client-title">
<h1 id="client-title" class="break">${e(words.clientTitle(client.clientId))}</h1>
<p class="muted">${e(words.factsCaption)}</p>
<dl class="facts" data-client="${e(client.clientId)}" data-version="${String(client.version)}">${facts.map(([term, value]) => `<dt>${e(term)}</dt><dd>${value}</dd>`).join('')}</dl>
</section>
${editCard(page)}
${client.credentials.length === 0 ? '' : rotateCard(page)}
<section class="card" aria-labelledby="remove-title">
<h2 id="remove-title">${e(words.removeTitle)}</h2>
<p>${e(words.removeIntro)}</p>
<a class="button danger break" href="${clientPath(client.clientId)}/remove">${e(words.removeClientLabel(client.clientId))}</a>
</section>`;
}

function secretPanel(page: ClientPage): string {
  if (page.secret === undefined) return '';
  const text = consoleText(page.language);
  const words = clientsText(page.language);
  const { secret } = page;
  // Rotated with no overlap: previousUntil is null, the old secret already stopped (words, not a time).
  const until = secret.kind === 'added' ? '' : `<p data-previous-until>${secret.previousUntil === null ? e(words.rotatedNow) : words.rotatedUntil(readableTime(secret.previousUntil))}</p>`;
  const title = secret.kind === 'added' ? text.clientAdded(page.client.clientId) : words.newSecretTitle;
  return `<section class="notice" role="status" aria-labelledby="secret-title" data-secret-once>
<h2 id="secret-title">${e(title)}</h2>
<p>${e(words.secretOnce)}</p>
${secretOnceField({ id: 'client-secret', label: words.secretLabel, value: secret.value, words })}
${until}
</section>`;
}

function editCard(page: ClientPage): string {
  const { client } = page;
  const words = clientsText(page.language);
  const current = { scope: client.scope ?? '', resources: formatResources(client.resources), defaultResource: client.defaultResource ?? '' };
  const values: Readonly<Record<string, string>> = page.edit?.values ?? current;
  const errors = page.edit?.errors ?? {};
  const field = (name: string, label: string, control: string, hint?: string): string => formField({ form: 'edit', name, label, control, hint, error: errors[name] });
  const alert = page.edit === undefined ? '' : `<div class="notice error" role="alert"><p>${e(page.edit.conflict === undefined ? words.editError : words.conflict)}</p>${page.edit.conflict === undefined ? '' : `<p data-conflict>${e(page.edit.conflict)}</p>`}</div>`;
  return `<section class="card" aria-labelledby="edit-title">
<h2 id="edit-title">${e(words.editTitle)}</h2>
${alert}
<form class="stack" method="post" action="${clientPath(client.clientId)}">
${csrfInput(page.csrfToken)}
<input type="hidden" name="version" value="${String(client.version)}">
${client.type === 'service' ? '' : field('scope', words.scope, `<input autocomplete="off" spellcheck="false" value="${e(values['scope'] ?? '')}">`, words.scopeHint)}
${field('resources', `${words.resources}${words.optional}`, `<textarea rows="3" spellcheck="false">${e(values['resources'] ?? '')}</textarea>`, words.resourcesHint)}
${field('defaultResource', `${words.defaultResource}${words.optional}`, `<input autocomplete="off" spellcheck="false" value="${e(values['defaultResource'] ?? '')}">`, words.defaultResourceHint)}
<div><button class="button primary" type="submit">${e(words.save)}</button></div>
</form>
</section>`;
}

export const OVERLAPS = [0, 3600, 86400, 604800] as const;

function rotateCard(page: ClientPage): string {
  const words = clientsText(page.language);
  const options = OVERLAPS.map((seconds) => `<option value="${String(seconds)}"${seconds === 86400 ? ' selected' : ''}>${e(words.overlaps[String(seconds)] ?? '')}</option>`).join('');
  return `<section class="card" aria-labelledby="rotate-title">
<h2 id="rotate-title">${e(words.rotateTitle)}</h2>
${page.rotateRefusal === undefined ? '' : notice('error', words.rotateError, `<p>${e(page.rotateRefusal)}</p>`)}
<form class="stack" method="post" action="${clientPath(page.client.clientId)}/rotate-secret">
${csrfInput(page.csrfToken)}
${formField({ form: 'rotate', name: 'overlapSeconds', label: words.overlap, hint: words.rotateIntro, control: `<select>${options}</select>` })}
<div><button class="button primary" type="submit">${e(words.rotate)}</button></div>
</form>
</section>`;
}
