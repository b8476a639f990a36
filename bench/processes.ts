/**
 * The processes under test, each started the way an operator starts it: wxbridge (`node
 * src/main.ts`, with WXBRIDGE_WORKERS workers) and the WeChat simulator (`node
 * src/wechat-simulator/main.ts`), both from this checkout on the same Node as the harness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { childPids } from './proc-stats.ts';

const ROOT = new URL('..', import.meta.url).pathname;

/** The Node flags `npm start` runs wxbridge with (package.json scripts.start), so the benchmark measures what ships. */
export function startScriptFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('package.json', `file://${ROOT}`), 'utf8')) as { scripts: Record<string, string> };
  const words = (pkg.scripts['start'] ?? '').split(/\s+/);
  const entry = words.indexOf('src/main.ts');
  return words[0] === 'node' && entry > 0 ? words.slice(1, entry) : [];
}

export interface BenchProcess {
  readonly pid: number;
  output(): string;
  stop(): Promise<void>;
}

function spawnNode(args: readonly string[], env: Readonly<Record<string, string>>, execArgv: readonly string[] = []): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [...execArgv, ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // BENCH_OUTPUT_FILE: everything the processes print, kept whole (e.g. with --node-flags="… --trace-gc").
  const outputFile = process.env['BENCH_OUTPUT_FILE'];
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-64 * 1024);
    if (outputFile !== undefined && outputFile !== '') appendFileSync(outputFile, chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, output: () => output };
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface SimulatorProcess extends BenchProcess { readonly url: string }

export async function startSimulatorProcess(app: { appId: string; secret: string }): Promise<SimulatorProcess> {
  // Benchmarks log the same users in many times a minute: lift WeChat's per-user quota (45011).
  const { child, output } = spawnNode(['src/wechat-simulator/main.ts', '--port', '0', '--app', `${app.appId}:${app.secret}:miniprogram`, '--login-quota', '1000000'], {});
  const url = await new Promise<string>((resolve, reject) => {
    let line = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      line += chunk.toString('utf8');
      const match = /\{"url":"([^"]+)"\}/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => { reject(new Error(`simulator exited (${String(code)}): ${output()}`)); });
  });
  return { pid: child.pid ?? 0, url, output, stop: () => stopChild(child, 5000) };
}

export interface WxbridgeProcess extends BenchProcess {
  readonly baseUrl: string;
  /** The processes that serve requests: the workers, or the process itself with one worker. */
  servingPids(): number[];
  /** Every wxbridge process (primary and workers). */
  allPids(): number[];
}

/** Starts wxbridge on `port` and waits until every worker answers (a starting worker answers 503). */
export async function startWxbridgeProcess(options: {
  port: number; workers: number; env: Readonly<Record<string, string>>;
  /** Node flags instead of npm start's (experiments). */
  nodeFlags?: readonly string[] | undefined;
  execArgv?: readonly string[];
  /** What to run instead of src/main.ts, with the same flags and environment (bench/floor-server.ts). */
  entry?: string;
}): Promise<WxbridgeProcess> {
  const flags = [...(options.nodeFlags ?? startScriptFlags()), ...(options.execArgv ?? [])];
  const { child, output } = spawnNode([options.entry ?? 'src/main.ts'], { ...options.env, PORT: String(options.port), WXBRIDGE_WORKERS: String(options.workers) }, flags);
  const pid = child.pid ?? 0;
  const workers = (): number[] => (options.workers > 1 ? childPids(pid) : []);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  let consecutive = 0;
  // Fresh connections are handed to the workers in turn: 4 × workers good answers in a row means all serve.
  while (consecutive < 4 * options.workers) {
    if (child.exitCode !== null) throw new Error(`wxbridge exited while starting:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`wxbridge did not serve within 60 s:\n${output()}`);
    const status = await fetch(`${baseUrl}/.well-known/openid-configuration`, { headers: { connection: 'close' } }).then((r) => r.status, () => 0);
    consecutive = status === 200 && (options.workers === 1 || workers().length >= options.workers) ? consecutive + 1 : 0;
    if (consecutive === 0) await sleep(100);
  }
  return {
    pid,
    baseUrl,
    output,
    servingPids: () => (options.workers > 1 ? workers() : [pid]),
    allPids: () => [pid, ...workers()],
    stop: () => stopChild(child, 20_000),
  };
}
