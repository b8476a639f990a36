// Cancellable waits for latency and delay faults (wechat-api.md §8.2 latency, §14 items 20 and 24), so
// close() can clear every pending timer at once and never leaves one behind.

export class WaitCancelledError extends Error {
  override readonly name = 'WaitCancelledError';
}

export interface Waiter {
  /** Resolves after `ms`; rejects with WaitCancelledError if cancelAll() runs first or already ran. */
  wait(ms: number): Promise<void>;
  cancelAll(): void;
}

export function createWaiter(): Waiter {
  const pending = new Map<NodeJS.Timeout, () => void>();
  let cancelled = false;

  return {
    wait(ms) {
      if (cancelled) return Promise.reject(new WaitCancelledError('simulator closed'));
      if (ms <= 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve();
        }, ms);
        pending.set(timer, () => reject(new WaitCancelledError('simulator closed')));
      });
    },
    cancelAll() {
      cancelled = true;
      for (const [timer, cancel] of pending) {
        clearTimeout(timer);
        cancel();
      }
      pending.clear();
    },
  };
}
