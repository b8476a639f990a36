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
  /** A time budget's end (epoch ms), shared out over the surfaces still to run in proportion to their runs. */
  readonly deadline?: number;
}

const plan = JSON.parse(process.env['WXBRIDGE_FUZZ_PLAN'] ?? '{"surfaces":[]}') as FuzzPlan;
const reportFile = process.env['WXBRIDGE_FUZZ_REPORT'] ?? '/dev/null';
const progressFile = process.env['WXBRIDGE_FUZZ_PROGRESS'] ?? '/dev/null';

describe('npm run fuzz', () => {
  plan.surfaces.forEach((planned, index) => {
    const s = SURFACES.find((candidate) => candidate.name === planned.name);
    if (s === undefined) throw new Error(`unknown surface ${planned.name}`);
    it(`${s.name}: ${String(planned.runs)} cases`, { timeout: 0 }, async () => {
      const rest = plan.surfaces.slice(index).reduce((sum, p) => sum + p.runs, 0);
      const deadline = plan.deadline === undefined ? undefined : Date.now() + ((plan.deadline - Date.now()) * planned.runs) / rest;
      const started = Date.now();
      let reportedLeaks = 0;
      const report = await fuzzSurface(s, {
        runs: planned.runs, seed: planned.seed, path: plan.path, deadline,
        onProgress: (stats, leaks) => {
          appendFileSync(progressFile, `${new Date().toISOString()} ${s.name} ${String(stats.cases)}/${String(planned.runs)} cases, ${String(stats.serverErrors)} × 5xx, ${String(leaks.length)} leaks, ${String(Math.round((Date.now() - started) / 1000))} s\n`);
          for (const leak of leaks.slice(reportedLeaks)) appendFileSync(progressFile, `  leak: ${JSON.stringify(leak)}\n`);
          reportedLeaks = leaks.length;
        },
      });
      appendFileSync(reportFile, `${JSON.stringify(report)}\n`);
    });
  });
});
