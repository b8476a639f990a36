/** The benchmark's one table (Markdown, readable in a terminal too) and the machine it ran on. */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

export interface ScenarioRow {
  readonly scenario: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly errors: number;
  readonly completed: number;
  /** Peak RSS of the busiest serving process during the phase (MiB). */
  readonly peakRssMiB: number;
  /** Anonymous RSS of the largest serving process as the phase ends (MiB): its own memory, without the shared binary. */
  readonly anonRssMiB: number;
  /** CPU used during the phase, in cores (1.0 = one core fully busy). */
  readonly cpu: { readonly wxbridge: number; readonly postgres: number | undefined; readonly simulator: number; readonly loadgen: number; readonly other: number };
  readonly loadAverage: number;
  /** What PostgreSQL ran during the measured phase (pg_stat_statements), when the server tracks it. */
  readonly statements?: readonly { readonly query: string; readonly calls: number; readonly rows: number }[];
  readonly note?: string;
}

/** Statements (round trips) and rows per request, from pg_stat_statements. */
function perRequest(row: ScenarioRow): string {
  if (row.statements === undefined || row.completed === 0) return '–';
  const calls = row.statements.reduce((sum, statement) => sum + statement.calls, 0);
  const rows = row.statements.reduce((sum, statement) => sum + statement.rows, 0);
  return `${(calls / row.completed).toFixed(2)} / ${(rows / row.completed).toFixed(1)}`;
}

/** The statements of one phase, most frequent first, per request: the note's "statements and rows per login". */
export function formatStatements(row: ScenarioRow, limit = 15): string {
  if (row.statements === undefined || row.completed === 0) return '';
  const lines = row.statements.slice(0, limit).map((statement) =>
    `  ${(statement.calls / row.completed).toFixed(3).padStart(7)} calls ${(statement.rows / row.completed).toFixed(3).padStart(7)} rows  ${statement.query.replace(/\s+/g, ' ').slice(0, 150)}`);
  return [`statements per request, ${row.scenario}${row.note === undefined ? '' : ` (${row.note})`}:`, ...lines].join('\n');
}

export interface MachineDescription {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly postgres: string;
}

export function describeMachine(postgresVersion: string): MachineDescription {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  return { cpus: availableParallelism(), cpuModel: model, memoryGiB: totalmem() / 2 ** 30, node: process.version, postgres: postgresVersion };
}

export function loadAverageNow(): number {
  return loadavg()[0] ?? Number.NaN;
}

const ms = (value: number): string => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const cores = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(2));

export function formatTable(rows: readonly ScenarioRow[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'peak RSS (anon) MiB', 'CPU wx/pg/sim/gen/other (cores)', 'wx+pg CPU ms/req', 'stmts/rows per req', 'load'];
  const lines = rows.map((row) => [
    row.scenario + (row.note === undefined ? '' : ` (${row.note})`),
    row.requestsPerSecond.toFixed(0),
    ms(row.p50), ms(row.p95), ms(row.p99),
    `${row.errors}/${row.completed}`,
    `${row.peakRssMiB.toFixed(0)} (${row.anonRssMiB.toFixed(0)})`,
    `${cores(row.cpu.wxbridge)} / ${cores(row.cpu.postgres)} / ${cores(row.cpu.simulator)} / ${cores(row.cpu.loadgen)} / ${cores(row.cpu.other)}`,
    `${(1000 * row.cpu.wxbridge / row.requestsPerSecond).toFixed(2)} + ${row.cpu.postgres === undefined ? '–' : (1000 * row.cpu.postgres / row.requestsPerSecond).toFixed(2)}`,
    perRequest(row),
    row.loadAverage.toFixed(2),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] ?? '').length)));
  const render = (cells: readonly string[]): string => `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [render(header), rule, ...lines.map(render)].join('\n');
}

export function formatMachine(machine: MachineDescription): string {
  return `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB RAM, Node ${machine.node}, ${machine.postgres}`;
}
