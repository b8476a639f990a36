/**
 * Fixed-window counters shared by every instance, with at most one round trip on the request path
 * (docs/decisions/0013). The first hit of a key in a window asks the store (one upsert returning the
 * global total); later hits of that key are counted locally and flushed in one batched statement every
 * `flushIntervalMs`, whose answer refreshes this instance's view of the total. A busy key (one client's
 * logins) thus costs one UPDATE per instance per flush instead of one per request, and no request waits
 * on a hot row. What an instance knows lags the other instances by at most one flush interval.
 * A store that fails or is slow never fails a request: the counters fail open and the error is reported.
 * A slow answer is still awaited for the bookkeeping (never retried while it may have been applied), so
 * an increment is counted once however late the store answers.
 */

export interface Increment {
  readonly key: string;
  /** Start of the fixed window, in ms since the epoch. */
  readonly windowStart: number;
  readonly amount: number;
  readonly windowMs: number;
}

/** Where the totals live (PostgreSQL or Redis): adds every increment and returns the new totals, in order. */
export interface CounterStore {
  add(increments: readonly Increment[]): Promise<readonly number[]>;
  /** Deletes counters of windows that ended before `before` (ms since the epoch). */
  removeExpired(before: number): Promise<void>;
  close(): Promise<void>;
}

export interface WindowCount {
  /** The window's total as far as this instance knows, this hit included. */
  readonly count: number;
  /** When the window ends, in ms since the epoch. */
  readonly resetAt: number;
}

export interface SharedCounters {
  add(key: string, amount: number): Promise<WindowCount>;
  /** What this instance knows of `key` in the current window, with no round trip. */
  peek(key: string): WindowCount;
  close(): Promise<void>;
}

export interface SharedCountersDeps {
  readonly store: CounterStore;
  readonly windowMs: number;
  readonly flushIntervalMs?: number;
  /** A request never waits longer than this for the store (then the count is local only). */
  readonly storeTimeoutMs?: number;
  readonly now?: () => number;
  readonly onError: (error: unknown) => void;
}

interface Entry {
  readonly windowStart: number;
  /** The global total at the last answer of the store. */
  known: number;
  /** Counted here, not yet sent to the store. */
  pending: number;
  /** Sent to the store, not yet answered: neither retried nor forgotten until the answer arrives. */
  inFlight: number;
  /** The first round trip of the window; the flusher leaves the entry alone until it settled. */
  first: Promise<void> | undefined;
  settled: boolean;
}

/** Sends `amount` of `entry` to the store and books the answer when it comes (however late). */
function send(entry: Entry, amount: number, answer: Promise<number | undefined>, onError: (error: unknown) => void): Promise<void> {
  entry.pending -= amount;
  entry.inFlight += amount;
  return answer.then(
    (total) => { entry.inFlight -= amount; entry.known = total ?? entry.known + amount; },
    (error: unknown) => { entry.inFlight -= amount; entry.pending += amount; onError(error); }, // not applied: the next flush retries it
  );
}

export function createSharedCounters(deps: SharedCountersDeps): SharedCounters {
  const now = deps.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const windowOf = (time: number): number => time - (time % deps.windowMs);
  const view = (entry: Entry): WindowCount => ({ count: entry.known + entry.pending + entry.inFlight, resetAt: entry.windowStart + deps.windowMs });

  const entryFor = (key: string): Entry => {
    const windowStart = windowOf(now());
    const existing = entries.get(key);
    if (existing?.windowStart === windowStart) return existing;
    const fresh: Entry = { windowStart, known: 0, pending: 0, inFlight: 0, first: undefined, settled: false };
    entries.set(key, fresh);
    return fresh;
  };

  const flusher = createFlusher({ ...deps, entries, windowOf, now });
  return {
    async add(key, amount) {
      const entry = entryFor(key);
      entry.pending += amount;
      // First sight in this window: one round trip tells us what the other instances counted.
      entry.first ??= send(entry, amount, deps.store.add([{ key, windowStart: entry.windowStart, amount, windowMs: deps.windowMs }]).then(([total]) => total), deps.onError)
        .finally(() => { entry.settled = true; });
      // The request waits for the store at most storeTimeoutMs, then goes on with what this instance knows.
      await waitAtMost(entry.first, deps.storeTimeoutMs ?? 1000);
      return view(entry);
    },
    peek(key) {
      const entry = entries.get(key);
      return entry?.windowStart === windowOf(now()) ? view(entry) : { count: 0, resetAt: windowOf(now()) + deps.windowMs };
    },
    close: () => flusher.close(),
  };
}

function createFlusher(deps: SharedCountersDeps & { entries: Map<string, Entry>; windowOf: (time: number) => number; now: () => number }): { close(): Promise<void> } {
  let running: Promise<void> | undefined;
  let lastCleanup = deps.now();

  async function flush(): Promise<void> {
    const current = deps.windowOf(deps.now());
    const batch: [string, Entry, number][] = [];
    for (const [key, entry] of deps.entries) {
      const idle = entry.pending === 0 && entry.inFlight === 0;
      // Forget past windows once flushed (or once two windows old: the store was down too long).
      if (entry.windowStart < current && (idle || entry.windowStart < current - deps.windowMs)) deps.entries.delete(key);
      else if (entry.pending > 0 && entry.settled) batch.push([key, entry, entry.pending]);
    }
    // Sorted by key: two instances flushing overlapping keys then lock rows in the same order (no deadlock).
    batch.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (batch.length > 0) {
      const totals = deps.store.add(batch.map(([key, entry, amount]) => ({ key, windowStart: entry.windowStart, amount, windowMs: deps.windowMs })));
      // One answer for the batch; each entry books its own total (a failure leaves every amount pending once).
      let reported = false;
      const onError = (error: unknown): void => { if (!reported) { reported = true; deps.onError(error); } };
      await Promise.all(batch.map(([, entry, amount], index) => send(entry, amount, totals.then((all) => all[index]), onError)));
    }
    if (deps.now() - lastCleanup >= deps.windowMs) {
      lastCleanup = deps.now();
      await deps.store.removeExpired(current - deps.windowMs);
    }
  }

  const tick = (): void => {
    running ??= flush().catch(deps.onError).finally(() => { running = undefined; });
  };
  const timer = setInterval(tick, deps.flushIntervalMs ?? 200);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      // A store that no longer answers must not hold up shutdown: waited for a bounded time only.
      const bound = 5 * (deps.storeTimeoutMs ?? 1000);
      await waitAtMost(running ?? Promise.resolve(), bound);
      await waitAtMost(flush().catch(deps.onError), bound);
      await deps.store.close();
    },
  };
}

/** Resolves when `promise` settles or after `ms`, whichever comes first; never rejects. */
function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
  return Promise.race([promise.then(() => undefined, () => undefined), late]).finally(() => { clearTimeout(timer); });
}
