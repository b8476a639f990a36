/**
 * startTestApp(): a real wxbridge on 127.0.0.1 over a fresh PostgreSQL database (cloned from the
 * migrated template), with the WeChat simulator on its own socket, captured logs, and the admin
 * services the CLI uses (to arrange apps and clients the way an operator would). Cleans up after
 * the test file. restart() stops and starts the app on the same port, database and master key.
 */
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { createApp, type App } from '../../src/app.ts';
import type { AdminServices } from '../../src/admin/admin-services.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { initOrm, type Orm } from '../../src/db/orm.ts';
import { listen, type HttpServer } from '../../src/http/server.ts';
import { createServices } from '../../src/services.ts';
import { createWeChatSimulator, type WeChatSimulator } from '../../src/wechat-simulator/wechat-simulator.ts';
import { captureLogs } from './captured-logs.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { leakWatch } from './leak-watch.ts';
import { createTestClock, type TestClock } from './test-clock.ts';

export const CONFIG_DIR = new URL('../../config', import.meta.url).pathname;

export interface TestApp {
  readonly baseUrl: string;
  readonly issuer: string;
  readonly wechat: WeChatSimulator;
  readonly database: TestDatabase;
  readonly admin: AdminServices;
  readonly masterKey: string;
  /** Every log line the app wrote, across restarts. */
  readonly logs: string[];
  readonly config: Config;
  /** The app's clock: advance it to let a TTL pass (never sleep). */
  readonly clock: TestClock;
  /** The app's own /metrics listener, when WXBRIDGE_METRICS_PORT is in `env` (use '0'). */
  metricsUrl(): string | undefined;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment variables (e.g. short TTLs). */
  readonly env?: Readonly<Record<string, string>>;
  /** Share a database with another test app (two instances, one PostgreSQL). */
  readonly database?: TestDatabase;
  readonly wechat?: WeChatSimulator;
  readonly masterKey?: string;
  /** Share a clock with another test app (two instances). */
  readonly clock?: TestClock;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const wechat = options.wechat ?? createWeChatSimulator();
  const wechatUrl = options.wechat === undefined ? (await wechat.listen()).url : undefined;
  const masterKey = options.masterKey ?? randomBytes(32).toString('base64');
  const captured = captureLogs();
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    WXBRIDGE_MASTER_KEY: masterKey,
    ...(wechatUrl === undefined ? {} : { WXBRIDGE_WECHAT_API_BASE_URL: wechatUrl, WXBRIDGE_WECHAT_OPEN_BASE_URL: wechatUrl }),
  };
  // The server's timeouts come from options.env too (transport tests use short ones); the issuer needs the port first.
  const { timeouts } = loadConfig({ ...env, ...options.env }, { configDir: CONFIG_DIR }).http;
  let http: HttpServer = await listen(0, '127.0.0.1', timeouts);
  const baseUrl = `http://127.0.0.1:${http.port}`;
  const config = loadConfig({ ...env, WXBRIDGE_ISSUER: baseUrl, ...options.env }, { configDir: CONFIG_DIR });
  const clock = options.clock ?? createTestClock();
  let app: App | undefined = await createApp(config, { listeningPort: http.port, logger: captured.logger, clock });
  http.handle(app.callback);
  // The operator's side, as the CLI builds it: its own connection and service graph over the same database.
  const orm: Orm = await initOrm({ url: database.url, poolSize: 2 });
  const operator = createServices({ config, orm, logger: captured.logger, clock, issuer: baseUrl });
  const admin = watchedAdmin(operator.admin);
  leakWatch.secret('master key', masterKey);

  const stopApp = async (): Promise<void> => {
    await http.stop(2000);
    await app?.close();
    app = undefined;
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopApp();
    await operator.close();
    await orm.close();
    if (options.wechat === undefined) await wechat.close();
  };
  afterAll(stop);

  return {
    baseUrl, issuer: baseUrl, wechat, database, admin, masterKey, logs: captured.lines, config, clock,
    metricsUrl: () => app?.metricsUrl,
    async restart() {
      await stopApp();
      http = await listen(Number(new URL(baseUrl).port), '127.0.0.1', timeouts);
      app = await createApp(config, { listeningPort: http.port, logger: captured.logger, clock });
      http.handle(app.callback);
    },
    stop,
  };
}

/** The operator's services, telling the leak watch every AppSecret and client secret they handle. */
function watchedAdmin(admin: AdminServices): AdminServices {
  const { clients, apps } = admin;
  const seen = async <T extends { clientSecret?: string | undefined }>(result: Promise<T>): Promise<T> => {
    const value = await result;
    leakWatch.secret('client secret', value.clientSecret);
    return value;
  };
  return {
    ...admin,
    apps: {
      ...apps,
      upsert: (input) => { leakWatch.secret('app secret', input.secret); return apps.upsert(input); },
      rotateSecret: (appId, secret) => { leakWatch.secret('app secret', secret); return apps.rotateSecret(appId, secret); },
    },
    clients: {
      ...clients,
      register: (...args) => seen(clients.register(...args)),
      registerAdmin: (...args) => seen(clients.registerAdmin(...args)),
      rotateSecret: (...args) => seen(clients.rotateSecret(...args)),
    },
  };
}
