/**
 * `npm run fuzz`: the fuzz properties of test/fuzz/ (the same ones CI runs at fixed counts in
 * test/reliability/) at any scale, against real servers (issue #15 "Fuzzing at scale"). vitest runs
 * test/fuzz/run.fuzz.ts with vitest.fuzz.config.ts — the integration harness: embedded PostgreSQL
 * (or TEST_DATABASE_URL), a real app per surface, the WeChat simulator on a socket, the leak watch.
 * Prints cases, 5xx for bad input, secrets seen, failures (with seed and path to replay) and wall
 * time per surface; exits 1 on any 5xx, leak or property failure. Never part of `npm test`.
 * With --minutes, a time budget: each surface stops starting cases at its share of it (reported, not a
 * failure). Progress lines (every 250 cases) go to the file named at the start.
 *   npm run fuzz -- [--runs 2000] [--minutes M] [--seed N] [--only token-endpoint,me-bodies] [--path P]
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SurfaceReport } from '../test/fuzz/run-surface.ts';
import { CI_RUNS, splitRuns, SURFACE_NAMES } from '../test/fuzz/plan.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '2000' }, minutes: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' }, path: { type: 'string' } },
});
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not ${args.runs}`);
const only = args.only?.split(',').map((name) => name.trim()).filter((name) => name !== '');
const unknown = only?.filter((name) => !(SURFACE_NAMES as string[]).includes(name)) ?? [];
if (unknown.length > 0) throw new Error(`unknown surface ${unknown.join(', ')}; known: ${SURFACE_NAMES.join(', ')}`);
const chosen = SURFACE_NAMES.filter((name) => only === undefined || only.includes(name));
const baseSeed = args.seed === undefined ? randomInt(2 ** 31 - 1) : Number(args.seed);
const split = splitRuns(runs, chosen.map((name) => CI_RUNS[name]));
const plan = {
  surfaces: chosen.map((name, i) => ({ name, runs: split[i] ?? 0, seed: args.seed === undefined ? baseSeed + i : baseSeed })).filter((s) => s.runs > 0),
  ...(args.path === undefined ? {} : { path: args.path }),
  ...(args.minutes === undefined ? {} : { deadline: Date.now() + Number(args.minutes) * 60_000 }),
};

const dir = mkdtempSync(join(tmpdir(), 'wxbridge-fuzz-'));
const reportFile = join(dir, 'report.jsonl');
const progressFile = join(tmpdir(), `wxbridge-fuzz-progress-${String(process.pid)}.log`);
const started = performance.now();
console.log(`fuzz: ${String(runs)} cases over ${plan.surfaces.map((s) => `${s.name} ${String(s.runs)}`).join(', ')}; seed ${String(baseSeed)}; progress in ${progressFile}`);
const vitest = spawnSync(join(import.meta.dirname, '..', 'node_modules', '.bin', 'vitest'), ['run', '--config', 'vitest.fuzz.config.ts', '--reporter', 'dot'], {
  cwd: join(import.meta.dirname, '..'), stdio: 'inherit',
  env: { ...process.env, WXBRIDGE_FUZZ_PLAN: JSON.stringify(plan), WXBRIDGE_FUZZ_REPORT: reportFile, WXBRIDGE_FUZZ_PROGRESS: progressFile },
});
const wallMs = performance.now() - started;
let reports: SurfaceReport[] = [];
try {
  reports = readFileSync(reportFile, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as SurfaceReport);
} catch {
  // no surface finished: reported below as missing
}
rmSync(dir, { recursive: true, force: true });

const rows = plan.surfaces.map((planned) => {
  const r = reports.find((report) => report.surface === planned.name);
  return r === undefined
    ? [planned.name, String(planned.runs), '–', '–', '–', '–', 'no report (prepare or the runner failed; see above)', '–']
    : [r.surface, String(r.runs), `${String(r.cases)}${r.interrupted ? ' (time)' : ''}`, String(r.answers), String(r.serverErrors), String(r.leaks.length),
      r.failure === undefined && r.finishError === undefined ? 'none' : (r.failure === undefined ? `after the run: ${r.finishError ?? ''}` : `seed ${String(r.failure.seed)} path ${r.failure.path ?? '?'}`),
      `${(r.ms / 1000).toFixed(1)} s`];
});
const total = reports.reduce((sum, r) => ({ cases: sum.cases + r.cases, answers: sum.answers + r.answers, serverErrors: sum.serverErrors + r.serverErrors, leaks: sum.leaks + r.leaks.length }), { cases: 0, answers: 0, serverErrors: 0, leaks: 0 });
const header = ['surface', 'planned', 'cases', 'answers', '5xx (bad input)', 'secrets seen', 'failure (replay)', 'time'];
const table = [header, ...rows, ['total', String(runs), String(total.cases), String(total.answers), String(total.serverErrors), String(total.leaks), String(rows.filter((row) => row[6] !== 'none').length), `${(wallMs / 1000).toFixed(1)} s`]];
const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
console.log('');
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
console.log(`\nmachine: ${String(cpus().length)} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}; seed ${String(baseSeed)}${args.seed === undefined ? ' (+ surface index)' : ''}`);
for (const r of reports) {
  if (r.failure !== undefined) {
    console.log(`\n${r.surface} failed: ${r.failure.message}\n  counterexample: ${r.failure.counterexample}`);
    console.log(`  replay: npm run fuzz -- --only ${r.surface} --runs ${String(r.runs)} --seed ${String(r.failure.seed)} --path ${r.failure.path ?? ''}`);
  }
  if (r.finishError !== undefined) console.log(`\n${r.surface}: the check after the run failed: ${r.finishError}`);
  for (const leak of r.leaks) console.log(`${r.surface}: a ${leak.kind} (${leak.hint}) in a ${leak.where}: ${leak.context ?? ''}`);
  console.log(`${r.surface}: answers by status ${Object.entries(r.statuses).map(([status, n]) => `${status} × ${String(n)}`).join(', ')}`);
}
const failed = vitest.status !== 0 || reports.length < plan.surfaces.length || total.serverErrors > 0 || total.leaks > 0 || table.slice(1, -1).some((row) => row[6] !== 'none');
process.exitCode = failed ? 1 : 0;
