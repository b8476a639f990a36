/**
 * The production image's start path, without a container engine (none runs here): the Dockerfile's
 * steps replayed in a temporary folder (`npm ci --omit=dev --omit=optional`, the npm `node` package
 * removed, exactly the files the Dockerfile copies), then `wxbridge migrate` and the image's CMD in
 * production mode against a fresh database, as an unprivileged user on a tree it cannot write. A runtime
 * dependency left in devDependencies, or a file the image does not copy, fails here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '../../src/db/postmaster.ts';
import { withAdmin, withDatabase } from '../support/global-setup.ts';
import { leakWatch } from '../support/leak-watch.ts';
import { ROOT } from './deployment-files.ts';
import { replayDockerfile, type ReplayedImage } from './dockerfile-replay.ts';
import { bareImports } from './source-imports.ts';

/** The project's Node 24 (the npm `node` package) stands in for the base image's /usr/local/bin/node. */
const NODE = realpathSync(join(ROOT, 'node_modules/.bin/node'));
const ISSUER = 'https://id.image.test';
const API = 'https://api.image.test';
const NOBODY = 65_534;
const masterKey = randomBytes(32).toString('base64');
leakWatch.secret('master key', masterKey);

let scratch = '';
let image: ReplayedImage;
let databaseUrl = '';
const adminUrl = inject('adminDatabaseUrl');
const databaseName = `wxbridge_image_${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];
const output: string[] = [];
leakWatch.logs(() => output);

/** The image's user: `USER node` is an unprivileged account; here nobody, on a tree owned by root. */
const asImageUser = (): { uid?: number; gid?: number } => (process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {});
const imageCommand = (argv: readonly string[]): [string, string[]] => {
  const [program, ...args] = argv;
  if (program !== 'node') throw new Error(`the image runs ${String(program)}, not node`);
  return [NODE, args];
};
const runtimeEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  PATH: '/usr/bin:/bin', ...image.env, DATABASE_URL: databaseUrl, WXBRIDGE_MASTER_KEY: masterKey, WXBRIDGE_ISSUER: ISSUER, WXBRIDGE_LOG_LEVEL: 'warn', ...extra,
});

function runInImage(argv: readonly string[], extra: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const [program, args] = imageCommand(argv);
  const result = spawnSync(program, args, { cwd: image.workDir, env: runtimeEnv(extra), encoding: 'utf8', timeout: 60_000, ...asImageUser() });
  output.push(result.stderr);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'wxbridge-image-'));
  chmodSync(scratch, 0o755); // traversable by the unprivileged image user, writable only by us
  image = replayDockerfile({
    dockerfile: join(ROOT, 'Dockerfile'), context: ROOT, scratch,
    // npm from the machine on the project's Node 24, preferring its cache (no network needed once warm).
    runEnv: { PATH: `${join(NODE, '..')}:/usr/bin:/bin`, HOME: process.env['HOME'] ?? '/root', npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
  });
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(databaseName)}`));
  databaseUrl = withDatabase(adminUrl, databaseName);
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`));
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('the production image, its Dockerfile steps replayed', { timeout: 120_000 }, () => {
  it('holds production dependencies only, without the npm node package, and runs as a non-root user', () => {
    expect(existsSync(join(image.workDir, 'node_modules/node'))).toBe(false);
    // Every package the lockfile marks dev-only (some devDependencies are also needed by runtime ones).
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.keys(lock.packages).filter((path) => lock.packages[path]?.dev === true);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((path) => existsSync(join(image.workDir, path)))).toEqual([]);
    expect(existsSync(join(image.workDir, 'test'))).toBe(false);
    expect(image.user).toBe('node');
    expect(image.env).toMatchObject({ NODE_ENV: 'production' });
    // loadConfig reads config/<NODE_ENV>.env next to src/: a missing one would silently drop the production defaults.
    expect(existsSync(join(image.workDir, 'config', 'production.env'))).toBe(true);
    expect(spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^v24\./);
  });

  it('finds every package src/ imports at run time in the image', () => {
    const missing = bareImports(join(ROOT, 'src')).filter(({ pkg }) => !existsSync(join(image.workDir, 'node_modules', pkg, 'package.json')));
    expect(missing).toEqual([]);
  });

  it('migrates a fresh database, serves /readyz and a client_credentials token with its CMD, and exits 0 on SIGTERM', async () => {
    const migrated = runInImage(['node', 'src/cli.ts', 'migrate']);
    expect(migrated.status, migrated.stderr).toBe(0);
    // A fresh database: the image's migrations must be applied (an image without them says "up to date").
    expect(migrated.stdout).toMatch(/^applied Migration/);
    const resource = runInImage(['node', 'src/cli.ts', 'resources', 'add', '--uri', API, '--scope', 'read']);
    expect(resource.status, resource.stderr).toBe(0);
    const client = runInImage(['node', 'src/cli.ts', 'clients', 'add', '--id', 'image-service', '--scope', 'read', '--resource', API, '--json']);
    expect(client.status, client.stderr).toBe(0);
    const { clientSecret } = JSON.parse(client.stdout) as { clientSecret: string };
    leakWatch.secret('client secret', clientSecret);

    const port = await findFreePort();
    const baseUrl = `http://127.0.0.1:${String(port)}`;
    const [program, args] = imageCommand(image.cmd);
    const server = spawn(program, args, { cwd: image.workDir, env: runtimeEnv({ PORT: String(port) }), stdio: ['ignore', 'pipe', 'pipe'], ...asImageUser() });
    children.push(server);
    let log = '';
    output.push('');
    const logIndex = output.length - 1;
    for (const stream of [server.stdout, server.stderr]) stream.on('data', (chunk: Buffer) => { log += chunk.toString('utf8'); output[logIndex] = log; });
    const exited = once(server, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

    await waitForReady(baseUrl, server, () => log);
    const health = image.healthcheck === undefined ? undefined : runInImage(image.healthcheck, { PORT: String(port) });
    expect(health?.status).toBe(0);

    const response = await fetch(`${baseUrl}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`image-service:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read',
    });
    const body = await response.text();
    leakWatch.response(body);
    expect(response.status, body).toBe(200);
    const { access_token: accessToken } = JSON.parse(body) as { access_token: string };
    leakWatch.secret('access token', accessToken);
    const { payload } = await jwtVerify(accessToken, createRemoteJWKSet(new URL(`${baseUrl}/jwks`)), { issuer: ISSUER, audience: API });
    expect(payload).toMatchObject({ client_id: 'image-service', scope: 'read' });

    server.kill('SIGTERM');
    expect(await exited, log).toEqual([0, null]);
  });
});

async function waitForReady(baseUrl: string, server: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    if (server.exitCode !== null) throw new Error(`the image's CMD exited (${String(server.exitCode)}):\n${log()}`);
    const status = await fetch(`${baseUrl}/readyz`).then((r) => r.status, () => 0);
    if (status === 200) return;
    await sleep(50);
  }
  throw new Error(`/readyz never answered 200:\n${log()}`);
}
