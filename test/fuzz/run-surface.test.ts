/**
 * The `npm run fuzz` machinery reports what it must (issue #15): a property failure with fast-check's
 * seed and path (and the replay finds it again), 5xx counted, and a secret that reaches a log line
 * found by the periodic leak drain — after which the drained lines are forgotten.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drainLeaks, leakWatch } from '../support/leak-watch.ts';
import { CI_RUNS, splitRuns } from './plan.ts';
import { fuzzSurface } from './run-surface.ts';
import { cases, countAnswer, surface, type FuzzSurface } from './surface.ts';

/** A surface over plain numbers: "answers" 500 from 90 up, and logs `secret` for case `leakAt`. */
function numbers(lines: string[], secret: string, leakAt: number): FuzzSurface {
  return surface({
    name: 'me-bodies', ciRuns: 1,
    prepare: (stats) => Promise.resolve(cases({
      arbitrary: fc.nat(100),
      check(n) {
        countAnswer(stats, n >= 90 ? 500 : 200);
        if (n === leakAt) lines.push(`a careless line with ${secret}`);
        expect(n).toBeLessThan(90);
        return Promise.resolve();
      },
    })),
  });
}

describe('fuzzSurface (npm run fuzz)', () => {
  it('reports a failure with seed and path that replay it, and counts the 5xx', async () => {
    const report = await fuzzSurface(numbers([], 'unused', -1), { runs: 2000, seed: 42 });
    expect(report.failure).toEqual(expect.objectContaining({ seed: 42, path: expect.any(String) }));
    expect(report.serverErrors).toBeGreaterThan(0);

    const replay = await fuzzSurface(numbers([], 'unused', -1), { runs: 2000, seed: 42, path: report.failure?.path });
    expect(replay.failure?.counterexample).toBe(report.failure?.counterexample);
    expect(replay.cases).toBeLessThan(report.cases);
  });

  it('stops at the time budget without calling it a failure', async () => {
    const slow = surface({
      name: 'me-bodies', ciRuns: 1,
      prepare: () => Promise.resolve(cases({ arbitrary: fc.nat(80), check: () => new Promise<void>((resolve) => { setImmediate(resolve); }) })),
    });
    const report = await fuzzSurface(slow, { runs: 10_000_000, seed: 1, deadline: Date.now() + 200 });
    expect(report).toEqual(expect.objectContaining({ interrupted: true, failure: undefined }));
    expect(report.cases).toBeLessThan(10_000_000);
  });

  it('finds a secret logged during the run, and forgets drained log lines', async () => {
    const lines: string[] = [];
    const secret = 'S3cr3t-Fuzz-Value-9f8e7d';
    leakWatch.logs(() => lines);
    leakWatch.secret('app secret', secret);
    const report = await fuzzSurface(numbers(lines, secret, 0), { runs: 300, seed: 7, scanEvery: 50 });
    expect(report.leaks).toEqual([{ kind: 'app secret', where: 'log', hint: 'S3cr…', context: 'a careless line with «secret»' }]);
    expect(lines).toEqual([]);
    expect(await drainLeaks()).toEqual([]);
  });
});

describe('splitRuns (npm run fuzz -- --runs N)', () => {
  it('splits exactly N cases in proportion to the CI counts', () => {
    // The first 100,000-case run planned 99,999: the remainder loop re-read its own bound as it went.
    expect(splitRuns(100_000, Object.values(CI_RUNS)).reduce((a, b) => a + b, 0)).toBe(100_000);
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 9 }), (total, weights) => {
      const counts = splitRuns(total, weights);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      counts.forEach((count, i) => { expect(Math.abs(count - (total * (weights[i] ?? 0)) / weights.reduce((a, b) => a + b, 0))).toBeLessThan(1); });
    }));
  });
});
