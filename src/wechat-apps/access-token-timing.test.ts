import { describe, expect, it } from 'vitest';
import { forceRefreshWaitMs, refreshTimeFor } from './access-token-timing.ts';

const at = (seconds: number): Date => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

describe('refreshTimeFor', () => {
  it('refreshes 300 s before expiry (wechat-api §12 rule 7)', () => {
    expect(refreshTimeFor(at(0), 7200)).toEqual(at(6900));
    expect(refreshTimeFor(at(100), 1000)).toEqual(at(800));
  });

  it('keeps half the lifetime usable when expires_in is 600 s or less', () => {
    expect(refreshTimeFor(at(0), 600)).toEqual(at(300));
    expect(refreshTimeFor(at(0), 300)).toEqual(at(150));
    expect(refreshTimeFor(at(0), 2)).toEqual(at(1));
  });
});

describe('forceRefreshWaitMs', () => {
  it('allows a forced refresh when none happened, or 30 s after the last one', () => {
    expect(forceRefreshWaitMs(null, at(0))).toBe(0);
    expect(forceRefreshWaitMs(at(0), at(30))).toBe(0);
    expect(forceRefreshWaitMs(at(0), at(40))).toBe(0);
  });

  it('says how long to wait within 30 s of the last one', () => {
    expect(forceRefreshWaitMs(at(0), at(10))).toBe(20_000);
  });
});
