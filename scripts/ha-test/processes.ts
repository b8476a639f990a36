/**
 * The processes of the HA run, each started as an operator would: wxbridge instances (`node src/main.ts`
 * with npm start's Node flags, one process each, production mode), Debian's haproxy in the foreground,
 * and `wxbridge` CLI commands. Output goes to files in the run folder, for the report and a post-mortem.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startScriptFlags } from '../../bench/processes.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

function startLogged(name: string, command: string, args: readonly string[], options: { env: Record<string, string>; logDir: string }): RunningProcess {
  const logFile = join(options.logDir, `${name}.log`);
  // The process writes straight into the file: a pipe that is not drained fast enough makes haproxy
  // drop log lines (its stdout logging never blocks), and would stall a busy wxbridge.
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(command, args, { cwd: ROOT, env: options.env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { name, pid: child.pid ?? 0, logFile, exited, kill: (signal) => { child.kill(signal); } };
}

/** A wxbridge instance on `port`, resolved once it answers /readyz 200 (it answers 503 while starting). */
export async function startInstance(name: string, port: number, env: Readonly<Record<string, string>>, logDir: string): Promise<RunningProcess> {
  const instance = startLogged(name, process.execPath, [...startScriptFlags(), 'src/main.ts'], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env, PORT: String(port) }, logDir,
  });
  let exitCode: number | null | undefined;
  void instance.exited.then((code) => { exitCode = code; });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${name} exited (${String(exitCode)}) while starting; see ${instance.logFile}`);
    const status = await fetch(`http://127.0.0.1:${String(port)}/readyz`).then((response) => response.status, () => 0);
    if (status === 200) return instance;
    await sleep(100);
  }
  instance.kill('SIGKILL');
  throw new Error(`${name} was not ready within 90 s; see ${instance.logFile}`);
}

/** haproxy -db (foreground, logs to stdout) with the given configuration file. */
export function startHaproxy(configFile: string, logDir: string): RunningProcess {
  const check = spawnSync('haproxy', ['-c', '-f', configFile], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy refused ${configFile}:\n${check.stdout}${check.stderr}`);
  return startLogged('haproxy', 'haproxy', ['-db', '-f', configFile], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, logDir });
}

/** Stops a process with SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(processToStop: RunningProcess, graceMs = 15_000): Promise<number | null> {
  processToStop.kill('SIGTERM');
  const timer = setTimeout(() => { processToStop.kill('SIGKILL'); }, graceMs);
  const code = await processToStop.exited;
  clearTimeout(timer);
  return code;
}

/** Runs `wxbridge <args>` (src/cli.ts) and returns its stdout; throws with its stderr on failure. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>>, extraEnv: Readonly<Record<string, string>> = {}): string {
  const result = spawnSync(process.execPath, ['src/cli.ts', ...args], {
    cwd: ROOT, env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`wxbridge ${args.slice(0, 2).join(' ')} failed (${String(result.status)}):\n${result.stderr}`);
  return result.stdout;
}

/** Lines of a process's log that wxbridge logged at error level or above (pino: level ≥ 50). */
export function errorLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => /^\{"level":(5|6)\d,/.test(line));
}
