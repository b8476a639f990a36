/**
 * The one entry point for everything oidc-provider (house-style §3): builds the provider over the
 * service graph and installs, in one ordered list, every hook wxbridge adds to it. A reader learns
 * here what happens to a token request and in which order; app.ts only mounts the result.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { JSONWebKeySet } from 'jose';
import type { Middleware } from 'koa';
import mount from 'koa-mount';
import type { AccountRepository } from '../accounts/account.repository.ts';
import type { WeChatSignIn } from '../accounts/wechat-sign-in.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { ResourceServerRegistry } from '../clients/resource-server-registry.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { isDatabaseUnavailable } from '../db/database-errors.ts';
import { logUnavailable } from '../temporarily-unavailable.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { SecretBox } from '../keys/secret-box.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { WeChatAppRegistry } from '../wechat-apps/wechat-app-registry.ts';
import type { MiniProgramCodes } from '../web-sign-ins/miniprogram-codes.ts';
import type { PendingIdentities } from '../web-sign-ins/pending-identities.ts';
import type { WebSignInTickets } from '../web-sign-ins/web-sign-in-tickets.ts';
import { openTokenRateLimits } from '../rate-limits/token-rate-limits.ts';
import { createBearerAuthenticator, type AuthenticateBearer } from './bearer-authentication.ts';
import { buildOidcConfiguration, INTERACTION_TTL_SECONDS } from './configuration.ts';
import { createDocumentCache } from './document-cache.ts';
import { createFindAccount } from './find-account.ts';
import { createInteractionMiddleware } from './interactions/interaction-routes.ts';
import type { ConfiguredApps } from './interactions/sign-in-methods.ts';
import { createWeChatSignInStates } from './interactions/wechat-sign-in-states.ts';
import { guardGrantHandlers, wrapGrantHandlers } from './oidc-provider-seam.ts';
import { createProvider } from './provider.ts';
import { rewriteResponses, routeOf, type ResponseRewrite } from './response-rewrites.ts';
import { followSigningKeys, loadSigningKeys } from './signing-keys.ts';
import { narrowGrantsToClientScope } from './grant-narrowing.ts';
import { createAdapterFactory } from './storage/adapter.ts';
import { createTokenRequestBatching } from './storage/token-request-batch.ts';
import { deleteExpiredPayloads } from './storage/payload-cleanup.ts';
import { databaseOutagesAs503 } from './token-endpoint/database-outages.ts';
import { createLoginAccountMemo } from './token-endpoint/login-account-memo.ts';
import { guardClientAddresses, guardClientGrants, limitFailedCodeExchanges } from './token-endpoint/rate-limit-guards.ts';
import { checkClientCredentialsScope } from './token-endpoint/client-credentials-scope.ts';
import { checkRefreshResourceFirst } from './token-endpoint/refresh-resource-check.ts';
import { createResourceIndicators } from './token-endpoint/resource-indicators.ts';
import { auditRefusedTokenRequest, auditTokenEndpoint } from './token-endpoint/token-audit.ts';
import { countTokenRequests } from './token-endpoint/token-metrics.ts';
import { traceTokenRequests } from './token-endpoint/token-span.ts';
import { unauthorizedClientForDisallowedGrants } from './token-endpoint/unauthorized-client.ts';
import { registerWeChatGrant } from './token-endpoint/wechat-code.grant.ts';
import { refuseUnstorableParameters } from './unstorable-parameters.ts';

/** What oidc/ needs of the service graph (src/services.ts). */
export interface OidcDeps {
  readonly config: Config;
  readonly issuer: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly em: () => EntityManager;
  readonly secretBox: Pick<SecretBox, 'deriveKey'>;
  readonly keyStore: KeyStore;
  readonly clients: ClientRegistry;
  readonly resourceServers: ResourceServerRegistry;
  readonly accounts: AccountRepository;
  readonly signIn: WeChatSignIn;
  readonly webSignIns: WebSignInTickets;
  readonly miniProgramCodes: MiniProgramCodes;
  readonly pendingIdentities: PendingIdentities;
  readonly apps: Pick<WeChatAppRegistry, 'list'>;
  /** Where browsers are sent to sign in with WeChat: the configured origin, or the sandbox simulator's. */
  readonly wechatOpenBaseUrl: string;
  readonly audit: Pick<AuditLog, 'record'>;
  /** WeChat apps whose logins are refused, with the reason. */
  readonly dormantApps: ReadonlyMap<string, string>;
  readonly metrics: Pick<Metrics, 'countTokenRequest' | 'countRateLimitRejection'>;
}

export interface Oidc {
  /** Koa middleware for everything oidc-provider serves, wxbridge's guards in front; mount last. */
  readonly middleware: readonly Middleware[];
  /** The caller behind an opaque userinfo access token (for /me/*, docs/decisions/0007). */
  readonly authenticateBearer: AuthenticateBearer;
  /** The JWKS this instance publishes, current after every key reload (the admin API verifies against it). */
  publicJwks(): JSONWebKeySet;
  hasSigningKeys(): boolean;
  /**
   * The keys oidc-provider signs its session and interaction cookies with. Mounted inside another Koa
   * app, the provider's middleware reads cookies through the outer app's context (koa-mount keeps it),
   * so the outer app must carry the same keys.
   */
  readonly cookieKeys: readonly string[];
  /** Deletes expired oidc-provider rows (scheduled by app.ts); returns how many. */
  deleteExpired(): Promise<number>;
  close(): Promise<void>;
}

/** test-catalogue K-02: verifiers may cache the JWKS, far shorter than a key's publication precedes its use. */
const boundedJwksCaching: ResponseRewrite = (ctx) => {
  if (routeOf(ctx) === 'jwks' && ctx.status === 200) ctx.set('Cache-Control', 'public, max-age=300');
};

/**
 * The WeChat apps the hosted page signs in with: the first website app, the first official account and
 * the first mini-program (by appid). One of each serves every browser client; their Open Platform decides the unionid namespace.
 * A client may name its own mini-program (`scanAppId`, issue #13); one no longer configured falls back to the first.
 */
async function browserSignInApps(apps: Pick<WeChatAppRegistry, 'list'>, dormant: ReadonlyMap<string, string>, scanAppId?: string): Promise<ConfiguredApps> {
  // A dormant app (the sandbox's, while it is off) is never offered: it would send browsers to real WeChat.
  const all = (await apps.list()).filter((app) => !dormant.has(app.appId));
  const miniPrograms = all.filter((app) => app.kind === 'miniprogram');
  const miniProgram = miniPrograms.find((app) => app.appId === scanAppId) ?? miniPrograms[0];
  return {
    website: all.find((app) => app.kind === 'web')?.appId, officialAccount: all.find((app) => app.kind === 'official_account')?.appId,
    miniProgram: miniProgram === undefined ? undefined : { appId: miniProgram.appId, page: miniProgram.webSignInPage },
  };
}

export async function createOidc(deps: OidcDeps): Promise<Oidc> {
  const { config, logger, clock, clients } = deps;
  const keyRing = await loadSigningKeys(deps.keyStore);
  const rateLimits = await openTokenRateLimits({ config: config.rateLimit, em: deps.em, logger, clock });
  const signedIn = createLoginAccountMemo();
  const batching = createTokenRequestBatching({ em: deps.em });
  const indicators = createResourceIndicators({ clients, resourceServers: deps.resourceServers, activeKid: (alg) => keyRing.activeKid(alg) });
  const cookieKeys = [deps.secretBox.deriveKey('cookie-signing-v1').toString('base64url')];
  const provider = createProvider({
    issuer: deps.issuer,
    secrets: clients,
    proxy: config.http.trustProxy > 0,
    configuration: buildOidcConfiguration(config.oidc, {
      // A Grant is read narrowed to its client's current OIDC scopes (issue #15 finding 3).
      adapter: narrowGrantsToClientScope(createAdapterFactory({ em: deps.em, clients, clock, batching }), clients),
      signingKeys: keyRing.current().keys,
      cookieKeys,
      findAccount: createFindAccount({ accounts: deps.accounts, signedIn }),
      getResourceServerInfo: (ctx, resource, client) => indicators.getResourceServerInfo(ctx, resource, client),
      defaultResource: (ctx, client, oneOf) => indicators.defaultResource(ctx, client, oneOf),
    }),
  });
  provider.on('server_error', (ctx, error) => {
    // A PostgreSQL outage is answered 503 (databaseOutagesAs503 below): a warning with its cause, not an error.
    if (isDatabaseUnavailable(error)) logUnavailable(logger, error, { path: ctx.path });
    else logger.error({ err: error }, 'oidc-provider server_error');
  });

  // What wxbridge adds to oidc-provider, in the order a token request meets it:
  // 0. in front of everything: parameters PostgreSQL can't store are refused 400 before any lookup.
  const storableOnly = refuseUnstorableParameters({
    onRefused: (request) => { if (request.path === '/token') auditRefusedTokenRequest(deps.audit, request, 'invalid_request'); },
  });
  // 1. in front of the provider: the per-address rate limit; failed client authentication counted after.
  const rejected = (limit: Parameters<Metrics['countRateLimitRejection']>[0]): void => { deps.metrics.countRateLimitRejection(limit); };
  const addressGuard = guardClientAddresses(rateLimits, rejected);
  // 2. the grants oidc-provider does not have: the WeChat login code (design.md §1).
  //    Failed code exchanges are limited per address and client before WeChat is called (issue #15 finding 7a).
  const failedCodes = limitFailedCodeExchanges(rateLimits, rejected);
  registerWeChatGrant(provider, { signIn: deps.signIn, clients, logger, signedIn, dormantApps: deps.dormantApps, failedCodes });
  // 3. once the client is authenticated, before any grant handler runs: the per-client rate limit
  //    (installed last, so it runs first), then a refresh's resource, checked before the library
  //    spends the refresh token (issue #15 finding 4), and a client_credentials scope the client may not
  //    have, refused rather than dropped (issue #15 finding 8).
  const resourceServerInfo = (ctx: Parameters<typeof indicators.getResourceServerInfo>[0], resource: string, client: { clientId: string }) => indicators.getResourceServerInfo(ctx, resource, client);
  guardGrantHandlers(provider, checkRefreshResourceFirst(provider, resourceServerInfo));
  guardGrantHandlers(provider, checkClientCredentialsScope(resourceServerInfo, (ctx, client) => indicators.defaultResource(ctx, client)));
  guardClientGrants(provider, rateLimits, rejected);
  //    Around all of these: the token request's oidc_payloads work batched — a login's Grant and refresh
  //    token in one statement, a refresh's consume and new token in one (issue 16, token-request-batch.ts).
  wrapGrantHandlers(provider, (handler) => batching.run(handler));
  // 4. after the provider rendered its answer: corrections, in this order.
  rewriteResponses(provider, [
    databaseOutagesAs503(provider, isDatabaseUnavailable), // a PostgreSQL outage is transient: 503 + Retry-After
    unauthorizedClientForDisallowedGrants, // RFC 6749 §5.2's name for a grant the client may not use
    boundedJwksCaching,
  ]);
  // 5. every outcome, success or failure, in the audit log and the metrics.
  auditTokenEndpoint(provider, { audit: deps.audit });
  countTokenRequests(provider, { metrics: deps.metrics });
  // 6. signing keys follow rotations made by any instance or the CLI.
  const keyReload = followSigningKeys({ provider, keyRing, intervalMs: config.keys.reloadIntervalMs, logger, clock });

  // 7. the browser's side of the authorization endpoint: hosted sign-in and consent pages (design.md §10).
  const interactions = createInteractionMiddleware({
    provider, issuer: deps.issuer, openBaseUrl: deps.wechatOpenBaseUrl, signIn: deps.signIn, logger,
    configuredApps: (scanAppId) => browserSignInApps(deps.apps, deps.dormantApps, scanAppId),
    states: createWeChatSignInStates({ em: deps.em, clock, ttlSeconds: INTERACTION_TTL_SECONDS }),
    scan: {
      tickets: deps.webSignIns, codes: deps.miniProgramCodes,
      async checkScanCode(ip) {
        const verdict = await rateLimits.checkScanCode(ip);
        if (verdict.limited) rejected('scan_code');
        return verdict;
      },
    },
    pending: deps.pendingIdentities,
  });

  // Discovery and JWKS answered from their last rendering until the signing keys change (ADR 0012).
  let keysVersion = 0;
  keyRing.onChange(() => { keysVersion += 1; });
  const documents = createDocumentCache({ version: () => keysVersion });

  return {
    // The token request's span first, so the rate limits, the WeChat call and the queries are inside it; then
    // parameters PostgreSQL can't store are refused before any lookup.
    middleware: [traceTokenRequests(), storableOnly, documents, addressGuard, interactions, mount(provider)],
    authenticateBearer: createBearerAuthenticator(provider),
    cookieKeys,
    publicJwks: () => keyRing.publicJwks(),
    hasSigningKeys: () => keyRing.current().keys.length > 0,
    deleteExpired: () => deleteExpiredPayloads(deps.em(), new Date(clock.now())),
    async close() {
      await keyReload.stop();
      await rateLimits.close();
    },
  };
}
