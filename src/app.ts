/**
 * Composition root (house-style §5): database → services → oidc → HTTP mounts. The service graph is
 * src/services.ts, everything oidc-provider is src/oidc/oidc.ts; this file only puts them in order and
 * returns the request listener and a close() that releases everything in reverse.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import { createAdminApi } from './admin/api/admin.routes.ts';
import { ensureConsoleClient } from './console/console-client.ts';
import { createConsoleMiddleware } from './console/console-routes.ts';
import { createConsoleSessions } from './console/console-sessions.ts';
import { dateOf, systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { issuerOf } from './config.ts';
import { openDatabase } from './db/database.ts';
import { isDatabaseUnavailable } from './db/database-errors.ts';
import { recordIssuer } from './db/server-settings.ts';
import { createErrorMiddleware } from './http/error-middleware.ts';
import { createHealthRoutes } from './http/health.routes.ts';
import { routerUnder } from './http/path-mount.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createLogger, type Logger } from './logger.ts';
import { createAccountRoutes } from './me/account.routes.ts';
import { createMeRoutes } from './me/me.routes.ts';
import { createWebSignInRoutes } from './me/web-sign-in.routes.ts';
import { readPoolUsage } from './db/pool-usage.ts';
import { createHttpMetrics } from './metrics/http-metrics.ts';
import { listenForScrapes } from './metrics/metrics-listener.ts';
import type { Metrics } from './metrics/metrics.ts';
import { PROVIDER_DOCUMENTS } from './oidc/document-cache.ts';
import { createOidc } from './oidc/oidc.ts';
import { CLIENT_AUTH_ROUTES } from './oidc/token-endpoint/rate-limit-guards.ts';
import { startPeriodicTask } from './periodic-task.ts';
import { SANDBOX_APP_IDS, startSandbox, type SandboxSimulatorRef } from './sandbox/sandbox.ts';
import { openSandboxSimulator, SANDBOX_OFF_DESCRIPTION } from './sandbox/sandbox-decision.ts';
import { createServices, type Services } from './services.ts';
import type { Orm } from './db/orm.ts';

export interface AppOverrides {
  /** The port the server already listens on, for the default issuer http://localhost:<port>. */
  readonly listeningPort?: number;
  readonly logger?: Logger;
  /** The time wxbridge's own rules read (tests advance it instead of sleeping). */
  readonly clock?: Clock;
  /**
   * Worker mode (src/cluster/): the sandbox simulator the primary runs for every worker, or null when
   * the primary decided the sandbox is off. Undefined: this process decides and runs its own.
   */
  readonly sandboxSimulator?: SandboxSimulatorRef | null;
  /**
   * Worker mode: false, the primary serves /metrics for every worker (src/cluster/cluster-metrics.ts).
   * Default: this process opens the WXBRIDGE_METRICS_PORT listener itself.
   */
  readonly metricsListener?: boolean;
}

export interface App {
  readonly issuer: string;
  readonly logger: Logger;
  readonly callback: (req: IncomingMessage, res: ServerResponse) => void;
  readonly sandboxEnabled: boolean;
  /** This process's Prometheus registry (a worker hands it to its primary). */
  readonly metrics: Metrics['registry'];
  /** Where this process serves /metrics, when it does. */
  readonly metricsUrl: string | undefined;
  close(): Promise<void>;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.log);
  const issuer = issuerOf(config, overrides.listeningPort);
  const clock = overrides.clock ?? systemClock;
  const releases: (() => Promise<void>)[] = [];
  const release = async (): Promise<void> => { for (const step of releases.splice(0).reverse()) await step(); };
  try {
    const database = await openDatabase(config, logger);
    releases.push(() => database.close());
    // The CLI acts on the issuer recorded here (issue 18 #1).
    const previousIssuer = await recordIssuer(database.orm.em.fork(), issuer, dateOf(clock));
    if (previousIssuer !== undefined && previousIssuer !== issuer) {
      logger.warn({ issuer, previousIssuer }, `the issuer changed from ${previousIssuer} to ${issuer}: tokens issued as ${previousIssuer} and admin clients of ${previousIssuer}/admin/v1 are not accepted here`);
    }
    const simulator = await openSandboxSimulator(config, database.orm, overrides.sandboxSimulator, logger);
    if (simulator !== undefined) releases.push(() => simulator.close());
    const services = createServices({
      config, orm: database.orm, logger, clock, issuer, wechatApiBaseUrl: simulator?.url, wechatOpenBaseUrl: simulator?.url,
      // The sandbox's demo apps, left over from a start with the sandbox on, must not reach real WeChat (issue 18 #5).
      dormantApps: simulator === undefined ? new Map(SANDBOX_APP_IDS.map((appId) => [appId, SANDBOX_OFF_DESCRIPTION])) : undefined,
    });
    releases.push(() => services.close());
    await services.admin.ensureAdminAudience();
    const consoleSessions = createConsoleSessions({ em: services.em, secretBox: services.secretBox, now: () => dateOf(clock), lifetime: config.console });
    const sandbox = simulator === undefined ? undefined : await startSandbox({ ...services, simulator });
    const oidc = await createOidc(services);
    releases.push(() => oidc.close());
    const housekeeping = startPeriodicTask({
      name: 'expired row cleanup', intervalMs: config.oidc.cleanupIntervalMs, logger,
      run: async () => { await oidc.deleteExpired(); await services.loginCodes.deleteExpired(); await services.webSignIns.deleteExpired(); await services.pendingIdentities.deleteExpired(); await consoleSessions.deleteExpired(); await services.wechatCalls.deleteExpired(); },
    });
    releases.push(() => housekeeping.stop());
    // WeChat calls per minute for the console's Overview (ADR 0031): this process's counts added every
    // interval; the last ones at shutdown by services.close(). Old minutes go with the expired rows.
    const wechatCallsFlush = startPeriodicTask({
      name: 'WeChat call counts flush', intervalMs: config.wechat.callsFlushIntervalMs, logger,
      run: () => services.wechatCalls.flush(),
    });
    releases.push(() => wechatCallsFlush.stop());

    const metricsUrl = await exposeMetrics(config, overrides, { ...services, orm: database.orm, releases });

    const koa = new Koa();
    // X-Forwarded-* only from as many proxy hops as configured (ADR 0014).
    koa.proxy = config.http.trustProxy > 0;
    koa.maxIpsCount = config.http.trustProxy;
    koa.keys = [...oidc.cookieKeys];
    const health = createHealthRoutes([
      { name: 'database', check: () => database.isReachable() },
      { name: 'keys', check: () => Promise.resolve(oidc.hasSigningKeys()) },
    ]);
    // Outermost: it sees the status the error middleware settles on, and the time of everything.
    koa.use(createHttpMetrics({ metrics: services.metrics, fixedRoutes: [...PROVIDER_DOCUMENTS, ...CLIENT_AUTH_ROUTES] }));
    koa.use(securityHeaders(issuer));
    koa.use(createErrorMiddleware(logger, isDatabaseUnavailable));
    // Each router only under its own paths, so a token request or a JWKS read is not matched against their routes.
    koa.use(routerUnder(['/healthz', '/readyz'], health, { allowedMethods: false }));
    if (sandbox !== undefined) koa.use(routerUnder(['/sandbox'], sandbox.routes));
    koa.use(createAdminApi({ services: services.admin, auth: { issuer, jwks: () => oidc.publicJwks(), clients: services.clients, clock, admins: services.roles } }));
    koa.use(createConsoleMiddleware({
      issuer, adminAudience: services.admin.adminAudience, clock, sessions: consoleSessions,
      // Created on first use, so an install that never opens the console lists no client it did not add.
      ensureClient: () => ensureConsoleClient(services.clients, issuer, services.admin.adminAudience), invitations: services.admin.as({ actor: 'console:invitation' }).admins }));
    const me = createMeRoutes({ ...services, authenticate: oidc.authenticateBearer });
    koa.use(routerUnder(['/me'], me));
    const webSignIns = createWebSignInRoutes({ ...services, authenticate: oidc.authenticateBearer });
    koa.use(routerUnder(['/me/web-sign-ins'], webSignIns));
    // No allowedMethods: GET /me is oidc-provider's userinfo, further down.
    koa.use(routerUnder(['/me'], createAccountRoutes({ ...services, authenticate: oidc.authenticateBearer }), { allowedMethods: false }));
    for (const middleware of oidc.middleware) koa.use(middleware);
    logger.info({ issuer, sandbox: sandbox !== undefined }, 'wxbridge ready');

    const handle = koa.callback();
    return {
      issuer,
      logger,
      // Koa's handler answers its own errors; nothing is left for the caller to await.
      callback: (req, res) => { void handle(req, res); },
      sandboxEnabled: sandbox !== undefined,
      metrics: services.metrics.registry,
      metricsUrl,
      close: release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * With WXBRIDGE_METRICS_PORT set: the scrape-time readings (pool, signing keys, process) and, unless a
 * cluster primary serves them, the /metrics listener (design.md §9). Returns the listener's URL.
 */
async function exposeMetrics(
  config: Config,
  overrides: AppOverrides,
  deps: Pick<Services, 'metrics' | 'keyStore' | 'clock' | 'logger'> & { orm: Orm; releases: (() => Promise<void>)[] },
): Promise<string | undefined> {
  const { metrics } = deps;
  if (config.metrics.port === undefined) return undefined;
  metrics.collectProcessMetrics();
  metrics.trackDbPool(() => readPoolUsage(deps.orm));
  metrics.trackSigningKeys(async () => {
    const now = deps.clock.now();
    // Age since the key began signing (pending keys: 0); removed keys are no longer published.
    return (await deps.keyStore.list()).flatMap((key) => (key.state === 'removed' ? [] : [{
      kid: key.kid, alg: key.alg, state: key.state, ageSeconds: Math.max(0, (now - key.activatesAt.getTime()) / 1000),
    }]));
  });
  if (overrides.metricsListener === false) return undefined;
  const listener = await listenForScrapes({
    port: config.metrics.port, host: config.metrics.host,
    source: { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics() },
    onError: (error) => { deps.logger.error({ err: error }, 'metrics collection failed'); },
  });
  deps.releases.push(() => listener.close());
  deps.logger.info({ url: listener.url }, 'serving Prometheus metrics');
  return listener.url;
}
