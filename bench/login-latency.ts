/**
 * Login latency benchmark (not a test): a standalone wxbridge over real HTTP and a real PostgreSQL,
 * with the WeChat simulator on its own socket, timing 1,000 sequential WeChat logins.
 *
 *   npx node bench/login-latency.ts [logins=1000]
 *
 * Database: TEST_DATABASE_URL or DATABASE_URL (a scratch database is created on that server and
 * dropped afterwards), else an embedded PostgreSQL in a temporary folder. Configuration: the test
 * defaults (config/test.env: logs silent, sandbox off). Traffic: after 50 unmeasured warm-up logins
 * (50 users), every 10th measured login is a new user and the other 9 a random returning user;
 * each login has its own fresh code and asks for a JWT access token, an ID token and a refresh token.
 */
import { randomBytes } from 'node:crypto';
import { createServices } from '../src/services.ts';
import { systemClock } from '../src/clock.ts';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { initOrm } from '../src/db/orm.ts';
import { listen } from '../src/http/server.ts';
import { createWeChatSimulator } from '../src/wechat-simulator/wechat-simulator.ts';
import { openScratchDatabase } from './scratch-database.ts';

const LOGINS = Number(process.argv[2] ?? 1000);
const WARM_UP = 50;
const GRANT_TYPE = 'urn:wxbridge:params:oauth:grant-type:wechat-code';
const CONFIG_DIR = new URL('../config', import.meta.url).pathname;
const APP_ID = 'wx0123456789abcdef';
const SECRET = randomBytes(16).toString('hex');
const API = 'https://api.bench.test';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const database = await openScratchDatabase({ externalUrl: process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'], prefix: 'wxbridge_bench' });
  const wechat = createWeChatSimulator({ perUserMinuteQuota: 1_000_000 });
  const { url: wechatUrl } = await wechat.listen();
  const http = await listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${String(http.port)}`;
  const masterKey = randomBytes(32).toString('base64');
  const config = loadConfig({
    NODE_ENV: 'test', DATABASE_URL: database.url, WXBRIDGE_MASTER_KEY: masterKey,
    WXBRIDGE_ISSUER: baseUrl, WXBRIDGE_WECHAT_API_BASE_URL: wechatUrl,
  }, { configDir: CONFIG_DIR });
  const app = await createApp(config, { listeningPort: http.port });
  http.handle(app.callback);
  const orm = await initOrm({ url: database.url, poolSize: 2 });
  try {
    const { admin } = createServices({ config, orm, logger: app.logger, clock: systemClock, issuer: baseUrl });
    wechat.registerApp({ appId: APP_ID, secret: SECRET, kind: 'miniprogram' });
    await admin.apps.upsert({ appId: APP_ID, kind: 'miniprogram', secret: SECRET });
    await admin.resourceServers.add({ uri: API, scopes: 'read write' });
    await admin.clients.register({ type: 'miniprogram', clientId: 'bench-mp', wechatAppId: APP_ID, scope: 'openid profile offline_access', resources: { [API]: 'read' }, defaultResource: API });

    const login = async (user: string): Promise<number> => {
      const body = new URLSearchParams({ grant_type: GRANT_TYPE, client_id: 'bench-mp', code: wechat.issueCode({ appId: APP_ID, user }) });
      const started = performance.now();
      const response = await fetch(`${baseUrl}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      const text = await response.text();
      const elapsed = performance.now() - started;
      if (response.status !== 200) throw new Error(`login of ${user} failed: ${String(response.status)} ${text}`);
      return elapsed;
    };

    const users: string[] = [];
    for (let i = 0; i < WARM_UP; i += 1) {
      users.push(`warm-${String(i)}`);
      await login(`warm-${String(i)}`);
    }
    const latencies: number[] = [];
    let created = 0;
    const started = performance.now();
    for (let i = 0; i < LOGINS; i += 1) {
      let user = users[Math.floor(Math.random() * users.length)] ?? 'warm-0';
      if (i % 10 === 0) {
        user = `new-${String(i)}`;
        users.push(user);
        created += 1;
      }
      latencies.push(await login(user));
    }
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const ms = (value: number): string => value.toFixed(1);
    const mean = latencies.reduce((sum, value) => sum + value, 0) / latencies.length;
    console.log(`wxbridge login latency: ${String(LOGINS)} sequential logins over HTTP (${String(created)} new users, ${String(LOGINS - created)} returning), after ${String(WARM_UP)} warm-up logins`);
    console.log(`  p50 ${ms(percentile(sorted, 50))} ms  p95 ${ms(percentile(sorted, 95))} ms  p99 ${ms(percentile(sorted, 99))} ms  max ${ms(sorted.at(-1) ?? Number.NaN)} ms  mean ${ms(mean)} ms`);
    console.log(`  ${(LOGINS / seconds).toFixed(1)} logins/s (${seconds.toFixed(2)} s wall time)`);
  } finally {
    await http.stop(2000);
    await app.close();
    await orm.close();
    await wechat.close();
    await database.drop();
  }
}

await main();
