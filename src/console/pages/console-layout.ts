/** The console's frame: a header with the sections and sign-out (a CSRF-protected form), wide main area, tables. */
import { escapeHtml, type PageShell } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { consoleText } from './console-text.ts';

const STYLE = `
main{max-width:1040px}h2{margin:0 0 12px;font-size:19px}.muted{color:#5c6470}caption{text-align:left;margin-bottom:8px}
header.console{display:flex;flex-wrap:wrap;align-items:center;gap:12px 24px;margin:0 0 24px}
header.console .product{font-weight:700;font-size:18px;margin:0}
header.console nav ul{display:flex;gap:16px;list-style:none;margin:0;padding:0}
header.console nav a{color:#1f2329;text-decoration:none;padding:6px 2px;border-bottom:2px solid transparent}
header.console nav a[aria-current=page]{border-color:#07c160;font-weight:600}
header.console .account{margin-left:auto;display:flex;align-items:center;gap:12px;font-size:14px;color:#4e5969}
.card+.card{margin-top:20px}
table{width:100%;border-collapse:collapse;font-size:15px}th,td{text-align:left;padding:10px 8px;border-bottom:1px solid #e5e6eb;vertical-align:top}
th{font-weight:600;color:#4e5969;font-size:14px}td code,.mono{font-family:ui-monospace,monospace;font-size:14px}
form.stack{display:grid;gap:14px;max-width:520px}label{display:block;font-weight:600;margin-bottom:4px}
input,select,textarea{width:100%;padding:10px 12px;border:1px solid #86909c;border-radius:6px;font:inherit;background:#fff;color:#1f2329}
input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #1677ff;outline-offset:2px}
input[aria-invalid=true],textarea[aria-invalid=true]{border-color:#cb2634}
.field-error{color:#cb2634;font-size:14px;margin:4px 0 0}
.button{display:inline-block;padding:10px 18px;border-radius:6px;border:1px solid #86909c;background:#fff;color:#1f2329;font:inherit;cursor:pointer;text-decoration:none}
.button.primary{background:#05743a;border-color:#05743a;color:#fff;font-weight:600}
.notice{padding:12px 16px;border-radius:8px;background:#e8f7ee;color:#0b5e33;margin:0 0 16px}
.notice.error{background:#fdecee;color:#8c1823}
.pager{display:flex;gap:16px;margin-top:16px}.pager a{color:#0b57d0}label.check{display:flex;gap:8px;align-items:center;font-weight:600}label.check input{width:auto}
.empty{color:#4e5969;margin:8px 0}
form.search .row{display:flex;gap:8px;max-width:640px}form.search .row input{flex:1}form.search .muted{display:block;margin-bottom:6px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0 0 12px}dl.facts dt{font-weight:600;color:#4e5969}dl.facts dd{margin:0}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;font-size:14px;font-weight:600}.badge.on{background:#e8f7ee;color:#0b5e33}.badge.off{background:#fdecee;color:#8c1823}
.actions{display:flex;flex-wrap:wrap;align-items:center;gap:12px;margin-top:16px}.button.danger{border-color:#cb2634;color:#a61d29;font-weight:600}
.results{margin-top:20px}
.filter-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));column-gap:16px}
.filter-grid>div{display:grid;grid-row:span 4;grid-template-rows:subgrid;align-content:start;padding-bottom:14px}.filter-grid label{margin:0}.filter-grid .hint{display:block;margin-bottom:4px}
.actions a{color:#0b57d0}.export{display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;margin:0 0 16px}.export .muted{flex:1 1 320px;margin:0}
main:has(form.filters){max-width:1320px}.audit-events table{font-size:14px}.audit-events th,.audit-events td{padding:8px 6px}.audit-events .mono{font-size:13px}
td.wrap{overflow-wrap:anywhere}td.when{min-width:6.5em}td.ip{min-width:7.5em}tr.has-changes td{border-bottom:0;padding-bottom:0}tr.changes td{padding-top:2px}tr.changes summary{cursor:pointer;color:#0b57d0;font-size:14px}
.diff{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:12px;margin-top:8px}.diff h3{font-size:14px;margin:0 0 4px;color:#4e5969}
.diff pre{margin:0;padding:10px;background:#f7f8fa;border-radius:6px;font-size:13px;white-space:pre-wrap;overflow-wrap:anywhere}
.break{overflow-wrap:anywhere}
fieldset.choices{border:0;padding:0;margin:0;display:grid;gap:12px}fieldset.choices legend{font-weight:600;margin-bottom:8px;padding:0}fieldset.choices .hint{margin-left:28px}.hint{display:block}label.check input[type=radio]{width:auto}
.secret-once .row{display:flex;flex-wrap:wrap;gap:8px}.secret-once .row input{flex:1 1 16em}.copy-status{min-height:1.5em;margin:4px 0 0;color:#0b5e33;font-weight:600}
.wrap{overflow-wrap:anywhere;word-break:break-word}.scroll-x{overflow-x:auto}.scroll-x:focus-visible{outline:3px solid #1677ff;outline-offset:2px}
@media (max-width:720px){.scroll-x table{min-width:680px}.scroll-x svg{min-width:680px}}
td.kid{word-break:break-all}ul.names{margin:8px 0 16px;padding-left:20px}
fieldset.algs{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:8px 20px}fieldset.algs legend{font-weight:600;margin-bottom:4px;padding:0;width:100%}
.badge{white-space:nowrap}.badge.state-signing{background:#e8f7ee;color:#0b5e33}.badge.state-pending{background:#e8f0fe;color:#0b3d91}.badge.state-retired,.badge.state-removed{background:#eef0f3;color:#3d4550}
figure.timeline{margin:0 0 16px}figure.timeline figcaption{margin-bottom:4px;font-weight:600}.nowrap{white-space:nowrap}figure.timeline svg{display:block;width:100%;height:auto}
svg text{font:13px ui-monospace,monospace;fill:#3d4550}svg .tick{stroke:#e5e6eb}svg .tick-label{font-size:12px;fill:#5c6470}
svg .now{stroke:#cb2634;stroke-width:2;stroke-dasharray:4 3}svg .now-label{fill:#a61d29;font-weight:600}
.segment.pending,.swatch.pending{fill:#9ec1f7;background:#9ec1f7;stroke:#1d4ed8}.segment.signing,.swatch.signing{fill:#05743a;background:#05743a}.segment.retired,.swatch.retired{fill:#b8bfc8;background:#b8bfc8}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:6px 20px;padding:0;margin:0 0 12px;font-size:14px;color:#4e5969}ul.legend li{display:flex;align-items:center;gap:6px}
.swatch{display:inline-block;width:22px;height:12px;border-radius:3px;border:1px solid #5c6470}
.chart-scroll{overflow-x:auto;margin:8px 0}.chart-scroll.latest{direction:rtl}.chart-scroll>svg{direction:ltr}svg.chart.bars{min-width:560px;max-width:720px}svg.chart{display:block;width:100%;min-width:760px;height:auto}ul.legend{display:flex;flex-wrap:wrap;gap:6px 20px;list-style:none;margin:4px 0 12px;padding:0;font-size:14px}
ul.legend li{display:flex;align-items:center;gap:6px}svg.swatch{flex:none}details summary{cursor:pointer;color:#0b57d0;margin:8px 0}h3{font-size:16px;margin:16px 0 8px}
form.window{display:flex;flex-wrap:wrap;align-items:flex-start;gap:12px}form.window>div:last-child{padding-top:28px}form.window select{width:auto;min-width:200px}dl.meanings{grid-template-columns:max-content minmax(0,1fr)}.wrap{overflow-wrap:anywhere}
`;

/** The console's sections, in navigation order (issue 14 #3). A section is listed once its pages exist. */
export const CONSOLE_SECTIONS = ['overview', 'apps', 'clients', 'resources', 'keys', 'users', 'audit'] as const satisfies readonly ConsoleSectionName[];

type ConsoleSectionName = 'overview' | 'apps' | 'clients' | 'resources' | 'keys' | 'users' | 'audit';
export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number];

/** Navigation words per section; the path is /console/<section>. */
const SECTION_NAMES: Record<ConsoleSectionName, Record<PageLanguage, string>> = {
  overview: { en: 'Overview', 'zh-CN': '概览' },
  apps: { en: 'WeChat apps', 'zh-CN': '微信应用' },
  clients: { en: 'Clients', 'zh-CN': '客户端' },
  resources: { en: 'Resource servers', 'zh-CN': '资源服务' },
  keys: { en: 'Signing keys', 'zh-CN': '签名密钥' },
  users: { en: 'Users', 'zh-CN': '用户' },
  audit: { en: 'Audit log', 'zh-CN': '审计日志' },
};

export interface ConsoleFrame {
  readonly language: PageLanguage;
  readonly title: string;
  /** The section shown (its nav link is marked aria-current). */
  readonly current: ConsoleSection;
  readonly accountId: string;
  readonly csrfToken: string;
  readonly body: string;
  /** A small progressive enhancement (the copy button), run under the page's CSP nonce. */
  readonly script?: string | undefined;
}

export function consolePage(frame: ConsoleFrame): PageShell {
  const text = consoleText(frame.language);
  const link = (section: ConsoleSection): string =>
    `<li><a href="/console/${section}"${frame.current === section ? ' aria-current="page"' : ''}>${escapeHtml(SECTION_NAMES[section][frame.language])}</a></li>`;
  return {
    language: frame.language,
    title: `${frame.title} · ${text.product}`,
    style: STYLE,
    body: `<header class="console">
<p class="product">${escapeHtml(text.product)}</p>
<nav aria-label="${escapeHtml(text.nav)}"><ul>${CONSOLE_SECTIONS.map(link).join('')}</ul></nav>
<div class="account"><span>${escapeHtml(text.signedInAs)} <span class="mono" data-sub>${escapeHtml(frame.accountId)}</span></span>
<form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="${escapeHtml(frame.csrfToken)}"><button class="button" type="submit">${escapeHtml(text.signOut)}</button></form></div>
</header>
${frame.body}`,
    ...(frame.script === undefined ? {} : { script: frame.script }),
  };
}

/** A page outside the signed-in console (no access, signed out, refused): a card with a title, words and actions. */
export function messagePage(language: PageLanguage, page: { title: string; message: string; actions?: string; failure: string }): PageShell {
  return {
    language,
    title: `${page.title} · ${consoleText(language).product}`,
    style: STYLE,
    body: `<div class="card" data-failure="${escapeHtml(page.failure)}">
<h1>${escapeHtml(page.title)}</h1>
<p role="alert">${escapeHtml(page.message)}</p>
${page.actions ?? ''}
</div>`,
  };
}
