/**
 * Audit of every token-endpoint outcome (design.md §6, issue #4): WeChat logins, refreshes and
 * client_credentials, successes and failures, with client, account and IP. One listener on
 * oidc-provider's own events covers every path, including failures before a grant handler runs
 * (client authentication, bad parameters). The insert is not awaited by the request: a slow or
 * failing audit write never delays or fails a login (src/audit/audit-log.ts logs its failures).
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuditLog } from '../../audit/audit-log.ts';
import { WECHAT_GRANT_TYPE } from '../../clients/client-metadata.ts';

/** Fixed action names: the grant_type parameter is attacker-controlled and never stored verbatim. */
const ACTIONS: Readonly<Record<string, string>> = {
  [WECHAT_GRANT_TYPE]: 'login.wechat',
  // A browser sign-in's code exchange is a login too (the console's Overview counts `login.*`, issue 14).
  authorization_code: 'login.authorization_code',
  refresh_token: 'token.refresh',
  client_credentials: 'token.client_credentials',
};

interface TokenEventContext {
  readonly ip: string;
  readonly oidc: {
    readonly params?: Readonly<Record<string, unknown>> | undefined;
    readonly client?: { readonly clientId: string } | undefined;
    readonly account?: { readonly accountId: string } | undefined;
    readonly entities: Readonly<Record<string, unknown>>;
  };
}

function summarise(ctx: TokenEventContext) {
  const grantType = ctx.oidc.params?.['grant_type'];
  const requestedClient = ctx.oidc.params?.['client_id'];
  const clientId = ctx.oidc.client?.clientId ?? (typeof requestedClient === 'string' ? requestedClient.slice(0, 128) : null);
  const refreshToken = ctx.oidc.entities['RefreshToken'] as { accountId?: string } | undefined;
  return {
    action: (typeof grantType === 'string' ? ACTIONS[grantType] : undefined) ?? 'token.other',
    actor: clientId ?? 'anonymous',
    clientId,
    accountId: ctx.oidc.account?.accountId ?? refreshToken?.accountId ?? null,
    ip: ctx.ip,
  };
}

export function auditTokenEndpoint(provider: Provider, deps: { audit: Pick<AuditLog, 'record'> }): void {
  const failure = (ctx: KoaContextWithOIDC, error: unknown): void => {
    const reason = (error as { error?: unknown }).error;
    void deps.audit.record({ ...summarise(ctx), outcome: 'failure', reason: typeof reason === 'string' ? reason.slice(0, 128) : 'server_error' });
  };
  provider.on('grant.success', (ctx) => {
    void deps.audit.record({ ...summarise(ctx), outcome: 'success' });
  });
  provider.on('grant.error', failure);
  provider.on('server_error', (ctx, error) => {
    if ((ctx as { oidc?: { route?: string } }).oidc?.route === 'token') failure(ctx, error);
  });
}

/** A token request refused before the provider saw it (src/oidc/unstorable-parameters.ts): audited as a failure. */
export function auditRefusedTokenRequest(audit: Pick<AuditLog, 'record'>, request: { ip: string; params: Readonly<Record<string, unknown>> }, reason: string): void {
  const grantType = request.params['grant_type'];
  const requestedClient = request.params['client_id'];
  const clientId = typeof requestedClient === 'string' ? requestedClient.slice(0, 128) : null;
  void audit.record({
    action: (typeof grantType === 'string' ? ACTIONS[grantType] : undefined) ?? 'token.other',
    actor: clientId ?? 'anonymous', clientId, accountId: null, ip: request.ip, outcome: 'failure', reason,
  });
}
