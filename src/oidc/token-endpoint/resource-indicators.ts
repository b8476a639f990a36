/**
 * Resource indicators (RFC 8707) → RFC 9068 JWT access tokens: a client may obtain tokens only for
 * the resource servers it is registered for, with at most the scopes registered for it there.
 * Unknown and forbidden resources get the same invalid_target (no oracle for which exist).
 */
import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type { ClientRegistry } from '../../clients/client-registry.ts';
import type { ResourceServerRegistry } from '../../clients/resource-server-registry.ts';
import type { SigningAlgorithm } from '../../keys/signing-algorithms.ts';

export interface ResourceIndicatorDeps {
  readonly clients: Pick<ClientRegistry, 'findResourceAccess'>;
  readonly resourceServers: Pick<ResourceServerRegistry, 'find'>;
  /** The kid that currently signs for `alg` (changes on key rotation). */
  readonly activeKid: (alg: SigningAlgorithm) => string;
}

export function createResourceIndicators(deps: ResourceIndicatorDeps) {
  return {
    async getResourceServerInfo(_ctx: KoaContextWithOIDC, resource: string, client: { clientId: string }): Promise<ResourceServer> {
      const [access, server] = await Promise.all([deps.clients.findResourceAccess(client.clientId), deps.resourceServers.find(resource)]);
      const allowed = access?.resourceScopes[resource];
      if (server === null || allowed === undefined) {
        throw new errors.InvalidTarget('the requested resource is not available to this client');
      }
      const scope = allowed.filter((s) => server.scopes.includes(s)).join(' ');
      return {
        scope,
        audience: server.uri,
        accessTokenTTL: server.accessTokenTtl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: server.signingAlg, kid: deps.activeKid(server.signingAlg) } },
      };
    },

    async defaultResource(_ctx: KoaContextWithOIDC, client: { clientId: string }, oneOf?: readonly string[]): Promise<string | readonly string[] | undefined> {
      if (oneOf !== undefined) return oneOf;
      const access = await deps.clients.findResourceAccess(client.clientId);
      return access?.defaultResource;
    },
  };
}
