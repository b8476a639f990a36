import { describe, expect, it, vi } from 'vitest';
import { createSharedCounters, type CounterStore, type Increment } from './shared-counters.ts';

/** A store in memory that records each batch it was asked to add (one batch = one round trip). */
function memoryStore(): CounterStore & { batches: Increment[][]; totals: Map<string, number>; failing: boolean; slow: Promise<void> | undefined } {
  const store = {
    batches: [] as Increment[][],
    totals: new Map<string, number>(),
    failing: false,
    /** While set, the store applies an increment at once but answers only when this settles (a slow round trip). */
    slow: undefined as Promise<void> | undefined,
    async add(increments: readonly Increment[]) {
      if (store.failing) throw new Error('store down');
      store.batches.push([...increments]);
      const totals = increments.map(({ key, windowStart, amount }) => {
        const id = `${key}@${String(windowStart)}`;
        store.totals.set(id, (store.totals.get(id) ?? 0) + amount);
        return store.totals.get(id) ?? 0;
      });
      await store.slow;
      return totals;
    },
    removeExpired: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  return store;
}

describe('createSharedCounters', () => {
  it('asks the store once on the first hit of a key, then batches the rest into one flush', async () => {
    const store = memoryStore();
    const counters = createSharedCounters({ store, windowMs: 60_000, flushIntervalMs: 10_000, onError: () => undefined });
    const seen = [];
    for (let i = 0; i < 100; i += 1) seen.push((await counters.add('client:a', 1)).count);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(store.batches).toHaveLength(1);
    await counters.close(); // flushes
    expect(store.batches).toHaveLength(2);
    expect([...store.totals.values()]).toEqual([100]);
  });

  it('learns what other instances counted from the store\'s answer', async () => {
    const store = memoryStore();
    const [one, two] = [0, 1].map(() => createSharedCounters({ store, windowMs: 60_000, flushIntervalMs: 10_000, onError: () => undefined }));
    for (let i = 0; i < 5; i += 1) await one!.add('ip:x', 1);
    await one!.close();
    expect((await two!.add('ip:x', 1)).count).toBe(6);
    expect(two!.peek('ip:x').count).toBe(6);
    await two!.close();
  });

  it('fails open and reports the error when the store is down, and counts again once it is back', async () => {
    const store = memoryStore();
    store.failing = true;
    const onError = vi.fn();
    const counters = createSharedCounters({ store, windowMs: 60_000, flushIntervalMs: 10_000, onError });
    expect((await counters.add('k', 1)).count).toBe(1);
    expect((await counters.add('k', 1)).count).toBe(2);
    expect(onError).toHaveBeenCalled();
    store.failing = false;
    await counters.close();
    expect([...store.totals.values()]).toEqual([2]);
  });

  it('starts from zero in a new window', async () => {
    let now = 120_000;
    const store = memoryStore();
    const counters = createSharedCounters({ store, windowMs: 60_000, flushIntervalMs: 10_000, now: () => now, onError: () => undefined });
    await counters.add('k', 3);
    now += 60_000;
    expect(counters.peek('k')).toEqual({ count: 0, resetAt: 240_000 });
    expect(await counters.add('k', 1)).toEqual({ count: 1, resetAt: 240_000 });
    await counters.close();
  });

  it('counts an increment once when the store answers after the request stopped waiting (a loaded database)', async () => {
    const store = memoryStore();
    let answer = (): void => undefined;
    store.slow = new Promise((resolve) => { answer = resolve; });
    const counters = createSharedCounters({ store, windowMs: 60_000, flushIntervalMs: 10_000, storeTimeoutMs: 10, onError: () => undefined });
    // The request waits 10 ms, then goes on with what it knows; the store applied the increment anyway.
    expect((await counters.add('k', 1)).count).toBe(1);
    store.slow = undefined;
    answer();
    await counters.close(); // a flush now must not add the same increment again
    expect([...store.totals.values()]).toEqual([1]);
  });
});
