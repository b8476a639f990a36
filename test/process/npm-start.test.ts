import { connect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createProcessWorkspace, isAlive, postmasterPid, publishedKeys, waitUntilServing, type WxbridgeProcess } from '../support/wxbridge-process.ts';

const workspace = createProcessWorkspace();

/** `npm start` on a developer machine: no DATABASE_URL (embedded PostgreSQL), no master key (generated). */
const startWith = (dataDir: string, extra: Record<string, string> = {}): Promise<WxbridgeProcess> =>
  workspace.start({ WXBRIDGE_DATA_DIR: dataDir, WXBRIDGE_LOG_LEVEL: 'info', ...extra });

/**
 * Started and serving on its own port. The workspace picks a free port before the process binds it, so
 * another test's server can take it in between: then this process exits "already in use" while the other
 * answers on the port. Wait for this process's own "listening" line, and start again on a new port then.
 */
async function startServing(dataDir: string, extra: Record<string, string> = {}): Promise<WxbridgeProcess> {
  for (let attempt = 1; ; attempt += 1) {
    const proc = await startWith(dataDir, extra);
    const state = { exited: false };
    void proc.exited.then(() => { state.exited = true; });
    while (!state.exited && !proc.output().includes('wxbridge listening on')) await sleep(25);
    if (!state.exited) {
      await waitUntilServing(proc);
      return proc;
    }
    if (attempt === 3 || !proc.output().includes('already in use')) throw new Error(`wxbridge did not start:\n${proc.output()}`);
  }
}

const kidsOf = async (proc: WxbridgeProcess): Promise<string[]> => (await publishedKeys(proc)).map((key) => key.kid).sort();

/** An IPv4 address of this machine other than loopback, if it has one. */
function externalIPv4(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((address) => address?.family === 'IPv4' && !address.internal)?.address;
}

function canConnect(baseUrl: string, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(baseUrl).port), host);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => { resolve(false); });
  });
}

// Generous limits: these tests start real processes and clusters, which a loaded machine slows down.
describe('npm start (separate process, embedded PostgreSQL)', { timeout: 120_000 }, () => {
  // The "within 5 s of start" goal is a speed goal, measured by bench/startup-time.ts on a quiet
  // machine, never asserted here: under a loaded CI machine a timed assertion only flakes.
  it('serves discovery and a JWKS with one RS256 and one ES256 key from a fresh data folder', async () => {
    const proc = await startServing(workspace.dataDir());
    const keys = await publishedKeys(proc);
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
  });

  // Issue #15 finding 8: a development instance (sandbox on, generated keys) is not for the network.
  it.skipIf(externalIPv4() === undefined)('listens on loopback only in development, on every interface with WXBRIDGE_HOST=0.0.0.0', async () => {
    const external = externalIPv4() ?? '';
    const dataDir = await workspace.preparedDataDir();
    const local = await startServing(dataDir);
    expect(await canConnect(local.baseUrl)).toBe(true);
    expect(await canConnect(local.baseUrl, external)).toBe(false);
    local.child.kill('SIGTERM');
    await local.exited;
    const everywhere = await startServing(dataDir, { WXBRIDGE_HOST: '0.0.0.0' });
    expect(await canConnect(everywhere.baseUrl, external)).toBe(true);
  });

  it('exits 0 on SIGTERM and stops its embedded PostgreSQL', async () => {
    const dataDir = await workspace.preparedDataDir();
    const proc = await startServing(dataDir);
    const postgres = postmasterPid(dataDir);
    expect(postgres).toBeDefined();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(postmasterPid(dataDir)).toBeUndefined();
    expect(isAlive(postgres ?? 0)).toBe(false);
  });

  it('publishes the same kids after a stop and start', async () => {
    const dataDir = await workspace.preparedDataDir();
    const first = await startServing(dataDir);
    const kids = await kidsOf(first);
    first.child.kill('SIGTERM');
    await first.exited;
    expect(await kidsOf(await startServing(dataDir))).toEqual(kids);
  });

  it('recovers after being killed, stopping the orphaned PostgreSQL it left behind', async () => {
    const dataDir = await workspace.preparedDataDir();
    const first = await startServing(dataDir);
    const kids = await kidsOf(first);
    first.child.kill('SIGKILL');
    await first.exited;
    const orphan = postmasterPid(dataDir);
    expect(orphan !== undefined && isAlive(orphan)).toBe(true);

    const second = await startServing(dataDir);
    expect(await kidsOf(second)).toEqual(kids);
    expect(isAlive(orphan ?? 0)).toBe(false);
    expect(postmasterPid(dataDir)).not.toBe(orphan);
  });

  it('on SIGTERM refuses new connections, lets an in-flight request finish, then exits 0', async () => {
    const proc = await startServing(await workspace.preparedDataDir(), { WXBRIDGE_SANDBOX: '1', WXBRIDGE_SHUTDOWN_TIMEOUT_MS: '10000' });
    const body = '{"user":"alice"}';
    // An in-flight request: the server has taken it (it answered 100 Continue), the body is held back until after SIGTERM.
    const socket: Socket = connect(Number(new URL(proc.baseUrl).port), '127.0.0.1');
    let response = '';
    const continued = new Promise((resolve) => {
      socket.on('data', (chunk: Buffer) => { response += chunk.toString('utf8'); if (response.includes('100 Continue\r\n\r\n')) resolve(undefined); });
    });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write(`POST /sandbox/wx-login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
    await continued;

    proc.child.kill('SIGTERM');
    for (let i = 0; i < 400 && await canConnect(proc.baseUrl); i += 1) await sleep(50);
    expect(await canConnect(proc.baseUrl)).toBe(false);
    expect(proc.child.exitCode).toBeNull(); // still draining

    socket.write(body);
    await closed; // the server closes the connection once the drained response is written
    const final = response.slice(response.indexOf('100 Continue\r\n\r\n') + '100 Continue\r\n\r\n'.length);
    expect(final).toMatch(/^HTTP\/1\.1 200 /);
    expect(final).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(final.slice(final.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: expect.any(String) });
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });
});
