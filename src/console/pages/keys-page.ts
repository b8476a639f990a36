/**
 * Signing keys (issue 14 #3): the timeline, the table (kid, alg, status, created, signs from, retired,
 * age) and the rotate form — which algorithms, the delay — with what rotation does in plain words.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { keyTimeline, type KeyRow } from './key-timeline.ts';
import { keysText } from './keys-text.ts';
import { csrfInput, dataTable, formField, notice, scrollable } from './page-parts.ts';

export interface KeysPage {
  readonly language: PageLanguage;
  readonly csrfToken: string;
  readonly keys: readonly KeyRow[];
  readonly now: Date;
  readonly algorithms: readonly string[];
  /** The kids a rotation just created (post/redirect/get). */
  readonly rotated?: readonly string[] | undefined;
  /** What was asked and the API's message per field, after a refused rotation. */
  readonly form?: { readonly delaySeconds: string; readonly algs: readonly string[]; readonly errors: Readonly<Record<string, string>> } | undefined;
}

const time = (iso: string | null, never: string): string => (iso === null ? never : iso.slice(0, 16).replace('T', ' '));

function ageOf(createdAt: string, now: Date, language: PageLanguage): string {
  const { ages } = keysText(language);
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / 60_000));
  if (minutes < 120) return ages.minutes(minutes);
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? ages.hours(hours) : ages.days(Math.floor(hours / 24));
}

function keyTableRow(key: KeyRow, page: KeysPage): string {
  const text = keysText(page.language);
  return `<tr data-kid="${e(key.kid)}" data-state="${e(key.state)}"><td class="mono kid">${e(key.kid)}</td><td>${e(key.alg)}</td><td><span class="badge state-${e(key.state)}">${e(text.states[key.state] ?? key.state)}</span></td>
<td>${e(time(key.createdAt, text.never))}</td><td>${e(time(key.activatesAt, text.never))}</td><td>${e(time(key.retiresAt, text.never))}</td><td>${e(time(key.removeAfter, text.never))}</td><td class="nowrap">${e(ageOf(key.createdAt, page.now, page.language))}</td></tr>`;
}

function rotateForm(page: KeysPage): string {
  const text = keysText(page.language);
  const errors = page.form?.errors ?? {};
  const chosen = page.form?.algs ?? page.algorithms;
  const algsError = errors['algs'];
  const boxes = page.algorithms.map((alg) => `<label class="check"><input type="checkbox" name="algs" value="${e(alg)}"${chosen.includes(alg) ? ' checked' : ''}>${e(alg)}</label>`).join('');
  const algsField = `<fieldset class="algs"${algsError === undefined ? '' : ' aria-describedby="rotate-algs-error"'}><legend>${e(text.algs)}</legend>${boxes}
${algsError === undefined ? '' : `<p class="field-error" id="rotate-algs-error">${e(algsError)}</p>`}</fieldset>`;
  const delay = formField({ form: 'rotate', name: 'delaySeconds', label: text.delay, hint: text.delayHint, error: errors['delaySeconds'],
    control: `<input type="number" inputmode="numeric" required min="0" max="2592000" step="1" value="${e(page.form?.delaySeconds ?? '3600')}">` });
  return `<section class="card" aria-labelledby="rotate-title">
<h2 id="rotate-title">${e(text.rotateTitle)}</h2>
<p>${e(text.rotateExplain)}</p>
<p class="muted">${e(text.rotateDelayAdvice)}</p>
${page.form === undefined ? '' : notice('error', text.rotateError)}
<form class="stack" method="post" action="/console/keys/rotate">
${csrfInput(page.csrfToken)}
${algsField}
${delay}
<div><button class="button primary" type="submit">${e(text.rotate)}</button></div>
</form>
</section>`;
}

export function keysPageBody(page: KeysPage): string {
  const text = keysText(page.language);
  const rows = page.keys.map((key) => keyTableRow(key, page));
  return `${page.rotated === undefined ? '' : notice('done', text.rotated(page.rotated))}
<section class="card" aria-labelledby="keys-title">
<h1 id="keys-title">${e(text.title)}</h1>
<p>${e(text.intro)}</p>
${keyTimeline(page.keys, page.now, page.language)}
${scrollable(text.tableCaption, dataTable({ caption: text.tableCaption, headers: [text.kid, text.alg, text.status, text.created, text.activated, text.retired, text.published, text.age], rows, empty: text.empty }))}
</section>
${rotateForm(page)}`;
}
