/**
 * The primary process of worker mode (WXBRIDGE_WORKERS > 1): resolves the database once (starts
 * the embedded PostgreSQL when DATABASE_URL is unset, applies migrations outside production),
 * creates the development master key before any worker could race for it, starts the one sandbox
 * simulator every worker shares, then supervises the workers (src/cluster/worker-supervisor.ts).
 * SIGTERM/SIGINT: every worker drains, then the simulator and the embedded PostgreSQL stop.
 */
import type { Worker } from 'node:cluster';
import type { Config } from '../config.ts';
import { prepareDatabase } from '../db/database.ts';
import { loadOrCreateDevMasterKey } from '../keys/dev-master-key.ts';
import type { Logger } from '../logger.ts';
import type { SandboxSimulator } from '../sandbox/sandbox.ts';
import { openSandboxSimulator } from '../sandbox/sandbox-decision.ts';
import type { MetricsListener } from '../metrics/metrics-listener.ts';
import { serveClusterMetrics } from './cluster-metrics.ts';
import { superviseWorkers } from './worker-supervisor.ts';

/** Extra time a worker gets beyond its own drain timeout before it is killed. */
const STOP_MARGIN_MS = 5000;

export async function runPrimary(deps: { config: Config; logger: Logger }): Promise<void> {
  const { config, logger } = deps;
  // Created before any worker could race for it (workers only read it).
  if (config.keys.masterKey === undefined) loadOrCreateDevMasterKey(config.dataDir);
  const database = await prepareDatabase(config, logger);
  let simulator: SandboxSimulator | undefined;
  let metrics: MetricsListener | undefined;
  // Scrapes ask the workers that serve; none until the supervisor below exists.
  let servingWorkers: () => readonly Worker[] = () => [];
  try {
    // The sandbox decision is the primary's (design.md §7), so every worker agrees; its simulator is the only one.
    simulator = await openSandboxSimulator(config, database.orm, undefined, logger);
    await database.release();
    // Before any worker: a taken metrics port fails the start like a taken HTTP port.
    metrics = await serveClusterMetrics({ config, logger, workers: () => servingWorkers() });
  } catch (error) {
    await simulator?.close();
    await database.stop();
    throw error;
  }

  let stopping = false;
  const stop = async (signal: string, exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining every worker');
    await supervisor.stop(config.http.shutdownTimeoutMs + STOP_MARGIN_MS);
    await metrics?.close();
    await simulator?.close();
    await database.stop();
    logger.info('stopped');
    logger.flush();
    process.exit(exitCode);
  };
  const supervisor = superviseWorkers({
    count: config.workers,
    env: { DATABASE_URL: database.url },
    setup: { sandbox: simulator === undefined ? null : { url: simulator.url, appSecret: simulator.appSecret } },
    logger,
    onGiveUp: () => { void stop('workers failing', 1); },
  });
  servingWorkers = () => supervisor.serving();
  logger.info({ workers: config.workers, sandbox: simulator !== undefined }, 'wxbridge primary started');
  process.on('SIGTERM', () => { void stop('SIGTERM', 0); });
  process.on('SIGINT', () => { void stop('SIGINT', 0); });
}
