/**
 * A refresh's target resource is checked before oidc-provider spends the refresh token (issue #15
 * finding 4). The library rotates (consumes) the token first and resolves the resource afterwards
 * (lib/actions/grants/refresh_token.js), so an invalid_target, or a database hiccup in the resource
 * lookup, left the token spent and the user's next refresh counted as reuse (RFC 9700 §4.14.2), which
 * revokes the grant. Here the same rules run first — the resource the token was granted (RFC 8707
 * §2.2) and the client's current access to it — so a refused or failed lookup costs nothing; the
 * library's own lookup that follows is served by the lookup cache.
 */
import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import type Provider from 'oidc-provider';

export type ResourceServerInfo = (ctx: KoaContextWithOIDC, resource: string, client: { clientId: string }) => Promise<ResourceServer>;

export function checkRefreshResourceFirst(provider: Provider, resourceServerInfo: ResourceServerInfo): (ctx: KoaContextWithOIDC) => Promise<void> {
  return async (ctx) => {
    const { params, client } = ctx.oidc;
    if (params?.['grant_type'] !== 'refresh_token' || client === undefined) return;
    const presented = params['refresh_token'];
    if (typeof presented !== 'string' || presented === '') return;
    const requested = params['resource'];
    if (Array.isArray(requested)) throw new errors.InvalidTarget('only a single resource indicator value must be requested/resolved during Access Token Request');
    const refreshToken = await provider.RefreshToken.find(presented);
    // Unknown, expired, foreign or consumed tokens are the handler's to refuse (invalid_grant, reuse detection).
    if (refreshToken === undefined || refreshToken.clientId !== client.clientId || refreshToken.consumed !== undefined) return;
    // With useGrantedResource (configuration.ts) the granted resource applies when none is requested.
    const resource = typeof requested === 'string' ? requested : typeof refreshToken.resource === 'string' ? refreshToken.resource : undefined;
    if (resource === undefined) return;
    if (!refreshToken.resourceIndicators.has(resource)) throw new errors.InvalidTarget();
    await resourceServerInfo(ctx, resource, client);
  };
}
