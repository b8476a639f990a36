// Per-key calls-per-day limits (wechat-api.md §6.1 cgi-bin/token 2000/day, §6.2 force_refresh 20/day, §11):
// WeChat's day is China Standard Time (UTC+8), so the counter resets at 16:00 UTC [UNCONFIRMED boundary].

const CST_OFFSET_MS = 8 * 3_600_000;

export interface DailyQuota {
  /** Counts one call for `key` and says whether it is within the limit; refused calls are not counted. */
  tryConsume(key: string, now: number): boolean;
}

function dayOf(now: number): number {
  return Math.floor((now + CST_OFFSET_MS) / 86_400_000);
}

export function createDailyQuota(limitPerDay: number): DailyQuota {
  const counts = new Map<string, { day: number; count: number }>();

  return {
    tryConsume(key, now) {
      const day = dayOf(now);
      const entry = counts.get(key);
      const count = entry?.day === day ? entry.count : 0;
      if (count >= limitPerDay) return false;
      counts.set(key, { day, count: count + 1 });
      return true;
    },
  };
}
