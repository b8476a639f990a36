// Worker mode (WXBRIDGE_WORKERS > 1, src/cluster/): one primary, N workers on one port, one embedded
// PostgreSQL and one sandbox simulator shared by all; a crashed worker is replaced; SIGTERM drains
// the workers, then stops the simulator and PostgreSQL.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createProcessWorkspace, isAlive, postmasterPid, waitUntilServing, type WxbridgeProcess } from '../support/wxbridge-process.ts';

const workspace = createProcessWorkspace();
const GRANT = 'urn:wxbridge:params:oauth:grant-type:wechat-code';

/** The node processes the primary forked (its PostgreSQL child is not one). */
function workerPids(proc: WxbridgeProcess): number[] {
  const primary = proc.child.pid ?? 0;
  const children = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return children.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/main.ts'));
}

async function waitForWorkers(proc: WxbridgeProcess, count: number, except: readonly number[] = []): Promise<number[]> {
  for (let i = 0; i < 600; i += 1) {
    const pids = workerPids(proc);
    if (pids.length === count && pids.every((pid) => !except.includes(pid))) return pids;
    await sleep(100);
  }
  throw new Error(`expected ${count} workers:\n${proc.output()}`);
}

/** Every worker serves: fresh connections go to the workers in turn, and a starting worker answers 503. */
async function waitAllServing(proc: WxbridgeProcess): Promise<void> {
  await waitUntilServing(proc);
  for (let good = 0, tries = 0; good < 6; tries += 1) {
    if (tries > 600) throw new Error(`not every worker serves:\n${proc.output()}`);
    const status = await fetch(`${proc.baseUrl}/.well-known/openid-configuration`, { headers: { connection: 'close' } }).then((r) => r.status, () => 0);
    good = status === 200 ? good + 1 : 0;
    if (status !== 200) await sleep(100);
  }
}

/** Discovery over fresh connections, one after another, from the kill until 300 requests after the replacement
 * worker's process exists (it starts in the meantime); answers every status seen. */
async function requestUntilReplaced(proc: WxbridgeProcess, killed: number): Promise<number[]> {
  const statuses: number[] = [];
  let sinceFork = 0;
  for (let i = 0; i < 5000 && sinceFork < 300; i += 1) {
    // A connection handed to the killed worker before the primary saw it die is never answered: bounded.
    const status = await fetch(`${proc.baseUrl}/.well-known/openid-configuration`, {
      headers: { connection: 'close' }, signal: AbortSignal.timeout(2000),
    }).then((r) => r.status, () => 0);
    statuses.push(status);
    if (sinceFork > 0 || workerPids(proc).filter((pid) => pid !== killed).length === 2) sinceFork += 1;
  }
  return statuses;
}

/** A sandbox login over fresh connections: the primary hands each new connection to the next worker. Answers the
 * status, with the body when it is not 200, so that a failure says why. */
async function sandboxLogin(proc: WxbridgeProcess, user: string): Promise<string> {
  const minted = await fetch(`${proc.baseUrl}/sandbox/wx-login`, {
    method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify({ user }),
  });
  if (minted.status !== 200) return `sandbox wx-login answered ${minted.status} ${await minted.text()}`;
  const { code } = (await minted.json()) as { code: string };
  const token = await fetch(`${proc.baseUrl}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', connection: 'close' },
    body: new URLSearchParams({ grant_type: GRANT, client_id: 'sandbox-miniprogram', code, scope: 'openid profile' }).toString(),
  });
  return token.status === 200 ? '200' : `${token.status} ${await token.text()}`;
}

describe('WXBRIDGE_WORKERS=2 (node:cluster)', { timeout: 120_000 }, () => {
  it('serves sandbox logins from every worker against one shared simulator, replaces a killed worker, and stops cleanly', async () => {
    const dataDir = await workspace.preparedDataDir();
    const proc = await workspace.start({ WXBRIDGE_DATA_DIR: dataDir, WXBRIDGE_WORKERS: '2', WXBRIDGE_SANDBOX: '1', WXBRIDGE_LOG_LEVEL: 'info' });
    const [first = 0] = await waitForWorkers(proc, 2);
    await waitAllServing(proc);

    // Codes minted through one worker's /sandbox/wx-login are redeemed by the other worker's /token.
    for (const user of ['ann', 'bob', 'cy', 'dee']) expect(await sandboxLogin(proc, user)).toBe('200');

    // While the replacement starts, every request is served: a starting worker takes no connections.
    process.kill(first, 'SIGKILL');
    const statuses = await requestUntilReplaced(proc, first);
    expect(statuses.filter((status) => status === 503)).toEqual([]);
    await waitAllServing(proc);
    for (const user of ['ann', 'eve']) expect(await sandboxLogin(proc, user)).toBe('200');

    const workers = workerPids(proc);
    const postgres = postmasterPid(dataDir);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(workers.filter(isAlive)).toEqual([]);
    expect(isAlive(postgres ?? 0)).toBe(false);
    expect(proc.output()).toContain('worker exited; starting a replacement');
  });
});
