/**
 * The business operations behind the admin API and the CLI (house-style §5): one set, over the
 * services of the process (src/services.ts builds them and hands them in; nothing is constructed
 * here), so both transports call the very same functions. Every change goes through the audit log
 * under the actor the operations were built for (`as`).
 */
import type { AccountAdministration } from '../accounts/account-administration.ts';
import type { AdminRoles } from '../accounts/admin-roles.ts';
import type { AuditFilter, AuditLog } from '../audit/audit-log.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { ResourceServerRegistry } from '../clients/resource-server-registry.ts';
import type { Config } from '../config.ts';
import type { KeyStore } from '../keys/key-store.ts';
import type { OverviewReports } from '../overview/overview-report.ts';
import type { WeChatAppCheck } from '../wechat-apps/wechat-app-check.ts';
import type { WeChatAppRegistry } from '../wechat-apps/wechat-app-registry.ts';
import { adminAudienceOf, adminResourceServer } from './admin-audience.ts';
import { appOperations, clientOperations, keyOperations, resourceServerOperations, userOperations } from './admin-operations.ts';
import { overviewOperations } from './overview-operations.ts';
import { adminRoleOperations } from './admin-role-operations.ts';
import { createAudited, type AdminActor } from './audited.ts';

/** Revokes grants (with their refresh tokens); implemented over oidc-provider's storage, handed in by the service graph. */
export interface GrantRevocation {
  revokeAccountGrants(accountId: string): Promise<number>;
  revokeClientGrants(clientId: string): Promise<number>;
}

export interface AdminServiceDeps {
  /** Token lifetimes and key timings. */
  readonly config: Config;
  /** The issuer the server runs as: it names the admin API audience. */
  readonly issuer: string;
  readonly clients: ClientRegistry;
  readonly resourceServers: ResourceServerRegistry;
  readonly apps: WeChatAppRegistry;
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  readonly users: AccountAdministration;
  readonly grants: GrantRevocation;
  readonly roles: AdminRoles;
  readonly appCheck: WeChatAppCheck;
  /** Logins, WeChat errors and key ages for the console's Overview (issue 14). */
  readonly overview: OverviewReports;
}

/** Changes made by wxbridge itself or by test arrangements, not by a person or an admin client. */
const SYSTEM: AdminActor = { actor: 'system' };

export function createAdminServices(deps: AdminServiceDeps, who: AdminActor = SYSTEM): AdminServices {
  return servicesActingAs(deps, who);
}

function operationsActingAs(base: AdminServiceDeps, who: AdminActor) {
  const { config, issuer, resourceServers, grants, audit } = base;
  const audited = createAudited(audit, who);
  const adminAudience = adminAudienceOf(issuer);
  const ensureAdminAudience = () => resourceServers.ensure(adminResourceServer(issuer, config));
  const registry = { resourceServers, adminAudience, audited };

  return {
    actor: who,
    issuer,
    adminAudience,
    ensureAdminAudience,
    apps: appOperations(base.apps, audited, base.appCheck),
    resourceServers: resourceServerOperations(registry),
    clients: clientOperations({ ...registry, clients: base.clients, grants, ensureAdminAudience }),
    users: userOperations(base.users, audited, who),
    admins: adminRoleOperations(base.roles, audited),
    keys: keyOperations({ keys: base.keys, resourceServers, config, audited }),
    audit: { query: (filter: AuditFilter) => audit.query(filter) },
    overview: overviewOperations(base.overview),
  };
}

export interface AdminServices extends ReturnType<typeof operationsActingAs> {
  /** The same services, recording `actor` as the author of every change (registries shared, not rebuilt). */
  as(actor: AdminActor): AdminServices;
}

function servicesActingAs(base: AdminServiceDeps, who: AdminActor): AdminServices {
  return { ...operationsActingAs(base, who), as: (actor) => servicesActingAs(base, actor) };
}
