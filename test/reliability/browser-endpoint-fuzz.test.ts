/**
 * Property-based fuzz of the browser endpoints — /auth parameters, /interaction/*, the WeChat
 * callback, /session/end (design.md §10, issue #15); the property is test/fuzz/browser-endpoints.ts,
 * shared with `npm run fuzz`. numRuns: 100.
 */
import { describe, it } from 'vitest';
import { browserEndpoints } from '../fuzz/browser-endpoints.ts';
import { runSurface } from '../fuzz/run-surface.ts';

describe('the browser endpoints under fuzzed input', () => {
  it(`never answer 5xx and redirect only to wxbridge, WeChat or a registered URI (${String(browserEndpoints.ciRuns)} runs)`, { timeout: 120_000 }, async () => {
    await runSurface(browserEndpoints);
  });
});
