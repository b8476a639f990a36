/**
 * The real `npm start` as a child process (`node src/main.ts`), for the process-level tests: fresh
 * data folders, spawning with an exact environment, waiting until it serves, and a guaranteed
 * cleanup after the file (every child we spawned and every embedded PostgreSQL it left behind is
 * stopped by its pid, and the folders are removed), even when a test fails half-way.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll } from 'vitest';
import { findFreePort } from '../../src/db/postmaster.ts';
import { leakWatch } from './leak-watch.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface WxbridgeProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
}

export interface ProcessWorkspace {
  /** A fresh data folder (mode 0755: the postgres OS user must traverse it), removed after the file. */
  dataDir(): string;
  /**
   * A data folder holding an initialised, stopped wxbridge (cluster, master key, signing keys): a
   * copy of one made once per file, so that only the tests about a first start pay for initdb.
   */
  preparedDataDir(): Promise<string>;
  /** Spawns `node src/main.ts` with exactly PATH, PORT (a free one unless `env` names it) and `env`. */
  start(env: Readonly<Record<string, string>>): Promise<WxbridgeProcess>;
}

/** The pid in `<dataDir>/pg/postmaster.pid`, if the file exists. */
export function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function createProcessWorkspace(): ProcessWorkspace {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of dirs) {
      const pid = postmasterPid(dir);
      if (pid !== undefined && isAlive(pid)) {
        process.kill(pid, 'SIGINT'); // PostgreSQL fast shutdown
        for (let i = 0; i < 100 && isAlive(pid); i += 1) await sleep(50);
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  let template: Promise<string> | undefined;

  const workspace: ProcessWorkspace = {
    dataDir() {
      const dir = mkdtempSync(join(tmpdir(), 'wxbridge-process-'));
      chmodSync(dir, 0o755);
      dirs.push(dir);
      return dir;
    },
    async preparedDataDir() {
      template ??= (async () => {
        const dir = workspace.dataDir();
        const proc = await workspace.start({ WXBRIDGE_DATA_DIR: dir, WXBRIDGE_LOG_LEVEL: 'warn' });
        await waitUntilServing(proc);
        proc.child.kill('SIGTERM');
        const { code } = await proc.exited;
        if (code !== 0) throw new Error(`preparing a data folder failed (exit ${String(code)}):\n${proc.output()}`);
        return dir;
      })();
      const source = await template;
      const dir = workspace.dataDir();
      // cp -a keeps the cluster's owner (the postgres OS user) and modes, which PostgreSQL insists on.
      execFileSync('cp', ['-a', `${source}/.`, dir]);
      return dir;
    },
    async start(env) {
      // A PORT in `env` is kept (a restarted process must keep its issuer URL); else a free one.
      const port = env['PORT'] === undefined ? await findFreePort() : Number(env['PORT']);
      const child = spawn(process.execPath, ['src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env['PATH'], PORT: String(port), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      leakWatch.secret('master key', env['WXBRIDGE_MASTER_KEY']);
      leakWatch.logs(() => [output]);
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        child.once('exit', (code, signal) => { resolve({ code, signal }); });
      });
      return { child, baseUrl: `http://127.0.0.1:${port}`, exited, output: () => output };
    },
  };
  return workspace;
}

/** Polls until discovery answers 200 (the server answers 503 while it starts); fails if the process exits. */
export async function waitUntilServing(proc: WxbridgeProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state = { exited: false };
  void proc.exited.then(() => { state.exited = true; });
  for (;;) {
    if (state.exited) throw new Error(`wxbridge exited before serving:\n${proc.output()}`);
    const status = await fetch(`${proc.baseUrl}/.well-known/openid-configuration`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`wxbridge did not serve within ${timeoutMs} ms:\n${proc.output()}`);
    await sleep(25);
  }
}

export async function publishedKeys(proc: WxbridgeProcess): Promise<{ kid: string; alg: string }[]> {
  const response = await fetch(`${proc.baseUrl}/jwks`);
  const body = (await response.json()) as { keys: { kid: string; alg: string }[] };
  return body.keys;
}
