import { describe, expect, it } from 'vitest';
import { createSlots } from './console-sessions.ts';

describe('console refresh slots', () => {
  it('lets `size` holders in at once and the next ones in arrival order as slots are released', async () => {
    const slots = createSlots(2);
    const order: string[] = [];
    const first = await slots.acquire();
    const second = await slots.acquire();
    const third = slots.acquire().then((release) => { order.push('third'); return release; });
    const fourth = slots.acquire().then((release) => { order.push('fourth'); return release; });
    await Promise.resolve();
    expect(order).toEqual([]);
    first();
    const releaseThird = await third;
    expect(order).toEqual(['third']);
    second();
    const releaseFourth = await fourth;
    expect(order).toEqual(['third', 'fourth']);
    releaseThird();
    releaseFourth();
    // Both slots are free again: two more enter at once.
    await Promise.all([slots.acquire(), slots.acquire()]);
  });
});
