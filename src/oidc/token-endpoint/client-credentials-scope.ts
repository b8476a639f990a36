/**
 * A client_credentials request for a scope the client may not have is refused with invalid_scope
 * (issue #15 finding 8), as the WeChat grant does (grant-scope.ts). oidc-provider checks only its
 * static OIDC scopes against the client's metadata and then silently drops every scope the resource
 * server does not grant (lib/actions/grants/client_credentials.js), so `scope=admin` on a service
 * client came back as a token without it. RFC 6749 §5.2 lets the server answer invalid_scope; a
 * caller that asked for a scope learns it was refused instead of failing later at the API.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ResourceServerInfo } from './refresh-resource-check.ts';
import { refusedScopeError } from './refused-scope.ts';

export type DefaultResource = (ctx: KoaContextWithOIDC, client: { clientId: string }) => Promise<string | readonly string[] | undefined>;

export function checkClientCredentialsScope(resourceServerInfo: ResourceServerInfo, defaultResource: DefaultResource): (ctx: KoaContextWithOIDC) => Promise<void> {
  return async (ctx) => {
    const { params, client } = ctx.oidc;
    if (params?.['grant_type'] !== 'client_credentials' || client === undefined) return;
    const requestedScope = params['scope'];
    if (typeof requestedScope !== 'string') return;
    const requested = [...new Set(requestedScope.split(' ').filter((scope) => scope !== ''))];
    if (requested.length === 0) return;
    const requestedResource = params['resource'];
    // Several resources are the library's to refuse (one resource per client_credentials token).
    if (Array.isArray(requestedResource)) return;
    const resource = typeof requestedResource === 'string' ? requestedResource : await defaultResource(ctx, client);
    if (resource !== undefined && typeof resource !== 'string') return;
    // Unknown or forbidden resources throw the same invalid_target the library would.
    const allowed = resource === undefined ? [] : (await resourceServerInfo(ctx, resource, client)).scope.split(' ');
    const refused = requested.filter((scope) => !allowed.includes(scope));
    if (refused.length > 0) {
      throw refusedScopeError();
    }
  };
}
