import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROCESS_METRICS, seriesNames, WXBRIDGE_METRICS, type MetricDefinition } from './metric-names.ts';

const metrics: MetricDefinition[] = Object.values(WXBRIDGE_METRICS);

describe('metric names', () => {
  it('are unique, prefixed wxbridge_ and follow the Prometheus naming rules for their type', () => {
    const names = metrics.map((metric) => metric.name);
    expect(new Set(names).size).toBe(names.length);
    for (const metric of metrics) {
      expect(metric.name).toMatch(/^wxbridge_[a-z][a-z0-9_]*$/);
      // Counters end in _total; nothing else does (https://prometheus.io/docs/practices/naming/).
      expect(metric.name.endsWith('_total')).toBe(metric.type === 'counter');
      for (const label of Object.keys(metric.labels)) expect(label).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('expose a histogram as its _bucket, _sum and _count series', () => {
    expect(seriesNames(WXBRIDGE_METRICS.httpRequestDuration)).toEqual([
      'wxbridge_http_request_duration_seconds_bucket', 'wxbridge_http_request_duration_seconds_sum', 'wxbridge_http_request_duration_seconds_count',
    ]);
    expect(seriesNames(WXBRIDGE_METRICS.httpRequests)).toEqual(['wxbridge_http_requests_total']);
  });

  it('list exactly the process metrics prom-client registers by default', () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    expect([...DEFAULT_PROCESS_METRICS].sort()).toEqual(registry.getMetricsAsArray().map((metric) => metric.name).sort());
    registry.clear();
  });
});
