/**
 * A Grant never holds more OIDC scopes than its client has now (issue #15 finding 3). oidc-provider
 * reads a grant's OIDC scope at refresh (the new access token's scope), at userinfo (which claims
 * are released) and our bearer authentication reads it for /me/*; narrowing the Grant as it is
 * loaded makes an admin's scope removal reach all three within the lookup-cache time, instead of
 * after the grant's 30-day lifetime. API scopes are narrowed already, by the resource lookup.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';

export interface ClientScopeSource {
  findProviderMetadata(clientId: string): Promise<Readonly<Record<string, unknown>> | undefined>;
}

export function narrowGrantsToClientScope(adapterFor: (model: string) => Adapter, clients: ClientScopeSource): (model: string) => Adapter {
  return (model) => {
    const adapter = adapterFor(model);
    if (model !== 'Grant') return adapter;
    return {
      ...adapter,
      async find(id) {
        const grant = await adapter.find(id);
        return grant === undefined ? undefined : narrowed(grant, clients);
      },
    };
  };
}

async function narrowed(grant: AdapterPayload, clients: ClientScopeSource): Promise<AdapterPayload> {
  const openid = (grant as { openid?: { scope?: unknown } }).openid;
  if (typeof grant.clientId !== 'string' || typeof openid?.scope !== 'string') return grant;
  const metadata = await clients.findProviderMetadata(grant.clientId);
  // A client that is gone is refused by oidc-provider itself; nothing to narrow.
  if (metadata === undefined) return grant;
  const allowed = new Set(typeof metadata['scope'] === 'string' ? metadata['scope'].split(' ') : ['openid']);
  const scope = openid.scope.split(' ').filter((name) => allowed.has(name)).join(' ');
  return { ...grant, openid: { ...openid, scope } };
}
