/**
 * A per-process cache for the lookups every token request repeats (clients, resource servers,
 * WeChat apps with their opened AppSecret), docs/decisions/0012: an entry lives at most `ttlMs`
 * (≤ 1 s), so an admin change made through any process reaches every worker and instance within
 * that time, with no invalidation message to lose. Concurrent misses of one key share one lookup,
 * a failed lookup is not kept, and the map is bounded (probing with unknown keys cannot grow it).
 */
export interface LookupCache<Value> {
  /** The cached value of `key`, or `load(key)` (shared by concurrent callers) when absent or expired. */
  get(key: string, load: (key: string) => Promise<Value>): Promise<Value>;
  /** Forgets `key` (this process only; other processes see the change when their entry expires). */
  delete(key: string): void;
  clear(): void;
}

export interface LookupCacheOptions {
  /** 0 disables the cache: every get() loads. */
  readonly ttlMs: number;
  /** Entries kept at most; the oldest is dropped first (default 10 000). */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** `{ now }` for createLookupCache from an injected clock (src/clock.ts), or nothing (Date.now). */
export function clockOption(clock: { now(): number } | undefined): { now?: () => number } {
  return clock === undefined ? {} : { now: () => clock.now() };
}

interface Entry<Value> { readonly value: Promise<Value>; readonly expiresAt: number }

export function createLookupCache<Value>(options: LookupCacheOptions): LookupCache<Value> {
  const { ttlMs, maxEntries = 10_000, now = Date.now } = options;
  const entries = new Map<string, Entry<Value>>();

  return {
    get(key, load) {
      if (ttlMs <= 0) return load(key);
      const at = now();
      const cached = entries.get(key);
      if (cached !== undefined && cached.expiresAt > at) return cached.value;
      entries.delete(key); // re-inserted below: Map order stays oldest-first
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      // The entry's age counts from before the read, so a value is never served longer than ttlMs after it was read.
      const entry: Entry<Value> = { value: load(key), expiresAt: at + ttlMs };
      entries.set(key, entry);
      entry.value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return entry.value;
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
  };
}
