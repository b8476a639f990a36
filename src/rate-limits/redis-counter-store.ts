/**
 * Rate-limit counters in Redis, when REDIS_URL is set (docs/decisions/0013): INCRBY + PEXPIRE per key,
 * every batch in one pipeline (one round trip). Keys expire on their own two windows after they start.
 * Commands fail at once while disconnected (no offline queue): the counters then fail open.
 */
import { createClient } from '@redis/client';
import type { CounterStore } from './shared-counters.ts';

export async function createRedisCounterStore(deps: { url: string; keyPrefix: string; onError: (error: unknown) => void }): Promise<CounterStore> {
  const client = createClient({
    url: deps.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  });
  // Without a listener, an 'error' event (Redis restarted, network blip) would crash the process.
  client.on('error', deps.onError);
  await client.connect();
  const redisKey = (key: string, windowStart: number): string => `${deps.keyPrefix}rl:${key}:${String(windowStart)}`;
  return {
    async add(increments) {
      const pipeline = client.multi();
      for (const { key, windowStart, amount, windowMs } of increments) {
        pipeline.incrBy(redisKey(key, windowStart), amount).pExpire(redisKey(key, windowStart), 2 * windowMs);
      }
      const replies = await pipeline.execAsPipeline();
      return increments.map((_increment, index) => Number(replies[2 * index]));
    },
    removeExpired: () => Promise.resolve(),
    async close() {
      if (client.isOpen) await client.close();
    },
  };
}
