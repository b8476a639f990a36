// The simulator's lifecycle and the three ways it runs (wechat-api.md §14): its own listener, mounted in
// another node:http server (sandbox mode), a separate process (main.ts); and a prompt close() (item 24).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseSimulatorArgs } from '../../src/wechat-simulator/main.ts';
import { createWeChatSimulator } from '../../src/wechat-simulator/wechat-simulator.ts';
import { getRaw, loginParams, loginUrl, MINI, sleep } from './simulator-fixture.ts';

const MAIN = fileURLToPath(new URL('../../src/wechat-simulator/main.ts', import.meta.url));

describe('listen()', () => {
  it('binds 127.0.0.1 on a free port by default and refuses a second listen', async () => {
    const sim = createWeChatSimulator();
    onTestFinished(() => sim.close());
    const { url } = await sim.listen();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(sim.listen()).rejects.toThrow(/already listening/);
  });
});

describe('handle() mounted in another server', () => {
  it('serves WeChat paths through the host server\'s listener', async () => {
    const sim = createWeChatSimulator();
    sim.registerApp(MINI);
    const host = createServer((req, res) => {
      if (req.url?.startsWith('/sns/') === true) sim.handle(req, res);
      else res.end('host app');
    });
    host.listen(0, '127.0.0.1');
    await once(host, 'listening');
    onTestFinished(async () => {
      await sim.close();
      host.closeAllConnections();
      host.close();
    });
    const url = `http://127.0.0.1:${String((host.address() as AddressInfo).port)}`;
    const code = sim.issueCode({ appId: MINI.appId, user: 'alice' });
    const response = await getRaw(loginUrl(url, loginParams(MINI, code)));
    expect(JSON.parse(response.raw)).toHaveProperty('openid', sim.openIdOf(MINI.appId, 'alice'));
    expect((await getRaw(`${url}/other`)).raw).toBe('host app');
  });
});

describe('main.ts (separate process)', () => {
  it('prints its URL as one JSON line, serves the registered apps and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--app', `${MINI.appId}:${MINI.secret}:miniprogram:op-cli`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { url } = JSON.parse(line) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const minted = await fetch(`${url}/__simulator/codes`, { method: 'POST', body: JSON.stringify({ appId: MINI.appId, user: 'eve' }) });
    const { code, unionid } = (await minted.json()) as { code: string; unionid: string };
    const session = await getRaw(loginUrl(url, loginParams(MINI, code)));
    expect(JSON.parse(session.raw)).toMatchObject({ unionid });
    child.kill('SIGTERM');
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    expect(exitCode).toBe(0);
  });

  it('parses repeated --app specs and rejects malformed ones', () => {
    const parsed = parseSimulatorArgs(['--host', '0.0.0.0', '--port', '8089', '--app', 'wx1:s1:web', '--app', 'wx2:s2:miniprogram:op']);
    expect(parsed).toEqual({
      port: 8089,
      host: '0.0.0.0',
      apps: [
        { appId: 'wx1', secret: 's1', kind: 'web' },
        { appId: 'wx2', secret: 's2', kind: 'miniprogram', openPlatformId: 'op' },
      ],
    });
    expect(() => parseSimulatorArgs(['--app', 'wx1:s1:game'])).toThrow(/--app wx1:s1:game/);
    expect(() => parseSimulatorArgs(['--port', 'http'])).toThrow(/--port/);
    expect(() => parseSimulatorArgs(['--verbose'])).toThrow();
  });

  it('takes --login-quota (benchmarks log the same users in more than 100 times a minute)', () => {
    expect(parseSimulatorArgs(['--login-quota', '100000'])).toMatchObject({ perUserMinuteQuota: 100_000 });
    expect(() => parseSimulatorArgs(['--login-quota', '0'])).toThrow(/--login-quota/);
  });
});

describe('close()', () => {
  it('returns promptly with a delayed response pending, clearing its timer', async () => {
    const sim = createWeChatSimulator();
    sim.registerApp(MINI);
    const { url } = await sim.listen();
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    sim.injectFault({ kind: 'delay', ms: 60_000 });
    const pending = fetch(loginUrl(url, loginParams(MINI, sim.issueCode({ appId: MINI.appId, user: 'a' }))));
    const settled = pending.then(() => 'answered', () => 'failed');
    await sleep(100);
    // close() does not wait out the 60 s delay (the test would time out): the pending request fails instead.
    await sim.close();
    expect(await settled).toBe('failed');
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(timersBefore);
  });

  it('resolves when the simulator never listened', async () => {
    await expect(createWeChatSimulator().close()).resolves.toBeUndefined();
  });
});
