/**
 * The business services behind the admin API and the CLI (house-style §5): one set, built from an
 * ORM and the master key, so both transports call the very same functions.
 */
import type { Orm } from '../db/orm.ts';
import { createAccountAdministration } from '../accounts/account-administration.ts';
import { createAccountRepository } from '../accounts/account.repository.ts';
import { createClientRegistry } from '../clients/client-registry.ts';
import { createResourceServerRegistry } from '../clients/resource-server-registry.ts';
import { createKeyStore } from '../keys/key-store.ts';
import type { SecretBox } from '../keys/secret-box.ts';
import { createGrantRevocation } from '../oidc/grant-revocation.ts';
import { createWeChatAppRegistry } from '../wechat-apps/wechat-app-registry.ts';

export function createAdminServices(deps: { orm: Orm; secretBox: SecretBox }) {
  const em = () => deps.orm.em.fork();
  const resourceServers = createResourceServerRegistry({ em });
  const accounts = createAccountRepository({ em });
  return {
    apps: createWeChatAppRegistry({ em, secretBox: deps.secretBox }),
    resourceServers,
    clients: createClientRegistry({ em, resourceServers }),
    users: createAccountAdministration({ em, accounts, grants: createGrantRevocation({ em }) }),
    keys: createKeyStore({ em, secretBox: deps.secretBox }),
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;
