/**
 * Process helpers for the embedded cluster: read postmaster.pid, tell a live PostgreSQL from a
 * stale pid file (checking /proc/<pid>/cmdline before signalling, stack-notes.md), stop it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RunningPostmaster { readonly pid: number; readonly port: number }

/** The live server owning `pgDir`, or undefined; a stale postmaster.pid is removed. */
export function findRunningPostmaster(pgDir: string): RunningPostmaster | undefined {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (Number.isInteger(pid) && isProcessAlive(pid) && isPostgresProcess(pid) && Number.isInteger(port)) {
    return { pid, port };
  }
  rmSync(pidFile, { force: true });
  return undefined;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgresProcess(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return process.platform !== 'linux'; // no procfs: trust the pid file
  return readFileSync(cmdline, 'utf8').split('\0')[0]?.endsWith('postgres') ?? false;
}

export async function stopProcess(pid: number, timeoutMs: number): Promise<void> {
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
}

export function findFreePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolvePromise(address.port);
        else reject(new Error('could not allocate a port'));
      });
    });
  });
}
