/**
 * Composition root (house-style §5): the only module that knows which concrete things exist.
 * createApp(config) builds the database, keys, registries, WeChat client, oidc-provider and the
 * Koa app, and returns the request listener and a close() that releases everything in order.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import Koa from 'koa';
import mount from 'koa-mount';
import type { Config } from './config.ts';
import { issuerOf } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { openDatabase, type Database } from './db/database.ts';
import { createHealthRoutes } from './http/health.routes.ts';
import { createErrorMiddleware } from './http/error-middleware.ts';
import { createKeyStore } from './keys/key-store.ts';
import { createKeyRing, scheduleKeyReload, type KeyRing } from './keys/key-ring.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createAdminServices } from './admin/admin-services.ts';
import { createAdminApi } from './admin/api/admin.routes.ts';
import { createSecretBox } from './keys/secret-box.ts';
import { loadOrCreateDevMasterKey } from './keys/dev-master-key.ts';
import { createClientRegistry } from './clients/client-registry.ts';
import { createResourceServerRegistry } from './clients/resource-server-registry.ts';
import { createWeChatAppRegistry } from './wechat-apps/wechat-app-registry.ts';
import { createAccountRepository } from './accounts/account.repository.ts';
import { createIdentityMapper } from './accounts/identity-mapping.ts';
import { createWeChatSignIn } from './accounts/wechat-sign-in.ts';
import { createLoginCodeLedger } from './accounts/login-code-ledger.ts';
import { createPhoneVerification, type PhoneVerification } from './accounts/phone-verification.ts';
import { createProfileEditor } from './accounts/account-profile.ts';
import { createLegacyUserData } from './accounts/legacy-user-data.ts';
import type { AccountRepository } from './accounts/account.repository.ts';
import { createWeChatAccessTokens } from './wechat-apps/wechat-access-tokens.ts';
import { createAccessTokenRepository } from './wechat-apps/wechat-access-token.repository.ts';
import { createWeChatPhoneNumbers } from './wechat-apps/wechat-phone-numbers.ts';
import { createBearerAuthenticator } from './oidc/bearer-authentication.ts';
import { createMeRoutes } from './me/me.routes.ts';
import type { SecretBox } from './keys/secret-box.ts';
import { createWeChatClient } from './wechat/wechat-client.ts';
import { createAdapterFactory } from './oidc/adapter.ts';
import { buildOidcConfiguration } from './oidc/configuration.ts';
import { createFindAccount } from './oidc/find-account.ts';
import { createLoginAccountMemo } from './oidc/login-account-memo.ts';
import { createDocumentCache } from './oidc/document-cache.ts';
import { createProvider } from './oidc/provider.ts';
import { replaceSigningKeys } from './oidc/oidc-provider-seam.ts';
import { auditTokenEndpoint } from './oidc/token-audit.ts';
import { answerDatabaseOutagesWith503 } from './oidc/database-outages.ts';
import { applyTokenRateLimits } from './oidc/token-rate-limit.ts';
import { openTokenRateLimits } from './rate-limits/token-rate-limits.ts';
import { isDatabaseUnavailable } from './db/database-errors.ts';
import type Provider from 'oidc-provider';
import { createResourceIndicators } from './oidc/resource-indicators.ts';
import { registerWeChatGrant } from './oidc/grants/wechat-code.grant.ts';
import { schedulePayloadCleanup } from './oidc/payload-cleanup.ts';
import { isSandboxWanted, startSandbox, startSandboxSimulator, type Sandbox, type SandboxSimulatorRef } from './sandbox/sandbox.ts';

export interface AppOverrides {
  /** The port the server already listens on, for the default issuer http://localhost:<port>. */
  readonly listeningPort?: number;
  readonly logger?: Logger;
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
  const database = await openDatabase(config, logger);
  try {
    return await assemble(config, { logger, issuer, database, sandboxSimulator: overrides.sandboxSimulator });
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function assemble(config: Config, base: { logger: Logger; issuer: string; database: Database; sandboxSimulator: SandboxSimulatorRef | null | undefined }): Promise<App> {
  const { logger, issuer, database } = base;
  const em = () => database.orm.em.fork();
  const secretBox = createSecretBox(config.keys.masterKey ?? loadOrCreateDevMasterKey(config.dataDir));
  const keyStore = createKeyStore({ em, secretBox });
  await keyStore.ensureInitialKeys();
  const keyRing = await createKeyRing({ keyStore });

  // Looked up on every token request: reused for ≤ 1 s, so admin changes reach every worker within that (ADR 0012).
  const cacheTtlMs = config.cache.lookupTtlMs;
  const resourceServers = createResourceServerRegistry({ em, cacheTtlMs });
  const clients = createClientRegistry({ em, resourceServers, cacheTtlMs });
  const apps = createWeChatAppRegistry({ em, secretBox, cacheTtlMs });
  const accounts = createAccountRepository({ em });
  const audit = createAuditLog({ em, logger });

  const { sandbox, close: closeSandbox } = await maybeStartSandbox(config, { apps, clients, resourceServers }, base.sandboxSimulator);
  const wechat = createWeChatClient({
    baseUrl: sandbox?.wechatApiBaseUrl ?? config.wechat.apiBaseUrl,
    timeoutMs: config.wechat.timeoutMs,
    onCall: (event) => { logger.debug({ wechat: event }, 'WeChat call'); },
  });
  // design.md §4: one shared WeChat access token per app, for getuserphonenumber (and later wxa APIs).
  const accessTokens = createWeChatAccessTokens({ em, tokens: createAccessTokenRepository(), wechat, apps, secretBox, lockTimeoutMs: 2 * config.wechat.timeoutMs + 1000 });
  const phones = createPhoneVerification({ source: createWeChatPhoneNumbers({ tokens: accessTokens, wechat }), accounts, audit });
  const signIn = createWeChatSignIn({ wechat, apps, identities: createIdentityMapper({ em, accounts }), secretBox, codes: createLoginCodeLedger({ em }), phones });

  const signedIn = createLoginAccountMemo();
  const indicators = createResourceIndicators({ clients, resourceServers, activeKid: (alg) => keyRing.activeKid(alg) });
  const provider = createProvider({
    issuer,
    secrets: clients,
    configuration: buildOidcConfiguration(config.oidc, {
      adapter: createAdapterFactory({ em, clients }),
      signingKeys: keyRing.current().keys,
      cookieKeys: [secretBox.deriveKey('cookie-signing-v1').toString('base64url')],
      findAccount: createFindAccount({ accounts, signedIn }),
      getResourceServerInfo: (ctx, resource, client) => indicators.getResourceServerInfo(ctx, resource, client),
      defaultResource: (ctx, client, oneOf) => indicators.defaultResource(ctx, client, oneOf),
    }),
    registerGrants: (p) => { registerWeChatGrant(p, { signIn, clients, logger, signedIn }); },
    proxy: config.http.trustProxy > 0,
  });
  provider.on('server_error', (_ctx, error) => { logger.error({ err: error }, 'oidc-provider server_error'); });
  auditTokenEndpoint(provider, { audit });
  answerDatabaseOutagesWith503(provider, isDatabaseUnavailable);
  const keyReload = watchSigningKeys({ provider, keyRing, intervalMs: config.keys.reloadIntervalMs, logger });
  const admin = createAdminServices({ orm: database.orm, secretBox, config, issuer, logger });
  await admin.ensureAdminAudience();

  const rateLimits = await openTokenRateLimits({ config: config.rateLimit, em, logger });
  const koa = new Koa();
  // X-Forwarded-* only from as many proxy hops as configured: the client IP is the address the outermost
  // trusted proxy saw, never a value the client wrote further left in X-Forwarded-For.
  koa.proxy = config.http.trustProxy > 0;
  koa.maxIpsCount = config.http.trustProxy;
  const health = createHealthRoutes([{ name: 'database', check: () => database.isReachable() }, { name: 'keys', check: () => Promise.resolve(keyRing.current().keys.length > 0) }]);
  koa.use(createErrorMiddleware(logger, isDatabaseUnavailable));
  // Discovery and JWKS answered from their last rendering until the signing keys change (ADR 0012).
  let keysVersion = 0;
  keyRing.onChange(() => { keysVersion += 1; });
  koa.use(createDocumentCache({ version: () => keysVersion }));
  koa.use(health.routes());
  if (sandbox !== undefined) koa.use(sandbox.routes.routes()).use(sandbox.routes.allowedMethods());
  koa.use(createAdminApi({ services: admin, auth: { issuer, jwks: () => keyRing.publicJwks(), clients } }));
  const me = createUserEndpoints({ provider, accounts, phones, secretBox, audit, logger });
  koa.use(me.routes()).use(me.allowedMethods());
  koa.use(applyTokenRateLimits(provider, rateLimits));
  koa.use(mount(provider));
  const cleanup = schedulePayloadCleanup({ em, intervalMs: config.oidc.cleanupIntervalMs, logger });
  logger.info({ issuer, sandbox: sandbox !== undefined, kids: keyRing.current().activeKid }, 'wxbridge ready');

  const handle = koa.callback();
  return {
    issuer,
    logger,
    // Koa's handler answers its own errors; nothing is left for the caller to await.
    callback: (req, res) => { void handle(req, res); },
    sandboxEnabled: sandbox !== undefined,
    async close() {
      await keyReload.stop();
      await cleanup.stop();
      await closeSandbox();
      await rateLimits.close();
      await audit.flush(); // batched audit events still in memory
      await database.close();
    },
  };
}

/** Every instance follows key rotations made anywhere (design.md §5): reload, then swap the provider's keystore. */
function watchSigningKeys(deps: { provider: Provider; keyRing: KeyRing; intervalMs: number; logger: Logger }): { stop(): Promise<void> } {
  deps.keyRing.onChange((keys) => {
    replaceSigningKeys(deps.provider, keys.keys);
    deps.logger.info({ kids: keys.keys.map((key) => key.kid), signing: keys.activeKid }, 'signing keys reloaded');
  });
  return scheduleKeyReload({ ring: deps.keyRing, intervalMs: deps.intervalMs, logger: deps.logger });
}

/** /me/phone, /me/profile, /me/wechat/* (design.md §4): the user's own services, bearer-authenticated by oidc/. */
function createUserEndpoints(deps: {
  provider: Provider; accounts: AccountRepository; phones: PhoneVerification; secretBox: SecretBox;
  audit: ReturnType<typeof createAuditLog>; logger: Logger;
}): ReturnType<typeof createMeRoutes> {
  const { accounts } = deps;
  return createMeRoutes({
    authenticate: createBearerAuthenticator(deps.provider),
    isActiveAccount: async (accountId) => (await accounts.findById(accountId))?.status === 'active',
    findOpenId: async (accountId, appId) => (await accounts.findIdentity(accountId, appId))?.openId ?? null,
    phones: deps.phones,
    profiles: createProfileEditor({ accounts, audit: deps.audit }),
    legacy: createLegacyUserData({ accounts, secretBox: deps.secretBox }),
    logger: deps.logger,
  });
}

async function maybeStartSandbox(
  config: Config,
  deps: Omit<Parameters<typeof startSandbox>[0], 'simulator'>,
  shared: SandboxSimulatorRef | null | undefined,
): Promise<{ sandbox: Sandbox | undefined; close: () => Promise<void> }> {
  const none = { sandbox: undefined, close: () => Promise.resolve() };
  if (shared === null) return none;
  if (shared !== undefined) return { sandbox: await startSandbox({ ...deps, simulator: shared }), close: none.close };
  if (!(await isSandboxWanted(config, deps.apps))) return none;
  const simulator = await startSandboxSimulator();
  try {
    return { sandbox: await startSandbox({ ...deps, simulator }), close: () => simulator.close() };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}
