/**
 * The Overview's charts as inline SVG (issue 14 #3): no script, nothing from a CDN, and CSP-clean —
 * colours and sizes are SVG presentation attributes, never style attributes. Each chart is one
 * `role="img"` with a summary as its name; series differ by pattern as well as by colour (WCAG 1.4.1),
 * and every colour keeps 3:1 against the white card (WCAG 1.4.11).
 */
import { escapeHtml as e } from '../../pages/html.ts';

export type Fill = 'solid' | 'stripes' | 'dots' | 'cross' | 'bars';

export interface Series {
  readonly name: string;
  readonly colour: string;
  readonly fill: Fill;
  /** One value per bar. */
  readonly values: readonly number[];
}

const WIDTH = 960;
const LEFT = 44;
const RIGHT = 8;
const TOP = 10;
const PLOT_HEIGHT = 200;
const AXIS = '#475467';
const GRID = '#d0d5dd';

/** The pattern of `fill` in `colour`, white marks over the colour, as an SVG <pattern> with `id`. */
function pattern(id: string, colour: string, fill: Fill): string {
  const marks: Record<Exclude<Fill, 'solid'>, string> = {
    stripes: '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" stroke-width="1.5"/>',
    dots: '<circle cx="3" cy="3" r="1.3" fill="#fff"/>',
    cross: '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="1.2"/>',
    bars: '<path d="M0,3 L6,3" stroke="#fff" stroke-width="1.5"/>',
  };
  return fill === 'solid' ? '' : `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${colour}"/>${marks[fill]}</pattern>`;
}

const paint = (id: string, series: Pick<Series, 'colour' | 'fill'>): string => (series.fill === 'solid' ? series.colour : `url(#${id})`);

/** 1, 2, 5 × 10^k at or above `value` (at least 1), so the axis reads in round numbers. */
function roundUp(value: number): number {
  let step = 1;
  for (;;) {
    for (const factor of [1, 2, 5]) if (step * factor >= value) return step * factor;
    step *= 10;
  }
}

/** A small square of a series' fill, for a legend or a table (hidden from assistive technology: the words carry it). */
export function swatch(id: string, series: Pick<Series, 'colour' | 'fill'>): string {
  return `<svg class="swatch" width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false"><defs>${pattern(id, series.colour, series.fill)}</defs><rect width="14" height="14" rx="2" fill="${paint(id, series)}" stroke="${AXIS}" stroke-width="0.5"/></svg>`;
}

/**
 * A chart in a region that scrolls sideways where the screen is narrower than the chart can be read at
 * (phones); focusable, so the keyboard scrolls it too (axe scrollable-region-focusable).
 */
export function scrollable(name: string, chart: string, options: { latestFirst?: boolean } = {}): string {
  // A time chart opens scrolled to its right end, the latest minutes (a right-to-left box starts there).
  return `<div class="chart-scroll${options.latestFirst === true ? ' latest' : ''}" role="region" tabindex="0" aria-label="${e(name)}">${chart}</div>`;
}

/** Bars over time, each stacked from the series in order (the first at the bottom), with a y axis and time labels. */
export function stackedBarChart(chart: { id: string; label: string; times: readonly string[]; series: readonly Series[] }): string {
  const count = chart.times.length;
  const totals = chart.times.map((_, i) => chart.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const top = roundUp(Math.max(1, ...totals));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const slot = plotWidth / Math.max(1, count);
  const barWidth = Math.max(1, slot * 0.72);
  const y = (value: number): number => TOP + PLOT_HEIGHT - (value / top) * PLOT_HEIGHT;
  // Counts are whole: a middle tick only where it is a whole number (not 2.5 on an axis of 5).
  const ticks = top % 2 === 0 ? [0, top / 2, top] : [0, top];
  const grid = ticks.map((tick) => `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(tick)}" y2="${y(tick)}" stroke="${GRID}"/><text x="${LEFT - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="13" fill="${AXIS}">${tick}</text>`).join('');
  const every = Math.ceil(count / 8);
  // Every `every`-th time, and the last one unless it would crowd the label before it.
  const labelled = (i: number): boolean => i % every === 0 || (i === count - 1 && i % every >= every / 2);
  const labels = chart.times.map((time, i) => (labelled(i) ? `<text x="${LEFT + slot * i + slot / 2}" y="${TOP + PLOT_HEIGHT + 18}" text-anchor="middle" font-size="13" fill="${AXIS}">${e(time)}</text>` : '')).join('');
  const bars = chart.times.map((time, i) => {
    let base = 0;
    return chart.series.map((series, s) => {
      const value = series.values[i] ?? 0;
      if (value === 0) return '';
      const rect = `<rect x="${(LEFT + slot * i + (slot - barWidth) / 2).toFixed(2)}" y="${y(base + value).toFixed(2)}" width="${barWidth.toFixed(2)}" height="${(y(base) - y(base + value)).toFixed(2)}" fill="${paint(`${chart.id}-s${s}`, series)}"><title>${e(`${time} · ${series.name}: ${value}`)}</title></rect>`;
      base += value;
      return rect;
    }).join('');
  }).join('');
  const defs = chart.series.map((series, s) => pattern(`${chart.id}-s${s}`, series.colour, series.fill)).join('');
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${TOP + PLOT_HEIGHT + 26}" role="img" aria-label="${e(chart.label)}" focusable="false"><defs>${defs}</defs>
${grid}<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(0)}" y2="${y(0)}" stroke="${AXIS}"/>${bars}${labels}</svg>`;
}

export interface Bar {
  /** The words left of the bar (e.g. a key's id and algorithm). */
  readonly label: string;
  readonly value: number;
  /** The words right of the bar (the value and its state: never colour alone). */
  readonly note: string;
  readonly colour: string;
  readonly fill: Fill;
}

const ROW = 34;
/** Narrower than the time charts: shown at its own size (console stylesheet), so its words stay 14 px. */
const BARS_WIDTH = 720;
const LABEL_WIDTH = 200;
const NOTE_WIDTH = 230;

/** One horizontal bar per row, its length proportional to its value, with a label and a note in words. */
export function horizontalBarChart(chart: { id: string; label: string; bars: readonly Bar[] }): string {
  const longest = Math.max(0, ...chart.bars.map((bar) => bar.value));
  const span = BARS_WIDTH - LABEL_WIDTH - NOTE_WIDTH;
  const rows = chart.bars.map((bar, i) => {
    const width = longest === 0 ? 2 : Math.max(2, (bar.value / longest) * span);
    const top = i * ROW + 6;
    return `<text x="${LABEL_WIDTH - 10}" y="${top + 17}" text-anchor="end" font-size="14" font-family="ui-monospace,monospace" fill="#1f2329">${e(bar.label)}</text>
<rect x="${LABEL_WIDTH}" y="${top + 4}" width="${width.toFixed(2)}" height="${ROW - 14}" rx="3" fill="${paint(`${chart.id}-b${i}`, bar)}"/>
<text x="${(LABEL_WIDTH + width + 8).toFixed(2)}" y="${top + 18}" font-size="14" fill="#1f2329">${e(bar.note)}</text>`;
  }).join('\n');
  const defs = chart.bars.map((bar, i) => pattern(`${chart.id}-b${i}`, bar.colour, bar.fill)).join('');
  return `<svg class="chart bars" viewBox="0 0 ${BARS_WIDTH} ${chart.bars.length * ROW + 8}" role="img" aria-label="${e(chart.label)}" focusable="false"><defs>${defs}</defs>
${rows}</svg>`;
}
