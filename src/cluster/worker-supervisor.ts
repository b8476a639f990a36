/**
 * Keeps `count` cluster workers running (node:cluster; workers share the listening port, the
 * primary hands connections round-robin). A worker that exits is replaced: at once if it had been
 * serving, after a growing delay if it died while starting; after five start failures in a row the
 * supervisor gives up (a broken configuration or database must not become a fork loop). stop()
 * sends SIGTERM to every worker — each drains its in-flight requests — and SIGKILLs stragglers.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logger.ts';
import { answerSetupRequests, type WorkerSetup } from './worker-setup.ts';

const MAX_START_FAILURES = 5;

export interface WorkerSupervisorDeps {
  readonly count: number;
  /** Added to each worker's environment (e.g. the resolved DATABASE_URL). */
  readonly env: Readonly<Record<string, string>>;
  readonly setup: WorkerSetup;
  readonly logger: Logger;
  /** Called once when workers keep failing at start. */
  readonly onGiveUp: () => void;
}

export interface WorkerSupervisor {
  /** The pids of the live workers. */
  pids(): number[];
  /** The workers that announced they serve (built their app). */
  serving(): Worker[];
  stop(graceMs: number): Promise<void>;
}

export function superviseWorkers(deps: WorkerSupervisorDeps): WorkerSupervisor {
  const { logger } = deps;
  const serving = new Set<number>();
  const live = new Map<number, Worker>();
  let startFailures = 0;
  let stopping = false;

  const fork = (): void => {
    if (stopping) return;
    const worker = cluster.fork({ ...deps.env });
    live.set(worker.id, worker);
    answerSetupRequests(worker, deps.setup, () => {
      serving.add(worker.id);
      startFailures = 0;
      logger.info({ worker: worker.id, pid: worker.process.pid }, 'worker serving');
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker.id);
    const wasServing = serving.delete(worker.id);
    if (stopping) return;
    startFailures = wasServing ? 0 : startFailures + 1;
    logger.error({ worker: worker.id, pid: worker.process.pid, code, signal, wasServing }, 'worker exited; starting a replacement');
    if (startFailures >= MAX_START_FAILURES) {
      logger.fatal({ failures: startFailures }, 'workers keep failing to start; giving up');
      deps.onGiveUp();
      return;
    }
    setTimeout(fork, wasServing ? 0 : Math.min(30_000, 250 * 2 ** startFailures));
  });

  for (let i = 0; i < deps.count; i += 1) fork();

  return {
    serving: () => [...live.values()].filter((worker) => serving.has(worker.id)),
    pids: () => [...live.values()].map((worker) => worker.process.pid).filter((pid): pid is number => pid !== undefined),
    async stop(graceMs) {
      stopping = true;
      const exits = [...live.values()].map((worker) => new Promise<void>((resolve) => {
        if (worker.isDead()) {
          resolve();
          return;
        }
        worker.once('exit', () => { resolve(); });
        worker.process.kill('SIGTERM');
      }));
      const all = Promise.all(exits);
      const timer = setTimeout(() => {
        for (const worker of live.values()) if (!worker.isDead()) worker.process.kill('SIGKILL');
      }, graceMs);
      await all;
      clearTimeout(timer);
    },
  };
}
