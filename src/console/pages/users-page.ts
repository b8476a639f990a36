/** Users (issue 14 #3): search by sub, openid, unionid or phone; each account's identities per app; disable / enable / sign out everywhere. */
import { escapeHtml } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { consoleText } from './console-text.ts';

export interface UserRow {
  readonly id: string;
  readonly status: string;
  readonly nickname: string | null;
  readonly phoneNumber: string | null;
  readonly identities: readonly { readonly appId: string; readonly openId: string; readonly unionId: string | null; readonly lastLoginAt: string }[];
}

export interface UsersPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  /** What was searched (undefined: nothing yet), and what the admin API found. */
  readonly query: string | undefined;
  readonly users: readonly UserRow[];
  /** The admin API's refusal of the search, shown next to the search field. */
  readonly queryError?: string | undefined;
  /** The result of a disable / enable / sign-out: done, or the API's refusal. */
  readonly notice?: { readonly kind: 'done'; readonly text: string } | { readonly kind: 'error'; readonly text: string } | undefined;
}

export function usersPageBody(page: UsersPage): string {
  const text = consoleText(page.language);
  const e = escapeHtml;
  const invalid = page.queryError === undefined ? ' aria-describedby="users-q-hint"' : ' aria-invalid="true" aria-describedby="users-q-hint users-q-error"';
  const search = `<form class="search" method="get" action="/console/users" role="search">
<div><label for="users-q">${e(text.userSearch)}</label><span class="muted" id="users-q-hint">${e(text.userSearchHint)}</span>
<div class="row"><input id="users-q" name="q" required maxlength="128" autocomplete="off" spellcheck="false" value="${e(page.query ?? '')}"${invalid}><button class="button primary" type="submit">${e(text.search)}</button></div>
${page.queryError === undefined ? '' : `<p class="field-error" id="users-q-error">${e(page.queryError)}</p>`}</div>
</form>`;
  const notice = page.notice === undefined ? '' : `<p class="notice${page.notice.kind === 'error' ? ' error' : ''}" role="${page.notice.kind === 'error' ? 'alert' : 'status'}">${e(page.notice.text)}</p>`;
  // Empty states sit under the search field; found accounts follow as cards of their own.
  let empty = '';
  if (page.query === undefined) empty = text.usersStart;
  else if (page.queryError === undefined && page.users.length === 0) empty = text.usersNone(page.query);
  const results = page.users.map((user) => userCard(page, user)).join('\n');
  return `${notice}
<section class="card" aria-labelledby="users-title">
<h1 id="users-title">${e(text.usersTitle)}</h1>
${search}
${empty === '' ? '' : `<p class="empty" data-empty>${e(empty)}</p>`}
</section>
${results === '' ? '' : `<div class="results">${results}</div>`}`;
}

function userCard(page: UsersPage, user: UserRow): string {
  const text = consoleText(page.language);
  const e = escapeHtml;
  const disabled = user.status === 'disabled';
  const action = disabled ? 'enable' : 'disable';
  const label = disabled ? text.enableUser : text.disableUser;
  const post = (path: string, className: string, name: string, words: string): string => `<form method="post" action="/console/users/${encodeURIComponent(user.id)}/${path}"><input type="hidden" name="csrf" value="${e(page.csrfToken)}"><input type="hidden" name="q" value="${e(page.query ?? '')}"><button class="button${className}" type="submit" aria-label="${e(name)}">${e(words)}</button></form>`;
  // A disabled account holds no grant (disabling revoked them): nothing to sign out of.
  const signOut = disabled ? '' : `<div class="actions">${post('sign-out', '', text.signOutUserLabel(user.id), text.signOutUser)}<span class="muted">${e(text.signOutHint)}</span></div>`;
  const form = post(action, disabled ? ' primary' : ' danger', `${label} ${user.id}`, label);
  const headingId = `user-${user.id}`;
  const identities = user.identities.length === 0
    ? `<p class="empty">${e(text.noIdentities)}</p>`
    : `<table><caption class="muted">${e(text.identitiesCaption)}</caption><thead><tr><th scope="col">${e(text.appId)}</th><th scope="col">openid</th><th scope="col">unionid</th><th scope="col">${e(text.lastLogin)}</th></tr></thead><tbody>
${user.identities.map((identity) => `<tr><td><code>${e(identity.appId)}</code></td><td class="mono">${e(identity.openId)}</td><td class="mono">${e(identity.unionId ?? '—')}</td><td>${e(identity.lastLoginAt.slice(0, 16).replace('T', ' '))} UTC</td></tr>`).join('\n')}
</tbody></table>`;
  return `<section class="card" aria-labelledby="${headingId}" data-user="${e(user.id)}" data-status="${e(user.status)}">
<h2 id="${headingId}" class="mono">${e(user.id)}</h2>
<dl class="facts"><dt>${e(text.userStatus)}</dt><dd><span class="badge ${disabled ? 'off' : 'on'}">${e(text.statuses[user.status] ?? user.status)}</span></dd>
<dt>${e(text.name)}</dt><dd>${e(user.nickname ?? '—')}</dd><dt>${e(text.phone)}</dt><dd class="mono">${e(user.phoneNumber ?? '—')}</dd></dl>
${identities}
${signOut}
<div class="actions">${form}<span class="muted">${e(disabled ? text.enableHint : text.disableHint)}</span></div>
</section>`;
}
