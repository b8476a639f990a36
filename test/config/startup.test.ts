import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { loadConfig, type Environment } from '../../src/config.ts';
import { findFreePort } from '../../src/db/postmaster.ts';
import { CONFIG_DIR } from '../support/test-app.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const PRODUCTION: Environment = {
  NODE_ENV: 'production',
  WXBRIDGE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
  DATABASE_URL: 'postgres://wxbridge:secret@db.internal:5432/wxbridge',
  WXBRIDGE_ISSUER: 'https://id.example.com',
};

function without(env: Environment, name: string): Environment {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));
}

function configError(env: Environment): AppError {
  try {
    loadConfig(env, { configDir: CONFIG_DIR });
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

/** The lines of an error message that name a problem (every line after the heading). */
const problemLines = (error: Error): string[] => error.message.split('\n').slice(1).map((line) => line.trim());

describe('loadConfig', () => {
  it('reports every invalid variable in one error', () => {
    const error = configError({ PORT: 'abc', WXBRIDGE_MASTER_KEY: 'short', DATABASE_URL: 'mysql://x' });
    expect(error.code).toBe('config.invalid');
    const named = problemLines(error).map((line) => line.split(':')[0]);
    expect(named).toEqual(expect.arrayContaining(['PORT', 'WXBRIDGE_MASTER_KEY', 'DATABASE_URL']));
  });

  it('accepts a complete production configuration', () => {
    expect(loadConfig(PRODUCTION, { configDir: CONFIG_DIR })).toMatchObject({ env: 'production', sandbox: 'off' });
  });

  it.each([
    ['WXBRIDGE_MASTER_KEY', without(PRODUCTION, 'WXBRIDGE_MASTER_KEY')],
    ['DATABASE_URL', without(PRODUCTION, 'DATABASE_URL')],
    ['WXBRIDGE_SANDBOX', { ...PRODUCTION, WXBRIDGE_SANDBOX: '1' }],
    ['WXBRIDGE_ISSUER', without(PRODUCTION, 'WXBRIDGE_ISSUER')],
  ])('refuses production with a one-line reason naming %s', (variable, env) => {
    const error = configError(env);
    expect(error.code).toBe('config.unsafe_for_production');
    expect(problemLines(error)).toEqual([expect.stringMatching(new RegExp(`^${variable}(=\\S+)?: .+`))]);
  });
});

interface Exit { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly connections: number }

/** Runs `node src/main.ts` with exactly `env` and counts successful connections to its port until it exits. */
async function runMain(env: Environment): Promise<Exit> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'], PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString('utf8'); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
  const state = { running: true };
  let connections = 0;
  const probing = (async () => {
    while (state.running) {
      if (await canConnect(port)) connections += 1;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  state.running = false;
  await probing;
  return { code, stdout, stderr, connections };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { resolve(false); });
  });
}

describe('npm start in production (separate process)', () => {
  it.each(['WXBRIDGE_MASTER_KEY', 'DATABASE_URL'])('exits non-zero without %s, naming it on stderr, and never listens', async (variable) => {
    const result = await runMain(without(PRODUCTION, variable));
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    const lines = result.stderr.trim().split('\n').map((line) => line.trim());
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${variable}: required in production`)));
    expect(result.stderr).not.toMatch(/^\s+at /m); // a reason, not a stack trace
    expect(result.connections).toBe(0);
    expect(result.stdout).not.toMatch(/listening/);
  });
});
