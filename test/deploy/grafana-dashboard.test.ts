import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROCESS_METRICS, seriesNames, WXBRIDGE_METRICS, type MetricDefinition } from '../../src/metrics/metric-names.ts';
import { DEPLOY } from './deployment-files.ts';
import { namesIn } from './promql-names.ts';

interface Target { readonly expr?: string; readonly datasource?: { readonly type?: string; readonly uid?: string } }
interface Panel { readonly id: number; readonly type: string; readonly title: string; readonly datasource?: Target['datasource']; readonly targets?: readonly Target[] }
interface Variable { readonly name: string; readonly type: string; readonly query?: string | { readonly query: string } }
interface Dashboard { readonly uid: string; readonly title: string; readonly panels: readonly Panel[]; readonly templating: { readonly list: readonly Variable[] } }

const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'grafana/wxbridge-dashboard.json'), 'utf8')) as Dashboard;
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ['job', 'instance'];

/** Every series name the dashboard may select, with the metric it belongs to (undefined: a default process metric). */
const SERIES = new Map<string, MetricDefinition | undefined>([
  ...Object.values(WXBRIDGE_METRICS).flatMap((metric: MetricDefinition) => seriesNames(metric).map((series) => [series, metric] as const)),
  ...DEFAULT_PROCESS_METRICS.map((name) => [name, undefined] as const),
]);

function labelsOf(series: string): string[] {
  const metric = SERIES.get(series);
  return [...TARGET_LABELS, ...Object.keys(metric?.labels ?? {}), ...(series.endsWith('_bucket') ? ['le'] : [])];
}

const expressions: { where: string; expr: string }[] = [
  ...panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr ?? '' }))),
  ...dashboard.templating.list.filter((variable) => variable.type === 'query').map((variable) => ({
    where: `variable $${variable.name}`, expr: asPromQL(typeof variable.query === 'string' ? variable.query : variable.query?.query ?? ''),
  })),
];

/** Grafana's `label_values(selector, label)` reads like `group by (label) (selector)`. */
function asPromQL(query: string): string {
  const labelValues = /^label_values\((.+),\s*(\w+)\)$/.exec(query);
  return labelValues === null ? query : `group by (${labelValues[2] ?? ''}) (${labelValues[1] ?? ''})`;
}

describe('deploy/grafana/wxbridge-dashboard.json', () => {
  it('parses, and queries the Prometheus data source chosen in its datasource variable', () => {
    expect(dashboard).toMatchObject({ uid: 'wxbridge', title: 'wxbridge' });
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource, panel.title).toEqual(panel.datasource);
    }
  });

  it('selects only metrics of src/metrics/metric-names.ts, and at least one in every query', () => {
    for (const { where, expr } of expressions) {
      const { metrics } = namesIn(expr);
      expect(metrics.length, `${where}: ${expr}`).toBeGreaterThan(0);
      expect(metrics.filter((name) => !SERIES.has(name)), `${where}: ${expr}`).toEqual([]);
    }
  });

  it('matches and groups only on labels those metrics have, comparing bounded labels with values they take', () => {
    for (const { where, expr } of expressions) {
      const { metrics, selectors, groupingLabels } = namesIn(expr);
      for (const { metric, matchers } of selectors) {
        const definition = SERIES.get(metric);
        for (const { label, operator, value } of matchers) {
          expect(labelsOf(metric), `${where}: ${metric}{${label}}`).toContain(label);
          const allowed = definition?.labels[label];
          if (operator === '=' && Array.isArray(allowed)) expect(allowed, `${where}: ${label}="${value}"`).toContain(value);
        }
      }
      const known = new Set(metrics.flatMap(labelsOf));
      expect(groupingLabels.filter((label) => !known.has(label)), `${where}: ${expr}`).toEqual([]);
    }
  });

  it('shows every wxbridge metric somewhere', () => {
    const used = new Set(expressions.flatMap(({ expr }) => namesIn(expr).metrics));
    const unused = Object.values(WXBRIDGE_METRICS).filter((metric: MetricDefinition) => !seriesNames(metric).some((series) => used.has(series)));
    expect(unused.map((metric) => metric.name)).toEqual([]);
  });
});

describe('reading PromQL for the dashboard check', () => {
  it('finds metric names, matchers and grouping labels, and skips functions, keywords and numbers', () => {
    const names = namesIn('histogram_quantile(0.99, sum by (route, le) (rate(a_bucket{job=~"$job",outcome="failure"}[5m]))) / on (instance) b_total offset 1h > 1e3');
    expect(names.metrics).toEqual(['a_bucket', 'b_total']);
    expect(names.selectors).toEqual([{ metric: 'a_bucket', matchers: [{ label: 'job', operator: '=~', value: '$job' }, { label: 'outcome', operator: '=', value: 'failure' }] }]);
    expect(names.groupingLabels).toEqual(['route', 'le']);
  });
});
