/**
 * Startup time of `npm start` (issue #2: "serves discovery and a JWKS within 5 s of start, with no
 * other setup"): spawns src/main.ts with a fresh data folder (initdb + migrations + key generation),
 * then again on the existing folder, and prints how long each took until /.well-known and /jwks
 * answered, and whether the kids survived the restart. Run: `npx node bench/startup-time.ts`.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from '../src/db/postmaster.ts';

const ROOT = new URL('..', import.meta.url).pathname;

async function startAndMeasure(dataDir: string): Promise<{ ms: number; kids: string[]; stop: () => Promise<void> }> {
  const port = await findFreePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), WXBRIDGE_DATA_DIR: dataDir, WXBRIDGE_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  for (;;) {
    try {
      const base = `http://127.0.0.1:${port}`;
      const [discovery, jwks] = await Promise.all([fetch(`${base}/.well-known/openid-configuration`), fetch(`${base}/jwks`)]);
      if (discovery.ok && jwks.ok) {
        const ms = performance.now() - started;
        const { keys } = (await jwks.json()) as { keys: { kid: string }[] };
        return { ms, kids: keys.map((k) => k.kid).sort(), stop: async () => { child.kill('SIGTERM'); await exited; } };
      }
    } catch { /* not listening yet */ }
    if (performance.now() - started > 60_000) throw new Error('did not serve within 60 s');
    await sleep(20);
  }
}

const folder = mkdtempSync(join(tmpdir(), 'wxbridge-startup-'));
chmodSync(folder, 0o755);
const dataDir = join(folder, '.data');
try {
  const fresh = await startAndMeasure(dataDir);
  await fresh.stop();
  const again = await startAndMeasure(dataDir);
  await again.stop();
  console.log(`fresh data folder:    serving after ${fresh.ms.toFixed(0)} ms (goal: < 5000 ms)`);
  console.log(`existing data folder: serving after ${again.ms.toFixed(0)} ms`);
  console.log(`same kids after restart: ${JSON.stringify(fresh.kids) === JSON.stringify(again.kids)}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
