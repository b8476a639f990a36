import { describe, expect, it } from 'vitest';
import { horizontalBarChart, stackedBarChart, swatch } from './overview-charts.ts';

const heights = (svg: string): number[] => [...svg.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*><title>/g)].map((m) => Number(m[1]));

describe('overview charts (inline SVG)', () => {
  const chart = stackedBarChart({
    id: 'logins', label: 'Sign-ins: 6 succeeded, 2 failed', times: ['10:00', '10:01', '10:02'],
    series: [{ name: 'Succeeded', colour: '#067647', fill: 'solid', values: [4, 0, 2] }, { name: 'Failed: invalid_grant', colour: '#b42318', fill: 'stripes', values: [1, 0, 1] }],
  });

  it('is one image named by its summary, with no style attribute (the CSP allows none)', () => {
    expect(chart).toMatch(/^<svg class="chart" [^>]*role="img" aria-label="Sign-ins: 6 succeeded, 2 failed"/);
    for (const svg of [chart, swatch('x', { colour: '#b42318', fill: 'dots' }), horizontalBarChart({ id: 'k', label: 'keys', bars: [{ label: 'a', value: 1, note: '1 day', colour: '#067647', fill: 'solid' }] })]) {
      expect(svg).not.toMatch(/\sstyle=/);
    }
  });

  it('stacks each minute\'s series in proportion, skipping zeros, on a round axis', () => {
    // 5 is the tallest stack, so the axis tops at 5: 4 of 200 px units per bar of 4 → 160, and so on.
    expect(heights(chart)).toEqual([160, 40, 80, 40]);
    expect(chart).toContain('<title>10:00 · Failed: invalid_grant: 1</title>');
    expect(chart).toContain('>5</text>');
  });

  it('fills a patterned series through a pattern of its own id, a solid one with its colour', () => {
    expect(chart).toContain('<pattern id="logins-s1"');
    expect(chart).toContain('fill="url(#logins-s1)"');
    expect(chart).not.toContain('id="logins-s0"');
    expect(chart).toContain('fill="#067647"');
  });

  it('escapes the words it draws', () => {
    const bars = horizontalBarChart({ id: 'k', label: '<keys>', bars: [{ label: 'a<b', value: 2, note: '2 "days"', colour: '#475467', fill: 'stripes' }] });
    expect(bars).toContain('aria-label="&#60;keys&#62;"');
    expect(bars).toContain('>a&#60;b</text>');
    expect(bars).not.toContain('a<b');
    expect(bars).toContain('>2 &#34;days&#34;</text>');
  });
});
