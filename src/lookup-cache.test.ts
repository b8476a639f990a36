import { describe, expect, it } from 'vitest';
import { createLookupCache } from './lookup-cache.ts';

function counter(): { load: (key: string) => Promise<string>; calls: string[] } {
  const calls: string[] = [];
  return { calls, load: (key) => { calls.push(key); return Promise.resolve(`${key}#${calls.length}`); } };
}

describe('createLookupCache', () => {
  it('reuses a value until ttlMs has passed since it was read, then reads again', async () => {
    let clock = 1000;
    const cache = createLookupCache<string>({ ttlMs: 500, now: () => clock });
    const { load, calls } = counter();
    expect(await cache.get('a', load)).toBe('a#1');
    clock += 499;
    expect(await cache.get('a', load)).toBe('a#1');
    clock += 1;
    expect(await cache.get('a', load)).toBe('a#2');
    expect(calls).toEqual(['a', 'a']);
  });

  it('shares one lookup between concurrent callers of the same key', async () => {
    const cache = createLookupCache<string>({ ttlMs: 500 });
    const { load, calls } = counter();
    const values = await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('b', load)]);
    expect(values).toEqual(['a#1', 'a#1', 'b#2']);
    expect(calls).toEqual(['a', 'b']);
  });

  it('does not keep a failed lookup', async () => {
    const cache = createLookupCache<string>({ ttlMs: 500 });
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('a', () => Promise.resolve('up'))).toBe('up');
  });

  it('loads every time when ttlMs is 0', async () => {
    const cache = createLookupCache<string>({ ttlMs: 0 });
    const { load, calls } = counter();
    await cache.get('a', load);
    await cache.get('a', load);
    expect(calls).toEqual(['a', 'a']);
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    const cache = createLookupCache<string>({ ttlMs: 500, maxEntries: 2 });
    const { load, calls } = counter();
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    await cache.get('b', load);
    await cache.get('a', load);
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });

  it('forgets a key on delete() and everything on clear()', async () => {
    const cache = createLookupCache<string>({ ttlMs: 500 });
    const { load, calls } = counter();
    await cache.get('a', load);
    cache.delete('a');
    await cache.get('a', load);
    await cache.get('b', load);
    cache.clear();
    await cache.get('a', load);
    await cache.get('b', load);
    expect(calls).toEqual(['a', 'a', 'b', 'a', 'b']);
  });
});
