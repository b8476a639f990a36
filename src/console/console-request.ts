/**
 * What every console section (issue 14 #3) is built from: the signed-in admin of a request with their
 * admin API client, the CSRF-checked form, the page language; and the steps every section repeats —
 * read one page of a list from the admin API, send a page in the console frame, split the API's
 * message by form field.
 */
import type { Context } from 'koa';
import { sendPage } from '../pages/html.ts';
import type { PageLanguage } from '../pages/page-language.ts';
import type { AdminApiClient } from './admin-api-client.ts';
import type { SignedInSession } from './console-sessions.ts';
import { consolePage, type ConsoleSection } from './pages/console-layout.ts';

export interface ConsoleRequest {
  readonly session: SignedInSession;
  readonly api: AdminApiClient;
  /** Sends a page, or, when the admin API refused the token, the no-access page (and ends the session). */
  refusedAccess(answer: { status: number }): Promise<boolean>;
}

export interface ConsolePageDeps {
  /** The signed-in admin, or undefined after the browser was sent to sign in (or refused). */
  signedIn(ctx: Context): Promise<ConsoleRequest | undefined>;
  /**
   * A state-changing POST: the signed-in admin and the posted form when same-origin and carrying the
   * session's CSRF token; undefined after a page was sent instead (sign-in, no access, 403).
   */
  signedInForm(ctx: Context): Promise<{ request: ConsoleRequest; form: URLSearchParams } | undefined>;
  language(ctx: Context): PageLanguage;
  /** The app's clock (tests advance it): where "now" falls on a timeline, how old a key is. */
  now(): Date;
  /** The admin API's own audience: a resource server wxbridge manages, listed but not edited here. */
  readonly adminAudience: string;
}

/** One page of a list the admin API paginates by cursor (house-style: `{ items, nextCursor }`). */
export interface ListPage<Row> {
  readonly items: readonly Row[];
  readonly nextCursor: string | null;
  /** True when no cursor was asked for: the pager offers no "first page" link. */
  readonly isFirstPage: boolean;
}

export const PAGE_SIZE = 20;

/**
 * GET `path` with `limit` and the request's `cursor`; undefined when the admin API refused the admin
 * (the refusal page is sent). Any other refusal is a fault of the console, not of the admin: thrown.
 */
export async function loadList<Row>(ctx: Context, request: ConsoleRequest, path: string, extra: Readonly<Record<string, string>> = {}): Promise<ListPage<Row> | undefined> {
  const cursor = typeof ctx.query['cursor'] === 'string' ? ctx.query['cursor'] : undefined;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...extra, ...(cursor === undefined ? {} : { cursor }) });
  const answer = await request.api.call('GET', `${path}?${query.toString()}`);
  if (answer.kind === 'refused') {
    if (await request.refusedAccess(answer)) return undefined;
    throw new Error(`the admin API answered ${answer.status} ${answer.error}`);
  }
  const list = answer.body as { items: Row[]; nextCursor: string | null };
  return { items: list.items, nextCursor: list.nextCursor, isFirstPage: cursor === undefined };
}

/** Sends `body` inside the console frame, its section marked current in the navigation. */
export function sendConsolePage(ctx: Context, request: ConsoleRequest, page: { language: PageLanguage; section: ConsoleSection; title: string; body: string; status?: number; script?: string }): void {
  sendPage(ctx, page.status ?? 200, consolePage({
    language: page.language, title: page.title, current: page.section, accountId: request.session.accountId,
    csrfToken: request.session.csrfToken, body: page.body, ...(page.script === undefined ? {} : { script: page.script }),
  }));
}

/** Post/redirect/get after a change: a reload shows the result and does not repeat the change. */
export function redirectAfterChange(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

/** The status a refused change answers with: the API's own, except its faults, which are a bad gateway here. */
export const refusalStatus = (status: number): number => (status >= 500 ? 502 : status);

/**
 * The admin API's `field: problem; field.0: problem; field.<key>: problem` message, split by form field;
 * a sentence that starts with a field's name ("defaultResource must be …") goes to that field; others under the first field.
 */
export function fieldErrors(message: string, fields: readonly string[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const fallback = fields[0] ?? 'form';
  let previous: string | undefined;
  for (const part of message.split('; ')) {
    const match = /^([A-Za-z]+)(?:\.\S*)?: (.*)$/.exec(part);
    const named = fields.find((name) => part.startsWith(`${name} `));
    // A part naming nothing continues the previous one's sentence (a message may itself contain "; ").
    const field = match !== null && fields.includes(match[1] ?? '') ? match[1] ?? fallback : named ?? (match === null ? previous : undefined) ?? fallback;
    errors[field] = errors[field] === undefined ? (match?.[2] ?? part) : `${errors[field]}; ${match?.[2] ?? part}`;
    previous = field;
  }
  return errors;
}
