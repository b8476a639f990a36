/**
 * Process entry: config → listen → createApp → serve; SIGTERM/SIGINT drain and close everything.
 * WXBRIDGE_WORKERS > 1: this process becomes the primary (src/cluster/primary.ts) and each forked
 * worker runs serve(), on the database and sandbox simulator the primary set up.
 */
import cluster from 'node:cluster';
import { shareMetricsWithPrimary } from './cluster/cluster-metrics.ts';
import { saveCompileCache, useCompileCache } from './compile-cache.ts';
import { announceReady, requestWorkerSetup } from './cluster/worker-setup.ts';
import { loadConfig } from './config.ts';
import { listen } from './http/server.ts';
import { createLogger } from './logger.ts';
import { describeStartupFailure } from './startup-failures.ts';

const config = (() => {
  try {
    return loadConfig(process.env, { configDir: new URL('../config', import.meta.url).pathname });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(78); // EX_CONFIG
  }
})();

const logger = createLogger(config.log);
// Before the app's modules load, and before any worker is forked (ADR 0033).
useCompileCache(process.env);
// Each role loads only its own modules: the primary never loads the app (oidc-provider, koa), a little less memory.
if (cluster.isPrimary && config.workers > 1) {
  const { runPrimary } = await import('./cluster/primary.ts');
  await runPrimary({ config, logger }).catch(failToStart);
} else {
  await serve();
}

/** A known cause (port taken, database unreachable, migrations pending) is one line and its exit code (README); anything else is logged whole. */
function failToStart(error: unknown): never {
  const failure = describeStartupFailure(error, { port: config.http.port, metricsPort: config.metrics.port, databaseUrl: config.database.url });
  if (failure === undefined) logger.fatal({ err: error }, 'wxbridge failed to start');
  else process.stderr.write(`wxbridge cannot start: ${failure.message}\n`);
  logger.flush();
  process.exit(failure?.exitCode ?? 1);
}

async function serve(): Promise<void> {
  const setup = cluster.isWorker ? await requestWorkerSetup() : undefined;
  // Before the app's modules load, so the instrumentations see pg and http load (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set).
  const tracing = config.tracing.otlpEndpoint === undefined ? undefined : (await import('./tracing/tracing.ts')).startTracing(config.tracing);
  const { createApp } = await import('./app.ts');
  // A worker on a known port builds its app before it listens: the primary hands connections only to workers
  // that listen, so a starting (or replacement) worker never answers 503 "starting" to a user. A single process
  // (or port 0, whose number the issuer needs) listens first: a taken port fails the start before any work.
  const appFirst = cluster.isWorker && config.http.port !== 0;
  const early = appFirst ? undefined : await listen(config.http.port, config.http.host, config.http.timeouts).catch(failToStart);
  // A worker's metrics are served by the primary, summed over every worker (src/cluster/cluster-metrics.ts).
  const app = await createApp(config, {
    listeningPort: early?.port ?? config.http.port, logger, ...(setup === undefined ? {} : { sandboxSimulator: setup.sandbox, metricsListener: false }),
  }).catch(failToStart);
  if (cluster.isWorker && config.metrics.port !== undefined) shareMetricsWithPrimary(app.metrics);
  const http = early ?? await listen(config.http.port, config.http.host, config.http.timeouts).catch(failToStart);
  http.handle(app.callback);
  logger.info({ port: http.port, issuer: app.issuer }, `wxbridge listening on ${app.issuer}`);
  if (cluster.isWorker) announceReady();
  saveCompileCache();

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining in-flight requests');
    await http.stop(config.http.shutdownTimeoutMs);
    await app.close();
    await tracing?.shutdown().catch((error: unknown) => { logger.warn({ err: error }, 'the last spans could not be exported'); });
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  }
  process.on('SIGTERM', () => { void shutdown('SIGTERM'); });
  process.on('SIGINT', () => { void shutdown('SIGINT'); });
  // A worker whose primary is gone (killed) must not linger holding the port and the database.
  if (cluster.isWorker) process.on('disconnect', () => { void shutdown('primary gone'); });
}
