/**
 * Property-based fuzz of POST /token (test-catalogue C-04 request side; T-02, T-03, T-04, W-06, W-07,
 * H-01); the property is test/fuzz/token-endpoint.ts, shared with `npm run fuzz`. numRuns: 400.
 */
import { describe, it } from 'vitest';
import { tokenEndpoint } from '../fuzz/token-endpoint.ts';
import { runSurface } from '../fuzz/run-surface.ts';

describe('POST /token under fuzzed input (C-04)', () => {
  it(`never answers 5xx and issues a token only for a genuine request (${String(tokenEndpoint.ciRuns)} runs)`, { timeout: 120_000 }, async () => {
    await runSurface(tokenEndpoint);
  });
});
