/**
 * The signing keys' lives drawn on a time axis (issue 14 #3), one inline SVG per algorithm: each key's
 * pending → signing → retired span (design.md §5, src/keys/key-lifecycle.ts), and a "now" line. No script
 * and no style attribute (the console's CSP): coordinates are SVG attributes, colours are classes.
 */
import { escapeHtml as e } from '../../pages/html.ts';
import type { PageLanguage } from '../../pages/page-language.ts';
import { keysText } from './keys-text.ts';

export interface KeyRow {
  readonly kid: string;
  readonly alg: string;
  readonly state: string;
  readonly createdAt: string;
  readonly activatesAt: string;
  readonly retiresAt: string | null;
  readonly removeAfter: string | null;
}

const WIDTH = 1000;
const AXIS_LEFT = 150;
const AXIS_RIGHT = 980;
const ROW = 30;
const TOP = 24;
const MIN_SPAN_MS = 3_600_000;

interface Scale { readonly start: number; readonly end: number; x(time: number): number }

/** One axis for every algorithm (so their timelines line up): from the oldest published key to the last planned change. */
function scaleOf(keys: readonly KeyRow[], now: Date): Scale {
  const times = keys.flatMap((key) => [key.createdAt, key.activatesAt, key.retiresAt, key.removeAfter]).filter((t): t is string => t !== null).map(Date.parse);
  const first = Math.min(now.getTime(), ...times);
  const last = Math.max(now.getTime(), ...times);
  const span = Math.max(last - first, MIN_SPAN_MS);
  // A little room after the last change: a key that signs on without end runs into it.
  const start = first - span * 0.02;
  const end = first + span * 1.1;
  return { start, end, x: (time) => AXIS_LEFT + ((time - start) / (end - start)) * (AXIS_RIGHT - AXIS_LEFT) };
}

const utc = (time: number): string => new Date(time).toISOString().slice(5, 16).replace('T', ' ');

function segments(key: KeyRow, scale: Scale): { state: string; from: number; to: number }[] {
  const created = Date.parse(key.createdAt);
  const activates = Date.parse(key.activatesAt);
  const retires = key.retiresAt === null ? scale.end : Date.parse(key.retiresAt);
  const removed = key.removeAfter === null ? scale.end : Date.parse(key.removeAfter);
  return [
    { state: 'pending', from: created, to: Math.min(activates, retires) },
    { state: 'signing', from: activates, to: retires },
    { state: 'retired', from: Math.max(retires, activates), to: removed },
  ].filter((segment) => segment.to > segment.from);
}

function keyRow(key: KeyRow, index: number, scale: Scale, language: PageLanguage): string {
  const text = keysText(language);
  const y = TOP + index * ROW;
  const bars = segments(key, scale).map((segment) => {
    const x = scale.x(segment.from);
    const width = Math.max(scale.x(segment.to) - x, 2);
    const to = segment.to >= scale.end ? '…' : utc(segment.to);
    return `<rect class="segment ${segment.state}" x="${x.toFixed(1)}" y="${String(y + 6)}" width="${width.toFixed(1)}" height="16" rx="3"><title>${e(`${text.states[segment.state] ?? segment.state}: ${utc(segment.from)} → ${to} UTC`)}</title></rect>`;
  }).join('');
  return `<g data-kid="${e(key.kid)}" data-state="${e(key.state)}"><text class="kid" x="0" y="${String(y + 19)}">${e(key.kid.slice(0, 12))}…</text>${bars}</g>`;
}

function axis(scale: Scale, height: number, now: Date, language: PageLanguage): string {
  // The first and last labels lean inwards so that they stay inside the drawing.
  const anchors = ['start', 'middle', 'middle', 'middle', 'end'];
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f, i) => {
    const time = scale.start + f * (scale.end - scale.start);
    const x = scale.x(time).toFixed(1);
    return `<line class="tick" x1="${x}" x2="${x}" y1="${String(TOP)}" y2="${String(height - 22)}"/><text class="tick-label" x="${x}" y="${String(height - 6)}" text-anchor="${anchors[i] ?? 'middle'}">${e(utc(time))}</text>`;
  }).join('');
  const nowX = scale.x(now.getTime()).toFixed(1);
  return `${ticks}<line class="now" x1="${nowX}" x2="${nowX}" y1="14" y2="${String(height - 22)}"/><text class="now-label" x="${nowX}" y="11" text-anchor="middle">${e(keysText(language).now)}</text>`;
}

/** The timeline of the keys still published (removed keys are in the table only), or '' when none is. */
export function keyTimeline(keys: readonly KeyRow[], now: Date, language: PageLanguage): string {
  const text = keysText(language);
  const published = keys.filter((key) => key.state !== 'removed');
  if (published.length === 0) return '';
  const scale = scaleOf(published, now);
  const algs = [...new Set(published.map((key) => key.alg))].sort();
  const figures = algs.map((alg) => {
    const rows = published.filter((key) => key.alg === alg).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const height = TOP + rows.length * ROW + 28;
    const id = `timeline-${alg}`;
    return `<figure class="timeline" data-alg="${e(alg)}"><figcaption id="${id}">${e(alg)}</figcaption>
<div class="scroll-x" tabindex="0" role="region" aria-labelledby="${id}"><svg viewBox="0 0 ${String(WIDTH)} ${String(height)}" role="img" aria-label="${e(text.timelineLabel(alg))}" xmlns="http://www.w3.org/2000/svg">${axis(scale, height, now, language)}${rows.map((key, i) => keyRow(key, i, scale, language)).join('')}</svg></div></figure>`;
  }).join('\n');
  const legend = (['pending', 'signing', 'retired'] as const).map((state) => {
    const words = { pending: text.legendPending, signing: text.legendSigning, retired: text.legendRetired }[state];
    return `<li><span class="swatch ${state}" aria-hidden="true"></span>${e(words)}</li>`;
  }).join('');
  return `<div data-timeline><h2>${e(text.timelineTitle)}</h2><ul class="legend">${legend}</ul>
${figures}</div>`;
}
