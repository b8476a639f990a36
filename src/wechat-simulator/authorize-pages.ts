// Serves WeChat's browser authorize pages (wechat-api.md §8.1, §14 item 19; design.md §10): GET shows the
// consent page (or an on-page error), POST answers it — approve → 302 `redirect_uri?code=&state=` with a code
// bound to (appid, user, scope), deny → 302 `redirect_uri?state=`. The POST must come from the page itself.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderConsentPage, renderErrorPage } from './authorize-html.ts';
import { AUTHORIZE_PATHS, callbackUrl, checkAuthorizeRequest, isProblem, type AuthorizeFlavour, type AuthorizeRequest } from './authorize-request.ts';
import { pageLanguage, textFor, type PageText } from './authorize-text.ts';
import { checkTicket, issueTicket } from './authorize-ticket.ts';
import { issueCode, recordRequest, type SimulatorState } from './simulator-state.ts';
import type { RequestOutcome } from './simulator-types.ts';

const FLAVOUR_BY_PATH = new Map<string, AuthorizeFlavour>(
  Object.entries(AUTHORIZE_PATHS).map(([flavour, path]) => [path, flavour as AuthorizeFlavour]),
);
const MAX_FORM_BYTES = 8 * 1024;
/** The simulated people: the same names the sandbox's wx-login takes. */
const USER = /^[A-Za-z0-9_.-]{1,64}$/;

export function isAuthorizePath(pathname: string): boolean {
  return FLAVOUR_BY_PATH.has(pathname);
}

interface PageContext {
  readonly state: SimulatorState;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly flavour: AuthorizeFlavour;
  readonly text: PageText;
  readonly nonce: string;
}

function securityHeaders(nonce: string, redirect: URL | null): Record<string, string> {
  // Chrome applies form-action to every redirect that follows the form's POST: to the callback and on from
  // there — an identity provider's callback goes on to its own relying party's origin (issue 13), which the
  // page cannot know. WeChat's real pages navigate by script, not by a form, so nothing of theirs blocks
  // that chain; the forms themselves still post only to the page ('self' is where their action points).
  const formAction = redirect === null ? "'self'" : "'self' http: https:";
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    // Not no-referrer: under it a browser sends `Origin: null` with the form's POST, and the origin check needs it.
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

function sendHtml(ctx: PageContext, status: number, html: string, redirect: URL | null = null): void {
  const body = Buffer.from(html, 'utf8');
  ctx.res.writeHead(status, { ...securityHeaders(ctx.nonce, redirect), 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length });
  ctx.res.end(ctx.req.method === 'HEAD' ? undefined : body);
}

function sendError(ctx: PageContext, status: number, errcode: number | null, message: string): void {
  sendHtml(ctx, status, renderErrorPage({ text: ctx.text, nonce: ctx.nonce, errcode, message, desktop: ctx.flavour === 'qrconnect' }));
}

function showConsent(ctx: PageContext, request: AuthorizeRequest, form: { user?: string; userInvalid?: boolean } = {}): void {
  const other = new URL(ctx.url);
  other.searchParams.set('lang', ctx.text.htmlLang === 'en' ? 'cn' : 'en');
  const ticket = issueTicket(ctx.state.pageKey, request, ctx.state.now());
  const action = `${ctx.url.pathname}${ctx.url.search}`;
  const html = renderConsentPage({ text: ctx.text, request, ticket, nonce: ctx.nonce, action, otherLanguageHref: `${other.pathname}${other.search}`, ...form });
  sendHtml(ctx, form.userInvalid === true ? 400 : 200, html, request.redirectUri);
}

function redirect(ctx: PageContext, location: string): void {
  ctx.res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0, 'Referrer-Policy': 'no-referrer' });
  ctx.res.end();
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A browser posting from another site says so (Sec-Fetch-Site, Origin); the page's own form is same-origin. */
function isCrossSite(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  return origin !== undefined && URL.parse(origin)?.host !== req.headers.host;
}

async function answerConsent(ctx: PageContext, request: AuthorizeRequest): Promise<RequestOutcome> {
  const form = await readForm(ctx.req);
  const ticket = form === null || isCrossSite(ctx.req) ? 'invalid' : checkTicket(ctx.state.pageKey, request, form.get('ticket') ?? '', ctx.state.now());
  if (ticket !== 'valid' || form === null) {
    sendError(ctx, ticket === 'expired' ? 400 : 403, null, ticket === 'expired' ? ctx.text.expired : ctx.text.refused);
    return 'refused';
  }
  if (form.get('decision') === 'deny') {
    redirect(ctx, callbackUrl(request, null));
    return 'denied';
  }
  const user = form.get('user')?.trim() ?? '';
  if (!USER.test(user)) {
    showConsent(ctx, request, { user, userInvalid: true });
    return 'refused';
  }
  const code = issueCode(ctx.state, { appId: request.app.appId, user, scope: request.scope });
  redirect(ctx, callbackUrl(request, code));
  return 'approved';
}

async function servePage(ctx: PageContext): Promise<RequestOutcome> {
  const method = ctx.req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    ctx.res.writeHead(405, { Allow: 'GET, HEAD, POST', 'Content-Length': 0 });
    ctx.res.end();
    return 'refused';
  }
  const request = checkAuthorizeRequest(ctx.state, ctx.flavour, ctx.url.searchParams);
  if (isProblem(request)) {
    sendError(ctx, 400, request.errcode, ctx.text.problems[request.errcode] ?? String(request.errcode));
    return request.errcode;
  }
  if (method === 'POST') return answerConsent(ctx, request);
  showConsent(ctx, request);
  return 'ok';
}

/** Serves one request to an authorize path (isAuthorizePath) and logs it with `endpoint: null`. */
export async function serveAuthorizePage(state: SimulatorState, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const flavour = FLAVOUR_BY_PATH.get(url.pathname) ?? 'oauth2';
  const text = textFor(pageLanguage(url.searchParams.get('lang'), req.headers['accept-language']));
  const ctx: PageContext = { state, req, res, url, flavour, text, nonce: randomBytes(16).toString('base64') };
  const at = state.now();
  const outcome = await servePage(ctx);
  recordRequest(state, {
    at, method: req.method ?? 'GET', path: url.pathname, endpoint: null,
    query: Object.fromEntries(url.searchParams), remoteAddress: req.socket.remoteAddress ?? '', outcome,
  });
}
