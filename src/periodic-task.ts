/**
 * Runs a task every interval in the background (expired-row cleanup): never two runs at once, a
 * failure logged and retried at the next interval, the timer unref()'d so it never keeps the process
 * alive, and stop() waits for a run in progress (before the database closes).
 */
import type { Logger } from './logger.ts';

export interface PeriodicTask {
  stop(): Promise<void>;
}

export function startPeriodicTask(deps: { name: string; intervalMs: number; run: () => Promise<void>; logger: Logger }): PeriodicTask {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= deps.run()
      .catch((error: unknown) => { deps.logger.warn({ err: error, task: deps.name }, `${deps.name} failed; will retry`); })
      .finally(() => { running = undefined; });
  }, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
