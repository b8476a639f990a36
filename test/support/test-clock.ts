/**
 * The clock tests hand to the app (house-style §9 "Time"): the wall clock plus an offset that only
 * grows, so a test that needs a TTL to pass advances it instead of sleeping.
 */
import type { Clock } from '../../src/clock.ts';

export interface TestClock extends Clock {
  /** Moves this clock `ms` milliseconds ahead of the wall clock (on top of earlier advances). */
  advance(ms: number): void;
}

export function createTestClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(ms) {
      if (!(ms >= 0)) throw new Error('a clock only moves forward');
      offsetMs += ms;
    },
  };
}
