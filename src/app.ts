/**
 * Composition root (house-style §5): database → services → oidc → HTTP mounts. The service graph is
 * src/services.ts, everything oidc-provider is src/oidc/oidc.ts; this file only puts them in order and
 * returns the request listener and a close() that releases everything in reverse.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import { createAdminApi } from './admin/api/admin.routes.ts';
import { dateOf, systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { issuerOf } from './config.ts';
import { openDatabase } from './db/database.ts';
import { isDatabaseUnavailable } from './db/database-errors.ts';
import { recordIssuer } from './db/server-settings.ts';
import { createErrorMiddleware } from './http/error-middleware.ts';
import { createHealthRoutes } from './http/health.routes.ts';
import { securityHeaders } from './http/security-headers.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMeRoutes } from './me/me.routes.ts';
import { createOidc } from './oidc/oidc.ts';
import { startPeriodicTask } from './periodic-task.ts';
import { SANDBOX_APP_ID, startSandbox, type SandboxSimulatorRef } from './sandbox/sandbox.ts';
import { openSandboxSimulator, SANDBOX_OFF_DESCRIPTION } from './sandbox/sandbox-decision.ts';
import { createServices } from './services.ts';

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
}

export interface App {
  readonly issuer: string;
  readonly logger: Logger;
  readonly callback: (req: IncomingMessage, res: ServerResponse) => void;
  readonly sandboxEnabled: boolean;
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
      config, orm: database.orm, logger, clock, issuer, wechatApiBaseUrl: simulator?.url,
      // The sandbox's demo app, left over from a start with the sandbox on, must not reach real WeChat (issue 18 #5).
      dormantApps: simulator === undefined ? new Map([[SANDBOX_APP_ID, SANDBOX_OFF_DESCRIPTION]]) : undefined,
    });
    releases.push(() => services.close());
    await services.admin.ensureAdminAudience();
    const sandbox = simulator === undefined ? undefined : await startSandbox({ ...services, simulator });
    const oidc = await createOidc(services);
    releases.push(() => oidc.close());
    const housekeeping = startPeriodicTask({
      name: 'expired row cleanup', intervalMs: config.oidc.cleanupIntervalMs, logger,
      run: async () => { await oidc.deleteExpired(); await services.loginCodes.deleteExpired(); },
    });
    releases.push(() => housekeeping.stop());

    const koa = new Koa();
    // X-Forwarded-* only from as many proxy hops as configured (ADR 0014).
    koa.proxy = config.http.trustProxy > 0;
    koa.maxIpsCount = config.http.trustProxy;
    const health = createHealthRoutes([
      { name: 'database', check: () => database.isReachable() },
      { name: 'keys', check: () => Promise.resolve(oidc.hasSigningKeys()) },
    ]);
    koa.use(securityHeaders(issuer));
    koa.use(createErrorMiddleware(logger, isDatabaseUnavailable));
    koa.use(health.routes());
    if (sandbox !== undefined) koa.use(sandbox.routes.routes()).use(sandbox.routes.allowedMethods());
    koa.use(createAdminApi({ services: services.admin, auth: { issuer, jwks: () => oidc.publicJwks(), clients: services.clients, clock } }));
    const me = createMeRoutes({ ...services, authenticate: oidc.authenticateBearer });
    koa.use(me.routes()).use(me.allowedMethods());
    for (const middleware of oidc.middleware) koa.use(middleware);
    logger.info({ issuer, sandbox: sandbox !== undefined }, 'wxbridge ready');

    const handle = koa.callback();
    return {
      issuer,
      logger,
      // Koa's handler answers its own errors; nothing is left for the caller to await.
      callback: (req, res) => { void handle(req, res); },
      sandboxEnabled: sandbox !== undefined,
      close: release,
    };
  } catch (error) {
    await release();
    throw error;
  }
}
