/**
 * Overview (issue 14 #3): sign-ins and failures per minute by reason, WeChat errors per minute by
 * errcode, and signing-key ages, as charts with their numbers in a table (the text alternative), from
 * GET /admin/v1/overview. Empty states say how to get data onto the page.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { consoleText } from './console-text.ts';
import { horizontalBarChart, scrollable, stackedBarChart, swatch, type Fill, type Series } from './overview-charts.ts';
import { overviewText, type OverviewText } from './overview-text.ts';
import { dataTable, formField } from './page-parts.ts';

/** The admin API's answer (src/overview/overview-report.ts), as the console reads it. */
export interface OverviewAnswer {
  readonly minutes: number;
  readonly logins: readonly { readonly minute: string; readonly successes: number; readonly failures: Readonly<Record<string, number>> }[];
  readonly loginTotals: { readonly successes: number; readonly failures: Readonly<Record<string, number>> };
  readonly wechatCalls: readonly { readonly minute: string; readonly calls: number; readonly errors: Readonly<Record<string, number>> }[];
  readonly wechatErrors: readonly { readonly errcode: string; readonly count: number; readonly diagnosis: string | null }[];
  readonly keys: readonly { readonly kid: string; readonly alg: string; readonly status: string; readonly createdAt: string; readonly ageDays: number }[];
}

export interface OverviewPage {
  readonly language: PageLanguage;
  readonly report: OverviewAnswer;
  /** The admin API's refusal of the window asked for (the default window is shown instead). */
  readonly windowError?: string | undefined;
}

export const WINDOWS = [15, 60, 360, 1440] as const;
const SUCCESS = { colour: '#067647', fill: 'solid' } as const;
/** Dark enough for 3:1 on white, and each with its own pattern. */
const PALETTE: readonly { colour: string; fill: Fill }[] = [
  { colour: '#b42318', fill: 'stripes' }, { colour: '#b54708', fill: 'dots' }, { colour: '#6941c6', fill: 'cross' },
  { colour: '#175cd3', fill: 'bars' }, { colour: '#475467', fill: 'stripes' }, { colour: '#9e165f', fill: 'dots' },
];
const KEY_LOOKS: Record<string, { colour: string; fill: Fill }> = {
  signing: SUCCESS, pending: { colour: '#175cd3', fill: 'dots' }, retired: { colour: '#475467', fill: 'stripes' }, removed: { colour: '#667085', fill: 'cross' },
};

const sum = (values: Iterable<number>): number => [...values].reduce((total, n) => total + n, 0);
const hhmm = (iso: string): string => iso.slice(11, 16);
const look = (i: number): { colour: string; fill: Fill } => PALETTE[i % PALETTE.length] ?? SUCCESS;

/** Minutes per bar: at most about 120 bars, in round steps. */
function bucketOf(minutes: number): number {
  return [1, 5, 10, 15, 30].find((bucket) => bucket >= minutes / 120) ?? 30;
}

/** Sums `values` in groups of `bucket` (labels: each group's first minute). */
function grouped(times: readonly string[], bucket: number): string[] {
  return times.filter((_, i) => i % bucket === 0).map(hhmm);
}
function groupedValues(values: readonly number[], bucket: number): number[] {
  const out: number[] = [];
  values.forEach((value, i) => { out[Math.floor(i / bucket)] = (out[Math.floor(i / bucket)] ?? 0) + value; });
  return out;
}

function legend(id: string, name: string, items: readonly { series: Pick<Series, 'colour' | 'fill'>; words: string }[], text: OverviewText): string {
  return `<ul class="legend" aria-label="${e(text.legend(name))}">${items.map((item, i) => `<li>${swatch(`${id}-l${i}`, item.series)}<span>${e(item.words)}</span></li>`).join('')}</ul>`;
}

const details = (text: OverviewText, table: string): string => `<details><summary>${e(text.numbers)}</summary>${table}</details>`;

function loginsSection(page: OverviewPage, text: OverviewText): string {
  const { report } = page;
  const bucket = bucketOf(report.minutes);
  const title = text.loginsTitle(bucket);
  const reasons = Object.keys(report.loginTotals.failures).sort();
  const failed = sum(Object.values(report.loginTotals.failures));
  const reasonWords = (reason: string): string => (text.reasons[reason] === undefined ? reason : `${reason} — ${text.reasons[reason]}`);
  const summary = text.loginsSummary(report.minutes, report.loginTotals.successes, failed, reasons.map((r) => `${r} ${report.loginTotals.failures[r] ?? 0}`).join(', '));
  let body: string;
  if (report.loginTotals.successes + failed === 0) {
    body = `<p class="empty" data-empty="logins">${e(text.loginsEmpty(report.minutes))}</p>`;
  } else {
    const times = report.logins.map((m) => m.minute);
    const series: Series[] = [
      { name: text.succeeded, ...SUCCESS, values: groupedValues(report.logins.map((m) => m.successes), bucket) },
      ...reasons.map((reason, i) => ({ name: text.failed(reason), ...look(i), values: groupedValues(report.logins.map((m) => m.failures[reason] ?? 0), bucket) })),
    ];
    const busy = report.logins.filter((m) => m.successes > 0 || sum(Object.values(m.failures)) > 0);
    const row = (head: string, successes: number, failures: Readonly<Record<string, number>>): string =>
      `<tr><th scope="row">${e(head)}</th><td>${successes}</td>${reasons.map((r) => `<td>${failures[r] ?? 0}</td>`).join('')}<td>${successes + sum(Object.values(failures))}</td></tr>`;
    body = `${scrollable(title, stackedBarChart({ id: 'logins', label: summary, times: grouped(times, bucket), series }), { latestFirst: true })}
${legend('logins', title, [
    { series: SUCCESS, words: `${text.succeeded} · ${report.loginTotals.successes}` },
    ...reasons.map((reason, i) => ({ series: look(i), words: `${text.failed(reasonWords(reason))} · ${report.loginTotals.failures[reason] ?? 0}` })),
  ], text)}
${details(text, dataTable({
    caption: text.busyOnly, headers: [text.minute, text.succeeded, ...reasons.map((r) => text.failed(r)), text.total],
    rows: [...busy.map((m) => row(hhmm(m.minute), m.successes, m.failures)), row(text.total, report.loginTotals.successes, report.loginTotals.failures)], empty: '',
  }))}`;
  }
  return `<section class="card" aria-labelledby="logins-title" data-chart="logins">
<h2 id="logins-title">${e(title)}</h2>
${report.loginTotals.successes + failed === 0 ? '' : `<p class="muted" data-summary>${e(summary)}</p>`}
${body}
</section>`;
}

function wechatSection(page: OverviewPage, text: OverviewText): string {
  const { report } = page;
  const bucket = bucketOf(report.minutes);
  const title = text.wechatTitle(bucket);
  const calls = sum(report.wechatCalls.map((m) => m.calls));
  const errors = sum(report.wechatErrors.map((x) => x.count));
  const codes = report.wechatErrors.map((x) => x.errcode);
  const summary = text.wechatSummary(report.minutes, calls, errors, report.wechatErrors.map((x) => `${x.errcode} ${x.count}`).join(', '));
  let body: string;
  if (errors === 0) {
    body = `<p class="empty" data-empty="wechat">${e(calls === 0 ? text.wechatNoCalls(report.minutes) : text.wechatNoErrors(report.minutes, calls))}</p>`;
  } else {
    const diagnoses = consoleText(page.language).diagnoses;
    const meaning = (x: OverviewAnswer['wechatErrors'][number]): string =>
      text.errcodes[x.errcode] ?? (x.diagnosis === null ? undefined : diagnoses[x.diagnosis]) ?? diagnoses['rejected'] ?? '';
    const series: Series[] = codes.map((code, i) => ({ name: text.errcode(code), ...look(i), values: groupedValues(report.wechatCalls.map((m) => m.errors[code] ?? 0), bucket) }));
    const busy = report.wechatCalls.filter((m) => sum(Object.values(m.errors)) > 0);
    body = `${scrollable(title, stackedBarChart({ id: 'wechat', label: summary, times: grouped(report.wechatCalls.map((m) => m.minute), bucket), series }), { latestFirst: true })}
${legend('wechat', title, report.wechatErrors.map((x, i) => ({ series: look(i), words: `${text.errcode(x.errcode)} · ${x.count}` })), text)}
<h3>${e(text.meanings)}</h3>
<dl class="facts meanings" data-meanings>${report.wechatErrors.map((x) => `<dt class="mono">${e(x.errcode)}</dt><dd>${e(meaning(x))}</dd>`).join('')}</dl>
${details(text, dataTable({
    caption: text.busyOnly, headers: [text.minute, text.calls, ...codes.map((code) => text.errcode(code))],
    rows: busy.map((m) => `<tr><th scope="row">${e(hhmm(m.minute))}</th><td>${m.calls}</td>${codes.map((code) => `<td>${m.errors[code] ?? 0}</td>`).join('')}</tr>`), empty: '',
  }))}`;
  }
  return `<section class="card" aria-labelledby="wechat-title" data-chart="wechat">
<h2 id="wechat-title">${e(title)}</h2>
${errors === 0 ? '' : `<p class="muted" data-summary>${e(summary)}</p>`}
${body}
</section>`;
}

function keysSection(page: OverviewPage, text: OverviewText): string {
  const { keys } = page.report;
  const status = (s: string): string => text.keyStatuses[s] ?? s;
  // A day or more in days, less in whole hours ("0.00 days" says nothing on a fresh install).
  const days = (n: number): string => (n < 1 ? text.hours(Math.floor(n * 24)) : text.days(n.toFixed(1)));
  const summary = text.keysSummary(keys.length, days(Math.max(0, ...keys.map((k) => k.ageDays))));
  const body = keys.length === 0 ? `<p class="empty" data-empty="keys">${e(text.keysEmpty)}</p>` : `${scrollable(text.keysTitle, horizontalBarChart({
    id: 'keys', label: summary,
    bars: keys.map((k) => ({ label: `${k.kid.slice(0, 12)}… ${k.alg}`, value: k.ageDays, note: `${days(k.ageDays)} · ${status(k.status)}`, ...(KEY_LOOKS[k.status] ?? SUCCESS) })),
  }))}
${legend('keys', text.keysTitle, Object.entries(KEY_LOOKS).filter(([s]) => keys.some((k) => k.status === s)).map(([s, looks]) => ({ series: looks, words: status(s) })), text)}
${details(text, dataTable({
    caption: text.keysTitle, headers: [text.key, text.alg, text.status, text.created, text.age],
    rows: keys.map((k) => `<tr data-kid="${e(k.kid)}"><td class="mono wrap">${e(k.kid)}</td><td>${e(k.alg)}</td><td>${e(status(k.status))}</td><td>${e(k.createdAt.slice(0, 16).replace('T', ' '))}</td><td>${e(days(k.ageDays))}</td></tr>`), empty: '',
  }))}`;
  return `<section class="card" aria-labelledby="keys-title" data-chart="keys">
<h2 id="keys-title">${e(text.keysTitle)}</h2>
<p class="muted" data-summary>${e(summary)}</p>
${body}
</section>`;
}

export function overviewPageBody(page: OverviewPage): string {
  const text = overviewText(page.language);
  const minutes = page.report.minutes;
  const choices = (WINDOWS as readonly number[]).includes(minutes) ? WINDOWS : [...WINDOWS, minutes].sort((a, b) => a - b);
  const options = choices.map((m) => `<option value="${m}"${m === minutes ? ' selected' : ''}>${e(text.windows[m] ?? text.otherWindow(m))}</option>`).join('');
  return `<section class="card" aria-labelledby="overview-title">
<h1 id="overview-title">${e(text.title)}</h1>
<p class="muted">${e(text.intro(minutes))}</p>
<form class="window" method="get" action="/console/overview">
${formField({ form: 'overview', name: 'minutes', label: text.window, control: `<select>${options}</select>`, error: page.windowError })}
<div><button class="button" type="submit">${e(text.show)}</button></div>
</form>
</section>
${loginsSection(page, text)}
${wechatSection(page, text)}
${keysSection(page, text)}`;
}
