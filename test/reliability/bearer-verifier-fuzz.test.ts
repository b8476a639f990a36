/**
 * Property-based fuzz of the two resource-server verifiers with forged and mutated tokens
 * (test-catalogue C-05, J-02 … J-09, J-14, J-18); the properties are test/fuzz/bearer-verifier.ts,
 * shared with `npm run fuzz`. numRuns: 250 (admin API) + 400 (package).
 */
import { describe, it } from 'vitest';
import { adminBearer, packageVerifier } from '../fuzz/bearer-verifier.ts';
import { runSurface } from '../fuzz/run-surface.ts';

describe('bearer verifiers under forged and mutated tokens (C-05)', () => {
  it(`the admin API answers 401 to every one of ${String(adminBearer.ciRuns)} forgeries, and fetches no jku/x5u`, { timeout: 120_000 }, async () => {
    await runSurface(adminBearer);
  });

  it(`@wxbridge/verifier rejects every one of ${String(packageVerifier.ciRuns)} forgeries with a 401 VerifierError, and fetches no jku/x5u`, { timeout: 120_000 }, async () => {
    await runSurface(packageVerifier);
  });
});
