import { describe, expect, it } from 'vitest';
import { keyTimeline, type KeyRow } from './key-timeline.ts';

const at = (minutes: number): string => new Date(Date.UTC(2026, 0, 1, 12, minutes)).toISOString();
const now = new Date(at(30));

/** The segments drawn for `kid`, in order (pending, signing, retired). */
function segmentsOf(markup: string, kid: string): string[] {
  const group = new RegExp(`<g data-kid="${kid}"[^>]*>(.*?)</g>`).exec(markup)?.[1] ?? '';
  return [...group.matchAll(/class="segment (\w+)"/g)].map((match) => match[1] ?? '');
}

describe('key timeline (issue 14 #3)', () => {
  const retired: KeyRow = { kid: 'old', alg: 'ES256', state: 'retired', createdAt: at(0), activatesAt: at(0), retiresAt: at(20), removeAfter: at(90) };
  const signing: KeyRow = { kid: 'new', alg: 'ES256', state: 'signing', createdAt: at(10), activatesAt: at(20), retiresAt: null, removeAfter: null };
  // A pending key superseded by a later rotation retires when it would have activated: it never signs.
  const superseded: KeyRow = { kid: 'skipped', alg: 'RS256', state: 'retired', createdAt: at(5), activatesAt: at(25), retiresAt: at(25), removeAfter: at(95) };

  it('draws each key\'s life in order: a rotated-in key pending then signing, an old key signing then retired', () => {
    const markup = keyTimeline([retired, signing, superseded], now, 'en');
    expect(segmentsOf(markup, 'old')).toEqual(['signing', 'retired']);
    expect(segmentsOf(markup, 'new')).toEqual(['pending', 'signing']);
    expect(segmentsOf(markup, 'skipped')).toEqual(['pending', 'retired']);
    expect(markup.match(/<figure class="timeline"/g)).toHaveLength(2);
  });

  it('leaves removed keys to the table and draws nothing when no key is published', () => {
    const removed: KeyRow = { ...retired, state: 'removed' };
    expect(keyTimeline([removed], now, 'en')).toBe('');
    expect(keyTimeline([removed, signing], now, 'zh-CN')).not.toContain('data-kid="old"');
  });

  it('uses attributes and classes only (the console\'s CSP allows no inline style)', () => {
    expect(keyTimeline([retired, signing], now, 'en')).not.toMatch(/style=/);
  });
});
