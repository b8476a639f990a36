/**
 * The business services behind the admin API and the CLI (house-style §5): one set, built from an
 * ORM, the master key and the configuration, so both transports call the very same functions.
 * Every change goes through the audit log under the actor the services were built for (`as`).
 */
import { createAccountAdministration } from '../accounts/account-administration.ts';
import { createAccountRepository } from '../accounts/account.repository.ts';
import { createAuditLog, type AuditFilter } from '../audit/audit-log.ts';
import { createClientRegistry } from '../clients/client-registry.ts';
import { createResourceServerRegistry } from '../clients/resource-server-registry.ts';
import { issuerOf, loadConfig, type Config } from '../config.ts';
import type { Orm } from '../db/orm.ts';
import { createKeyStore } from '../keys/key-store.ts';
import type { SecretBox } from '../keys/secret-box.ts';
import { createLogger, type Logger } from '../logger.ts';
import { createGrantRevocation } from '../oidc/grant-revocation.ts';
import { createWeChatAppRegistry } from '../wechat-apps/wechat-app-registry.ts';
import { adminAudienceOf, adminResourceServer } from './admin-audience.ts';
import { appOperations, clientOperations, keyOperations, resourceServerOperations, userOperations } from './admin-operations.ts';
import { createAudited, type AdminActor } from './audited.ts';

export interface AdminServiceDeps {
  readonly orm: Orm;
  readonly secretBox: SecretBox;
  /** Token lifetimes and key timings (default: the built-in defaults, for scripts and benchmarks). */
  readonly config?: Config;
  /** The issuer the server runs as: it names the admin API audience (default: the config's issuer). */
  readonly issuer?: string;
  /** Where a failed audit write is reported. */
  readonly logger?: Logger;
}

/** Changes made by wxbridge itself or by test arrangements, not by a person or an admin client. */
const SYSTEM: AdminActor = { actor: 'system' };

export function createAdminServices(deps: AdminServiceDeps, who: AdminActor = SYSTEM) {
  const config = deps.config ?? loadConfig({});
  const issuer = deps.issuer ?? issuerOf(config);
  const em = () => deps.orm.em.fork();
  const audit = createAuditLog({ em, logger: deps.logger ?? createLogger({ level: 'warn' }) });
  const audited = createAudited(audit, who);
  const resourceServers = createResourceServerRegistry({ em });
  const accounts = createAccountRepository({ em });
  const grants = createGrantRevocation({ em });
  const adminAudience = adminAudienceOf(issuer);
  const ensureAdminAudience = () => resourceServers.ensure(adminResourceServer(issuer, config));
  const registry = { resourceServers, adminAudience, audited };

  return {
    actor: who,
    adminAudience,
    ensureAdminAudience,
    apps: appOperations(createWeChatAppRegistry({ em, secretBox: deps.secretBox }), audited),
    resourceServers: resourceServerOperations(registry),
    clients: clientOperations({ ...registry, clients: createClientRegistry({ em, resourceServers }), grants, ensureAdminAudience }),
    users: userOperations(createAccountAdministration({ em, accounts, grants }), audited),
    keys: keyOperations({ keys: createKeyStore({ em, secretBox: deps.secretBox }), resourceServers, config, audited }),
    audit: { query: (filter: AuditFilter) => audit.query(filter) },
    /** The same services, recording `actor` as the author of every change. */
    as: (actor: AdminActor) => createAdminServices(deps, actor),
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;
