/**
 * Property-based fuzz of the admin API (test-catalogue ); the property is
 * test/fuzz/admin-api.ts, shared with `npm run fuzz`. numRuns: 300.
 */
import { describe, it } from 'vitest';
import { adminApiSurface } from '../fuzz/admin-api.ts';
import { runSurface } from '../fuzz/run-surface.ts';

describe('the admin API under fuzzed input (A-09)', () => {
  it(`never answers 5xx, and refuses with { error, message } (${String(adminApiSurface.ciRuns)} runs)`, { timeout: 120_000 }, async () => {
    await runSurface(adminApiSurface);
  });
});
