/**
 * The real `wxbridge` CLI as a child process (`node src/cli.ts …`), pointed at a test app's
 * database and master key, the way an operator runs it next to a running server: without
 * WXBRIDGE_ISSUER, so it acts as the issuer that server recorded (issue 18 #1).
 */
import { spawn } from 'node:child_process';
import { leakWatch } from './leak-watch.ts';
import type { TestApp } from './test-app.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json(): unknown;
}

export interface CliOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: string;
}

export function runCli(app: TestApp, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return runCliWith({ NODE_ENV: 'test', DATABASE_URL: app.database.url, WXBRIDGE_MASTER_KEY: app.masterKey, ...options.env }, args, options.stdin);
}

/** The CLI with exactly PATH and `env` (no test app: e.g. usage mistakes, an unreachable database). */
export function runCliWith(env: Readonly<Record<string, string>>, args: readonly string[], stdin = ''): Promise<CliResult> {
  const child = spawn(process.execPath, ['src/cli.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      // stdout answers the operator (a new client secret is shown once); stderr is the CLI's log.
      leakWatch.secret('client secret', /(?:client_secret: |"clientSecret":\s*")([\w-]+)/.exec(stdout)?.[1]);
      leakWatch.response(stdout, args[0] === 'clients' && ['add', 'rotate-secret'].includes(args[1] ?? ''));
      leakWatch.logs(() => [stderr]);
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) as unknown });
    });
  });
}
