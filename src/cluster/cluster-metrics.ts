/**
 * Metrics in worker mode (design.md §9, issue 19 #1): every worker keeps its own registry and the
 * primary serves `/metrics` for all of them, summed by prom-client's `AggregatorRegistry.aggregate`
 * (counters and histogram buckets add up; a gauge whose definition says otherwise, like the
 * signing-key ages, uses its own aggregator). The primary asks, at each scrape, only the workers that
 * serve (a starting worker has no registry to give yet) over their IPC channels, and waits a bounded
 * time: a worker that does not answer is left out of that scrape and logged, rather than failing it.
 * A replaced worker's counters start again at zero, which Prometheus treats as a counter reset.
 */
import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { listenForScrapes, type MetricsListener } from '../metrics/metrics-listener.ts';

const REQUEST = 'wxbridge.metrics-request';
const RESPONSE = 'wxbridge.metrics';
/** How long a scrape waits for a worker (Prometheus' default scrape timeout is 10 s). */
const WORKER_TIMEOUT_MS = 5000;

const MetricsRequest = z.object({ type: z.literal(REQUEST), id: z.number() });
const MetricsResponse = z.object({ type: z.literal(RESPONSE), id: z.number(), metrics: z.array(z.unknown()).optional(), error: z.string().optional() });

type WorkerMetrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** Worker side: answers the primary's scrape requests with this registry. */
export function shareMetricsWithPrimary(registry: Registry): void {
  process.on('message', (message: unknown) => {
    const request = MetricsRequest.safeParse(message);
    if (!request.success) return;
    const { id } = request.data;
    registry.getMetricsAsJSON().then(
      (metrics) => { process.send?.({ type: RESPONSE, id, metrics }); },
      (error: unknown) => { process.send?.({ type: RESPONSE, id, error: error instanceof Error ? error.message : String(error) }); },
    );
  });
}

let nextRequestId = 0;

function askWorker(worker: Worker): Promise<WorkerMetrics> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      const response = MetricsResponse.safeParse(message);
      if (!response.success || response.data.id !== id) return;
      done();
      if (response.data.metrics === undefined) reject(new Error(response.data.error ?? 'no metrics'));
      else resolve(response.data.metrics as WorkerMetrics);
    };
    const timer = setTimeout(() => { done(); reject(new Error(`no answer within ${WORKER_TIMEOUT_MS} ms`)); }, WORKER_TIMEOUT_MS);
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
    };
    worker.on('message', onMessage);
    worker.send({ type: REQUEST, id });
  });
}

/** Primary side: the /metrics listener over the serving workers' registries; undefined when metrics are off. */
export async function serveClusterMetrics(deps: { config: Config; logger: Logger; workers: () => readonly Worker[] }): Promise<MetricsListener | undefined> {
  const { config, logger } = deps;
  if (config.metrics.port === undefined) return undefined;
  const render = async (): Promise<string> => {
    const workers = deps.workers().filter((worker) => worker.isConnected());
    const answers = await Promise.allSettled(workers.map(askWorker));
    answers.forEach((answer, index) => {
      if (answer.status === 'rejected') logger.warn({ err: answer.reason, worker: workers[index]?.id }, 'a worker\'s metrics are missing from this scrape');
    });
    const registries = answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
    return AggregatorRegistry.aggregate(registries).metrics();
  };
  const listener = await listenForScrapes({
    port: config.metrics.port,
    host: config.metrics.host,
    source: { contentType: AggregatorRegistry.PROMETHEUS_CONTENT_TYPE, render },
    onError: (error) => { logger.error({ err: error }, 'metrics collection from the workers failed'); },
  });
  logger.info({ url: listener.url }, 'serving Prometheus metrics of every worker');
  return listener;
}
