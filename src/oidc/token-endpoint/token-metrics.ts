/**
 * Token-endpoint requests counted by grant, client and outcome (design.md §9, issue 19 #1), from the
 * same oidc-provider events as the audit (token-audit.ts), so that every path is counted, failures
 * before a grant handler runs included. Labels stay bounded: the grant is one of a fixed list (the
 * grant_type parameter is attacker-controlled), the client is the id of a client the registry found
 * (an invented client_id is counted as `unknown`), the reason is an OAuth error code from a fixed list.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { WECHAT_GRANT_TYPE } from '../../clients/client-metadata.ts';
import { tokenFailureReason, type Metrics, type TokenGrant } from '../../metrics/metrics.ts';

const GRANTS: Readonly<Record<string, TokenGrant>> = {
  [WECHAT_GRANT_TYPE]: 'wechat_code',
  authorization_code: 'authorization_code',
  refresh_token: 'refresh_token',
  client_credentials: 'client_credentials',
};

/** The grant_type parameter as one of a fixed list (it is attacker-controlled: never a label or attribute verbatim). */
export function grantLabel(grantType: unknown): TokenGrant {
  return (typeof grantType === 'string' ? GRANTS[grantType] : undefined) ?? 'other';
}

const grantOf = (ctx: KoaContextWithOIDC): TokenGrant => grantLabel((ctx.oidc.params as Readonly<Record<string, unknown>> | undefined)?.['grant_type']);

/** ctx.oidc.client is set only once the registry found the client, so its id is always a registered one. */
const clientOf = (ctx: KoaContextWithOIDC): string | undefined => ctx.oidc.client?.clientId;

export function countTokenRequests(provider: Provider, deps: { metrics: Pick<Metrics, 'countTokenRequest'> }): void {
  provider.on('grant.success', (ctx) => {
    deps.metrics.countTokenRequest({ grant: grantOf(ctx), clientId: clientOf(ctx), reason: 'none' });
  });
  provider.on('grant.error', (ctx, error) => {
    deps.metrics.countTokenRequest({ grant: grantOf(ctx), clientId: clientOf(ctx), reason: tokenFailureReason(error) });
  });
  provider.on('server_error', (ctx, _error) => {
    if ((ctx as { oidc?: { route?: string } }).oidc?.route !== 'token') return;
    deps.metrics.countTokenRequest({ grant: grantOf(ctx), clientId: clientOf(ctx), reason: 'server_error' });
  });
}
