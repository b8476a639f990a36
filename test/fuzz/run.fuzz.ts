/**
 * The body of `npm run fuzz` (scripts/fuzz.ts), run by vitest with vitest.fuzz.config.ts so that it
 * gets the integration harness unchanged: the PostgreSQL template (global setup), a database and a
 * real app per surface, the WeChat simulator on a socket, and the leak watch. The plan comes in
 * WXBRIDGE_FUZZ_PLAN; one JSON report line per surface goes to WXBRIDGE_FUZZ_REPORT. A surface's
 * failures are reported, not thrown: the script prints the table and sets the exit code.
 */
import { appendFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { fuzzSurface } from './run-surface.ts';
import { SURFACES } from './surfaces.ts';

export interface FuzzPlan {
  readonly surfaces: readonly { name: string; runs: number; seed: number }[];
  readonly path?: string;
}

const plan = JSON.parse(process.env['WXBRIDGE_FUZZ_PLAN'] ?? '{"surfaces":[]}') as FuzzPlan;
const reportFile = process.env['WXBRIDGE_FUZZ_REPORT'] ?? '/dev/null';

describe('npm run fuzz', () => {
  for (const planned of plan.surfaces) {
    const s = SURFACES.find((candidate) => candidate.name === planned.name);
    if (s === undefined) throw new Error(`unknown surface ${planned.name}`);
    it(`${s.name}: ${String(planned.runs)} cases`, { timeout: 0 }, async () => {
      const report = await fuzzSurface(s, { runs: planned.runs, seed: planned.seed, path: plan.path });
      appendFileSync(reportFile, `${JSON.stringify(report)}\n`);
    });
  }
});
