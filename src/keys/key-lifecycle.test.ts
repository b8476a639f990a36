import { describe, expect, it } from 'vitest';
import { activeKids, nextChangeAfter, removalTime, stateOf, type KeyTimes } from './key-lifecycle.ts';

const t = (minutes: number): Date => new Date(Date.UTC(2026, 0, 1, 0, minutes));
const key = (kid: string, alg: string, activatesAt: Date, retiresAt: Date | null = null, removeAfter: Date | null = null): KeyTimes =>
  ({ kid, alg, activatesAt, retiresAt, removeAfter });

describe('signing-key lifecycle', () => {
  const old = key('old', 'ES256', t(0), t(60), t(130));
  const next = key('next', 'ES256', t(60));
  const rsa = key('rsa', 'RS256', t(0));

  it('keeps the old key signing until the new one activates, then switches', () => {
    expect(activeKids([old, next, rsa], t(30))).toEqual({ ES256: 'old', RS256: 'rsa' });
    expect(activeKids([old, next, rsa], t(60))).toEqual({ ES256: 'next', RS256: 'rsa' });
  });

  it('shows pending, signing, retired and removed', () => {
    const signing = new Set(['old']);
    expect(stateOf(next, t(30), signing)).toBe('pending');
    expect(stateOf(old, t(30), signing)).toBe('signing');
    expect(stateOf(old, t(90), new Set(['next']))).toBe('retired');
    expect(stateOf(old, t(130), new Set(['next']))).toBe('removed');
  });

  it('never picks a key that has left the JWKS, even if it was never retired', () => {
    expect(activeKids([key('gone', 'ES256', t(0), null, t(10))], t(20))).toEqual({});
  });

  it('names the next activation, retirement or removal', () => {
    expect(nextChangeAfter([old, next, rsa], t(30))).toEqual(t(60));
    expect(nextChangeAfter([old, next, rsa], t(60))).toEqual(t(130));
    expect(nextChangeAfter([rsa], t(60))).toBeNull();
  });

  it('removes a retired key after the longest token lifetime plus leeway', () => {
    expect(removalTime(t(60), 3600, 600)).toEqual(t(130));
  });
});
