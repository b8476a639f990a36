/**
 * The one message a worker needs from its primary before it builds the app (worker mode,
 * src/cluster/primary.ts): where the shared sandbox simulator listens, or that the sandbox is off.
 * Asked for over the IPC channel, so nothing but DATABASE_URL travels in the environment.
 */
import type { Worker } from 'node:cluster';
import { z } from 'zod';

const SETUP_REQUEST = 'wxbridge.setup-request';
const SETUP = 'wxbridge.setup';
const READY = 'wxbridge.ready';

const SetupMessage = z.object({
  type: z.literal(SETUP),
  sandbox: z.object({ url: z.string().min(1), appSecret: z.string().min(1) }).nullable(),
});

export interface WorkerSetup {
  /** The primary's sandbox simulator; null when the sandbox is off. */
  readonly sandbox: { readonly url: string; readonly appSecret: string } | null;
}

/** Worker side: asks the primary for the setup and waits for it. */
export function requestWorkerSetup(timeoutMs = 30_000): Promise<WorkerSetup> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown): void => {
      const parsed = SetupMessage.safeParse(message);
      if (!parsed.success) return;
      cleanup();
      resolve({ sandbox: parsed.data.sandbox });
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no setup from the primary process within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    if (process.send === undefined) {
      cleanup();
      reject(new Error('not a worker process: no IPC channel to the primary'));
      return;
    }
    process.send({ type: SETUP_REQUEST });
  });
}

/** Worker side: tells the primary the app is built and serving (a worker that dies before this failed to start). */
export function announceReady(): void {
  process.send?.({ type: READY });
}

/** Primary side: answers the worker's setup request and reports when it is ready. */
export function answerSetupRequests(worker: Worker, setup: WorkerSetup, onReady: () => void): void {
  worker.on('message', (message: unknown) => {
    const type = (message as { type?: unknown } | null)?.type;
    if (type === SETUP_REQUEST) worker.send({ type: SETUP, sandbox: setup.sandbox });
    if (type === READY) onReady();
  });
}
