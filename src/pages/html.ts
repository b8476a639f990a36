/**
 * The shell of every page wxbridge serves (hosted sign-in, console): escaped text, one stylesheet and (when needed) one script, both
 * carrying the response's CSP nonce; nothing loaded from elsewhere, usable on a phone.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { PageLanguage } from './page-language.ts';

/** A value placed in HTML text or a double-quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface PageShell {
  readonly language: PageLanguage;
  readonly title: string;
  readonly body: string;
  /** Inline script (the scan page's waiting loop), run under the nonce. */
  readonly script?: string;
  /** Further rules after the shared ones (the console's wider layout and tables). */
  readonly style?: string;
}

const STYLE = `
*{box-sizing:border-box}[hidden]{display:none!important}body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",system-ui,sans-serif;background:#f2f3f5;color:#1f2329}
main{max-width:420px;margin:0 auto;padding:32px 20px}h1{font-size:22px;margin:0 0 8px}p{margin:8px 0 16px;color:#4e5969}
.card{background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.method{display:block;width:100%;margin:12px 0 0;padding:14px 16px;border-radius:8px;border:1px solid #c9cdd4;background:#fff;color:#1f2329;text-align:center;text-decoration:none;font-size:16px;cursor:pointer}
.method.primary{background:#07c160;border-color:#07c160;color:#fff;font-weight:600}
.method:focus-visible{outline:3px solid #1677ff;outline-offset:2px}
ul.scopes{padding-left:20px;margin:8px 0 16px}ul.scopes li{margin:4px 0}
.client{font-weight:600}.muted{font-size:14px;color:#86909c}.code{font-family:ui-monospace,monospace;font-size:13px;color:#86909c}
img.qr{display:block;margin:12px auto;width:220px;height:220px;image-rendering:pixelated;border:1px solid #e5e6eb}
.status{text-align:center;font-weight:600}img.qr.spent{opacity:.25}
footer{margin-top:24px;text-align:center;font-size:13px;color:#86909c}footer a{color:#4e5969}
`;

export function renderPage(shell: PageShell, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="${shell.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(shell.title)}</title>
<style nonce="${nonce}">${STYLE}${shell.style ?? ''}</style>
</head>
<body>
<main>
${shell.body}
</main>
${shell.script === undefined ? '' : `<script nonce="${nonce}">${shell.script}</script>`}
</body>
</html>`;
}

/**
 * Sends a hosted page with a strict CSP (a fresh nonce for its one style and script, no framing, no
 * base, forms only to us and to `formTargets`: Chrome applies form-action to the redirects that answer
 * a form, so the client's redirect URI origin is named when a form may end there).
 */
export function sendPage(ctx: Context, status: number, shell: PageShell, formTargets: readonly string[] = []): void {
  const nonce = randomBytes(16).toString('base64');
  const formAction = ["'self'", ...new Set(formTargets.map((uri) => URL.parse(uri)?.origin).filter((o): o is string => o !== undefined && o !== 'null'))].join(' ');
  ctx.status = status;
  ctx.set({
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' data:; connect-src 'self'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    'Content-Language': shell.language,
  });
  ctx.type = 'html';
  ctx.body = renderPage(shell, nonce);
}
