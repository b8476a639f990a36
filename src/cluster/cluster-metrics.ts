/**
 * Metrics in worker mode (design.md §9, issue 19 #1): every worker keeps its own registry and the
 * primary serves `/metrics` for all of them, summed (histogram buckets and counters add up; a gauge
 * whose definition says otherwise, like the signing-key ages, uses its own aggregator). The exchange
 * is prom-client's cluster aggregation over the workers' IPC channels: the primary asks each connected
 * worker on every scrape, so a replaced worker's counters start again at zero, as Prometheus expects of
 * a counter reset.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { listenForScrapes, type MetricsListener } from '../metrics/metrics-listener.ts';

/** Worker side: answers the primary's scrape requests with this registry. */
export function shareMetricsWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one installs prom-client's listener for the primary's requests on this worker's IPC channel.
  new AggregatorRegistry();
}

/** Primary side: the /metrics listener over every worker's registry; undefined when metrics are off. */
export async function serveClusterMetrics(config: Config, logger: Logger): Promise<MetricsListener | undefined> {
  if (config.metrics.port === undefined) return undefined;
  const aggregator = new AggregatorRegistry();
  const listener = await listenForScrapes({
    port: config.metrics.port,
    host: config.metrics.host,
    source: { contentType: aggregator.contentType, render: () => aggregator.clusterMetrics() },
    onError: (error) => { logger.error({ err: error }, 'metrics collection from the workers failed'); },
  });
  logger.info({ url: listener.url }, 'serving Prometheus metrics of every worker');
  return listener;
}
