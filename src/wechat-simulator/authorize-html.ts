// The HTML of the simulated authorize pages (wechat-api.md §8.1, §14 item 19; design.md §10): a consent page
// with `<form id="wechat-approve">` + `<input name="user">` and a deny form, and an error page that shows
// WeChat's errcode. Self-contained (inline SVG, a nonce'd style, no script); every value is escaped.
import { createHash } from 'node:crypto';
import type { AuthorizeRequest } from './authorize-request.ts';
import { PAGE_STYLE } from './authorize-style.ts';
import type { PageText } from './authorize-text.ts';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${String(char.codePointAt(0))};`);
}

const LOGO = '<svg viewBox="0 0 48 48" width="40" height="40" aria-hidden="true" focusable="false"><rect width="48" height="48" rx="12" fill="#0a7f3f"/><ellipse cx="20" cy="20.5" rx="11.5" ry="9.5" fill="#fff"/><ellipse cx="30.5" cy="28" rx="9.5" ry="8" fill="#fff" stroke="#0a7f3f" stroke-width="1.6"/><circle cx="16" cy="18.5" r="1.5" fill="#0a7f3f"/><circle cx="24" cy="18.5" r="1.5" fill="#0a7f3f"/><circle cx="27.5" cy="26.5" r="1.2" fill="#0a7f3f"/><circle cx="33.5" cy="26.5" r="1.2" fill="#0a7f3f"/></svg>';

const QR_SIZE = 25;

function isFinder(x: number, y: number): 'ink' | 'paper' | null {
  for (const [fx, fy] of [[0, 0], [QR_SIZE - 7, 0], [0, QR_SIZE - 7]] as const) {
    const dx = x - fx;
    const dy = y - fy;
    if (dx >= -1 && dx <= 7 && dy >= -1 && dy <= 7) {
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
      return ring === 3 || ring <= 1 ? 'ink' : 'paper';
    }
  }
  return null;
}

/** A QR-like picture for the page (decorative: the simulator is "scanned" by the form, not a camera). */
function qrPicture(seed: string): string {
  const bits = createHash('sha512').update(seed).digest();
  let path = '';
  for (let y = 0; y < QR_SIZE; y += 1) {
    for (let x = 0; x < QR_SIZE; x += 1) {
      const index = y * QR_SIZE + x;
      const finder = isFinder(x, y);
      const ink = finder === null ? ((bits[index % 64] ?? 0) >> (index % 8)) % 2 === 1 : finder === 'ink';
      if (ink) path += `M${String(x)} ${String(y)}h1v1h-1z`;
    }
  }
  return `<div class="qr"><svg viewBox="0 0 ${String(QR_SIZE)} ${String(QR_SIZE)}" aria-hidden="true" focusable="false" shape-rendering="crispEdges"><path fill="#191919" d="${path}"/></svg></div>`;
}

function shell(text: PageText, input: { title: string; nonce: string; desktop: boolean; body: string }): string {
  return `<!doctype html>
<html lang="${text.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(input.title)}</title>
<style nonce="${input.nonce}">${PAGE_STYLE}</style>
</head>
<body${input.desktop ? ' class="desktop"' : ''}>
<header><p class="notice">${escapeHtml(text.simulatorNotice)}</p></header>
${input.body}
</body>
</html>
`;
}

export interface ConsentPageInput {
  readonly text: PageText;
  readonly request: AuthorizeRequest;
  readonly ticket: string;
  readonly nonce: string;
  /** The page's own path and query: both forms post back to it. */
  readonly action: string;
  /** The same page in the other language (qrconnect's `lang`, §8.1). */
  readonly otherLanguageHref: string;
  readonly user?: string;
  readonly userInvalid?: boolean;
}

function scopeLine(text: PageText, request: AuthorizeRequest): string {
  if (request.scope === 'snsapi_login') return text.scopeLogin;
  return request.scope === 'snsapi_userinfo' ? text.scopeUserInfo : text.scopeBase;
}

function approveForm(input: ConsentPageInput): string {
  const { text } = input;
  const invalid = input.userInvalid === true;
  const described = invalid ? 'wechat-user-error wechat-user-hint' : 'wechat-user-hint';
  return `<form id="wechat-approve" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="ticket" value="${escapeHtml(input.ticket)}">
<label for="wechat-user">${escapeHtml(text.userLabel)}</label>
<input type="text" id="wechat-user" name="user" value="${escapeHtml(input.user ?? '')}" required maxlength="64" pattern="[A-Za-z0-9_.\\-]{1,64}" autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="${described}"${invalid ? ' aria-invalid="true"' : ''}>
<p id="wechat-user-hint" class="hint">${escapeHtml(text.userHint)}</p>
${invalid ? `<p id="wechat-user-error" class="field-error" role="alert">${escapeHtml(text.userInvalid)}</p>\n` : ''}<button type="submit" class="primary">${escapeHtml(text.approve)}</button>
</form>
<form id="wechat-deny" method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="ticket" value="${escapeHtml(input.ticket)}">
<input type="hidden" name="decision" value="deny">
<button type="submit" class="secondary">${escapeHtml(text.deny)}</button>
</form>`;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const { text, request } = input;
  const appName = request.app.name ?? request.app.appId;
  const isQr = request.flavour === 'qrconnect';
  const title = isQr ? text.titleQr : text.titleOfficialAccount;
  const body = `<main aria-labelledby="page-title" data-flavour="${request.flavour}">
<div class="brand">${LOGO}<h1 id="page-title">${escapeHtml(title)}</h1></div>
<div class="app"><span class="avatar" aria-hidden="true">${escapeHtml(Array.from(appName)[0] ?? 'W')}</span><p>${escapeHtml(text.requestsSignIn(appName))}</p></div>
${isQr ? `${qrPicture(input.ticket)}\n<p class="hint">${escapeHtml(text.scanHint)}</p>\n` : ''}<ul class="scopes"><li>${escapeHtml(scopeLine(text, request))}</li></ul>
${approveForm(input)}
<p class="returns">${escapeHtml(text.returnsTo(request.redirectUri.host))}</p>
${isQr ? `<a class="lang" href="${escapeHtml(input.otherLanguageHref)}">${escapeHtml(text.otherLanguage)}</a>\n` : ''}</main>`;
  return shell(text, { title: `${title} · ${appName}`, nonce: input.nonce, desktop: isQr, body });
}

export interface ErrorPageInput {
  readonly text: PageText;
  readonly nonce: string;
  /** WeChat's on-page errcode, or null for the simulator's own refusals (expired or foreign form). */
  readonly errcode: number | null;
  readonly message: string;
  readonly desktop: boolean;
}

export function renderErrorPage(input: ErrorPageInput): string {
  const { text, errcode } = input;
  const code = errcode === null ? '' : `<p class="error-code">${escapeHtml(text.errcodeLabel)} <span data-errcode="${String(errcode)}">${String(errcode)}</span></p>\n`;
  const next = errcode === null ? '' : `<p class="next">${escapeHtml(text.errorNextStep)}</p>\n`;
  const body = `<main aria-labelledby="page-title">
<div class="brand">${LOGO}<h1 id="page-title">${escapeHtml(text.errorTitle)}</h1></div>
${code}<p class="problem" role="alert">${escapeHtml(input.message)}</p>
${next}</main>`;
  return shell(text, { title: text.errorTitle, nonce: input.nonce, desktop: input.desktop, body });
}
