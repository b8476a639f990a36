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

export function createAdminServices(deps: AdminServiceDeps, who: AdminActor = SYSTEM): AdminServices {
  return servicesActingAs(buildFoundation(deps), who);
}

/** What every actor shares: built once, whichever actor the operations are recorded under. */
function buildFoundation(deps: AdminServiceDeps) {
  const config = deps.config ?? loadConfig({});
  const issuer = deps.issuer ?? issuerOf(config);
  const em = () => deps.orm.em.fork();
  const resourceServers = createResourceServerRegistry({ em });
  const accounts = createAccountRepository({ em });
  const grants = createGrantRevocation({ em });
  return {
    config,
    issuer,
    resourceServers,
    grants,
    audit: createAuditLog({ em, logger: deps.logger ?? createLogger({ level: 'warn' }) }),
    apps: createWeChatAppRegistry({ em, secretBox: deps.secretBox }),
    clients: createClientRegistry({ em, resourceServers }),
    users: createAccountAdministration({ em, accounts, grants }),
    keys: createKeyStore({ em, secretBox: deps.secretBox }),
  };
}

function operationsActingAs(base: ReturnType<typeof buildFoundation>, who: AdminActor) {
  const { config, issuer, resourceServers, grants, audit } = base;
  const audited = createAudited(audit, who);
  const adminAudience = adminAudienceOf(issuer);
  const ensureAdminAudience = () => resourceServers.ensure(adminResourceServer(issuer, config));
  const registry = { resourceServers, adminAudience, audited };

  return {
    actor: who,
    adminAudience,
    ensureAdminAudience,
    apps: appOperations(base.apps, audited),
    resourceServers: resourceServerOperations(registry),
    clients: clientOperations({ ...registry, clients: base.clients, grants, ensureAdminAudience }),
    users: userOperations(base.users, audited),
    keys: keyOperations({ keys: base.keys, resourceServers, config, audited }),
    audit: { query: (filter: AuditFilter) => audit.query(filter) },
  };
}

export interface AdminServices extends ReturnType<typeof operationsActingAs> {
  /** The same services, recording `actor` as the author of every change (registries shared, not rebuilt). */
  as(actor: AdminActor): AdminServices;
}

function servicesActingAs(base: ReturnType<typeof buildFoundation>, who: AdminActor): AdminServices {
  return { ...operationsActingAs(base, who), as: (actor) => servicesActingAs(base, actor) };
}
