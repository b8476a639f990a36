// Per-key calls-per-minute limit (wechat-api.md §3.2, §11: jscode2session allows 100 calls per user per
// minute, then 45011). A sliding 60 s window, so tests with a fixed clock are deterministic.

const WINDOW_MS = 60_000;

export interface MinuteQuota {
  /** Counts one call for `key` and says whether it is within the limit; refused calls are not counted. */
  tryConsume(key: string, now: number): boolean;
  /** Forgets keys with no call in the window (one per user ever seen would otherwise stay for good). */
  sweep(now: number): void;
  readonly size: number;
}

export function createMinuteQuota(limitPerMinute: number): MinuteQuota {
  const calls = new Map<string, number[]>();

  return {
    tryConsume(key, now) {
      const recent = (calls.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
      const allowed = recent.length < limitPerMinute;
      if (allowed) recent.push(now);
      if (recent.length === 0) calls.delete(key);
      else calls.set(key, recent);
      return allowed;
    },
    sweep(now) {
      for (const [key, recent] of calls) if (recent.every((at) => now - at >= WINDOW_MS)) calls.delete(key);
    },
    get size() {
      return calls.size;
    },
  };
}
