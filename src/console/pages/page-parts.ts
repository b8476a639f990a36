/**
 * The pieces every console page is made of (issue 14 #4): a labelled field with the API's message next
 * to it, a pager, a notice, a CSRF-carrying button form, a table with a caption. One place for the
 * markup that makes a page usable with the keyboard and a screen reader (labels, aria-invalid,
 * aria-describedby, scoped headers).
 */
import { escapeHtml as e } from '../../pages/html.ts';

export interface FieldOptions {
  /** Unique on the page: the input's id is `${form}-${name}`. */
  readonly form: string;
  readonly name: string;
  readonly label: string;
  /** The control's markup without id, name or aria attributes: `<input …>`, `<select …>…</select>` or `<textarea …>…</textarea>`. */
  readonly control: string;
  readonly hint?: string | undefined;
  /** The admin API's message about this field, shown under it. */
  readonly error?: string | undefined;
}

/** A label, an optional hint, the control (named, described by hint and error) and the error under it. */
export function formField(field: FieldOptions): string {
  const id = `${field.form}-${field.name}`;
  const described = [field.hint === undefined ? '' : `${id}-hint`, field.error === undefined ? '' : `${id}-error`].filter((x) => x !== '').join(' ');
  const attributes = ` id="${id}" name="${field.name}"${field.error === undefined ? '' : ' aria-invalid="true"'}${described === '' ? '' : ` aria-describedby="${described}"`}`;
  const control = field.control.replace(/^<(input|select|textarea)/, `<$1${attributes}`);
  return `<div><label for="${id}">${e(field.label)}</label>${field.hint === undefined ? '' : `<span class="muted hint" id="${id}-hint">${e(field.hint)}</span>`}${control}
${field.error === undefined ? '' : `<p class="field-error" id="${id}-error">${e(field.error)}</p>`}</div>`;
}

/** A checkbox with its label around it (value `yes` when ticked). */
export function checkboxField(options: { name: string; label: string; checked: boolean }): string {
  return `<div><label class="check"><input type="checkbox" name="${options.name}" value="yes"${options.checked ? ' checked' : ''}>${e(options.label)}</label></div>`;
}

/** The hidden CSRF field every console form carries. */
export const csrfInput = (csrfToken: string): string => `<input type="hidden" name="csrf" value="${e(csrfToken)}">`;

/** A one-button form posting to `action` (its accessible name may say more than its words, e.g. which row). */
export function postButton(options: { action: string; csrfToken: string; words: string; label?: string; className?: string; hidden?: Readonly<Record<string, string>> }): string {
  const hidden = Object.entries(options.hidden ?? {}).map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`).join('');
  const label = options.label === undefined ? '' : ` aria-label="${e(options.label)}"`;
  return `<form method="post" action="${e(options.action)}">${csrfInput(options.csrfToken)}${hidden}<button class="button${options.className === undefined ? '' : ` ${options.className}`}" type="submit"${label}>${e(options.words)}</button></form>`;
}

/** "First page" / "Next page" links for a cursor-paginated list at `path` (other query parameters kept). */
export function pager(options: { path: string; label: string; isFirstPage: boolean; nextCursor: string | null; query?: Readonly<Record<string, string>>; words: { firstPage: string; nextPage: string } }): string {
  const href = (cursor?: string): string => {
    const query = new URLSearchParams({ ...options.query, ...(cursor === undefined ? {} : { cursor }) }).toString();
    return e(query === '' ? options.path : `${options.path}?${query}`);
  };
  const links = [
    options.isFirstPage ? '' : `<a href="${href()}">${e(options.words.firstPage)}</a>`,
    options.nextCursor === null ? '' : `<a href="${href(options.nextCursor)}" rel="next">${e(options.words.nextPage)}</a>`,
  ].join('');
  return links === '' ? '' : `<nav class="pager" aria-label="${e(options.label)}">${links}</nav>`;
}

/** A status line (done) or an alert (refused). */
export function notice(kind: 'done' | 'error', words: string, extra = ''): string {
  return `<div class="notice${kind === 'error' ? ' error' : ''}" role="${kind === 'error' ? 'alert' : 'status'}"><p>${e(words)}</p>${extra}</div>`;
}

/**
 * Wide content (a table, a drawing) that scrolls sideways on a narrow screen instead of overflowing its
 * card; focusable and named, so keyboard users can scroll it too (axe: scrollable-region-focusable).
 */
export const scrollable = (label: string, content: string): string => `<div class="scroll-x" tabindex="0" role="region" aria-label="${e(label)}">${content}</div>`;

/** A table with a caption and column headers; `rows` are ready `<tr>` markup; `empty` replaces it when there is no row. */
export function dataTable(options: { caption: string; headers: readonly string[]; rows: readonly string[]; empty: string }): string {
  if (options.rows.length === 0) return `<p class="empty" data-empty>${e(options.empty)}</p>`;
  return `<table><caption class="muted">${e(options.caption)}</caption><thead><tr>${options.headers.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>
${options.rows.join('\n')}
</tbody></table>`;
}
