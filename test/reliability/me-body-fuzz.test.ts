/**
 * Property-based fuzz of the /me/* bodies and tokens (design.md §4, issue #15); the property is
 * test/fuzz/me-bodies.ts, shared with `npm run fuzz`. numRuns: 100.
 */
import { describe, it } from 'vitest';
import { meBodies } from '../fuzz/me-bodies.ts';
import { runSurface } from '../fuzz/run-surface.ts';

describe('/me/* under fuzzed bodies and tokens', () => {
  it(`never answers 5xx, and refuses with { error } (${String(meBodies.ciRuns)} runs)`, { timeout: 120_000 }, async () => {
    await runSurface(meBodies);
  });
});
