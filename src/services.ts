/**
 * The service graph (house-style §5): every business service of one process, built once, here. The
 * server (src/app.ts), the CLI, the cluster primary, the benchmark and the test harness all call
 * createServices; nothing else constructs a registry, a key store, an audit log or an account service,
 * so a process never holds two of one (eslint enforces it).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { createAdminServices, type AdminServices } from './admin/admin-services.ts';
import { createAccountAdministration } from './accounts/account-administration.ts';
import { createAccountDeletion } from './accounts/account-deletion.ts';
import { createAccountExporter } from './accounts/account-export.ts';
import { createAccountMerger } from './accounts/account-merge.ts';
import { createProfileEditor } from './accounts/account-profile.ts';
import { createAccountRepository } from './accounts/account.repository.ts';
import { createAdminRoles } from './accounts/admin-roles.ts';
import { createIdentityMapper } from './accounts/identity-mapping.ts';
import { createLegacyUserData } from './accounts/legacy-user-data.ts';
import { createLoginCodeLedger } from './accounts/login-code-ledger.ts';
import { createPhoneVerification } from './accounts/phone-verification.ts';
import { createWeChatSignIn } from './accounts/wechat-sign-in.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createClientRegistry } from './clients/client-registry.ts';
import { createResourceServerRegistry } from './clients/resource-server-registry.ts';
import { dateOf, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Orm } from './db/orm.ts';
import { loadOrCreateDevMasterKey } from './keys/dev-master-key.ts';
import { createKeyStore } from './keys/key-store.ts';
import { createSecretBox } from './keys/secret-box.ts';
import type { Logger } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { errcodeOf, recordWeChatCall } from './metrics/wechat-call-metrics.ts';
import { createOverviewReports } from './overview/overview-report.ts';
import { createWeChatCallMinutes } from './overview/wechat-call-minutes.ts';
import { createGrantRevocation } from './oidc/storage/grant-revocation.ts';
import { createAccessTokenRepository } from './wechat-apps/wechat-access-token.repository.ts';
import { createWeChatAccessTokens } from './wechat-apps/wechat-access-tokens.ts';
import { createWeChatAppCheck } from './wechat-apps/wechat-app-check.ts';
import { createWeChatAppRegistry } from './wechat-apps/wechat-app-registry.ts';
import { createWeChatPhoneNumbers } from './wechat-apps/wechat-phone-numbers.ts';
import { createWeChatClient } from './wechat/wechat-client.ts';
import { createMiniProgramCodes } from './web-sign-ins/miniprogram-codes.ts';
import { createWebSignInTickets } from './web-sign-ins/web-sign-in-tickets.ts';
import { createPendingIdentities } from './web-sign-ins/pending-identities.ts';

export interface ServiceDeps {
  readonly config: Config;
  readonly orm: Orm;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The issuer the server runs as (it names the admin API audience). */
  readonly issuer: string;
  /** The WeChat API origin: the sandbox simulator's, or the configured one (design.md §7, §8). */
  readonly wechatApiBaseUrl?: string | undefined;
  /** WeChat's browser origin for sign-in pages: the sandbox simulator's, or the configured one (design.md §10). */
  readonly wechatOpenBaseUrl?: string | undefined;
  /** WeChat apps whose logins are refused, with the reason (the sandbox's demo app while the sandbox is off). */
  readonly dormantApps?: ReadonlyMap<string, string> | undefined;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(deps: ServiceDeps) {
  const { config, logger, clock } = deps;
  const em = (): EntityManager => deps.orm.em.fork();
  const now = (): Date => dateOf(clock);
  // This process's Prometheus registry (design.md §9); served by app.ts when WXBRIDGE_METRICS_PORT is set.
  const metrics = createMetrics();
  const secretBox = createSecretBox(config.keys.masterKey ?? loadOrCreateDevMasterKey(config.dataDir));

  // Looked up on every token request: reused for ≤ 1 s, so admin changes reach every worker within that (ADR 0012).
  const cacheTtlMs = config.cache.lookupTtlMs;
  const resourceServers = createResourceServerRegistry({ em, cacheTtlMs, clock });
  const clients = createClientRegistry({ em, resourceServers, cacheTtlMs, clock });
  const apps = createWeChatAppRegistry({ em, secretBox, cacheTtlMs, clock });
  const keyStore = createKeyStore({ em, secretBox, now });
  const audit = createAuditLog({ em, logger, now, observer: metrics.audit });
  const accounts = createAccountRepository({ em });
  const grants = createGrantRevocation({ em });
  const deletion = createAccountDeletion({ em, grants, audit });
  const exporter = createAccountExporter({ em, grants, now });
  const roles = createAdminRoles({ em, now });
  const users = createAccountAdministration({ em, accounts, grants, merger: createAccountMerger({ em, grants, now }), deletion, exporter });

  // WeChat calls per minute for the console's Overview: counted in memory, flushed by app.ts (ADR 0031).
  const wechatCalls = createWeChatCallMinutes({ em, now: () => clock.now() });
  const wechat = createWeChatClient({
    baseUrl: deps.wechatApiBaseUrl ?? config.wechat.apiBaseUrl,
    timeoutMs: config.wechat.timeoutMs,
    onCall: (event) => {
      logger.debug({ wechat: event }, 'WeChat call');
      recordWeChatCall(metrics, event);
      wechatCalls.count({ endpoint: event.endpoint, errcode: errcodeOf(event) });
    },
  });
  // design.md §4: one shared WeChat access token per app, for getuserphonenumber (and later wxa APIs).
  const accessTokens = createWeChatAccessTokens({
    em, tokens: createAccessTokenRepository(), wechat, apps, secretBox, now, lockTimeoutMs: 2 * config.wechat.timeoutMs + 1000,
    onRefresh: (forced) => { metrics.countAccessTokenRefresh(forced); },
  });
  const phones = createPhoneVerification({ source: createWeChatPhoneNumbers({ tokens: accessTokens, wechat }), accounts, audit });
  const loginCodes = createLoginCodeLedger({ em, now });
  const signIn = createWeChatSignIn({ wechat, apps, identities: createIdentityMapper({ em, accounts, grants, audit, now }), secretBox, codes: loginCodes, phones, profiles: accounts, now });

  return {
    config,
    logger,
    clock,
    issuer: deps.issuer,
    dormantApps: deps.dormantApps ?? new Map<string, string>(),
    wechatOpenBaseUrl: deps.wechatOpenBaseUrl ?? config.wechat.openBaseUrl,
    em,
    metrics,
    wechatCalls,
    secretBox,
    keyStore,
    clients,
    resourceServers,
    apps,
    accounts,
    audit,
    grants,
    users,
    roles,
    deletion,
    exporter,
    wechat,
    accessTokens,
    phones,
    loginCodes,
    signIn,
    /** "Scan with the mini-program" (issue 13 #3): tickets and the codes that carry them. */
    webSignIns: createWebSignInTickets({ em, clock, audit }),
    miniProgramCodes: createMiniProgramCodes({ tokens: accessTokens, wechat }),
    /** "Bind or register" (issue 17 #2): new browser identities held for the person's choice. */
    pendingIdentities: createPendingIdentities({ em, clock }),
    profiles: createProfileEditor({ accounts, audit, now }),
    legacy: createLegacyUserData({ accounts, secretBox }),
    /** The admin API's and the CLI's operations, audited as `system` until `.as(actor)`. */
    admin: createAdminServices({ config, issuer: deps.issuer, clients, resourceServers, apps, keys: keyStore, audit, users, grants, roles, appCheck: createWeChatAppCheck({ apps, wechat }),
      overview: createOverviewReports({ em, calls: wechatCalls, keys: keyStore, now: () => clock.now() }) }) satisfies AdminServices,
    /** Writes what is still buffered (audit events, WeChat call counts) before the database closes. */
    async close(): Promise<void> {
      await audit.flush();
      await wechatCalls.flush().catch((error: unknown) => { logger.error({ err: error }, 'WeChat call counts could not be written at shutdown'); });
    },
  };
}
