/**
 * The WeChat login grant `urn:wxbridge:params:oauth:grant-type:wechat-code` (design.md §1): a
 * wx.login() code becomes an ID token, a JWT access token and, with offline_access, a refresh
 * token, backed by a stored Grant so that refresh works.
 */
import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { WeChatSignIn } from '../../accounts/wechat-sign-in.ts';
import type { ClientRegistry } from '../../clients/client-registry.ts';
import { WECHAT_GRANT_TYPE } from '../../clients/client-metadata.ts';
import type { Logger } from '../../logger.ts';
import { clientWeChatAppId } from '../client-metadata-access.ts';
import { createTokenIssuer } from '../oidc-provider-seam.ts';
import { resolveLoginScope } from './grant-scope.ts';
import { toOAuthError } from './wechat-grant-errors.ts';
import type { LoginAccountMemo } from './login-account-memo.ts';
import type { FailedCodeLimit } from './rate-limit-guards.ts';

export const WECHAT_GRANT_PARAMETERS = ['code', 'scope', 'resource', 'phone_code'] as const;

/** WeChat codes are 32 characters; anything not code-shaped is refused without calling WeChat (W-07). */
const CODE_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The optional `phone_code` (design.md §1, wechat-api §5.1), checked before any WeChat call. An empty
 * value counts as omitted (RFC 6749 §3.1). It needs the `phone` scope: a number stored for a client that
 * may not read it would only cost a paid phone code.
 */
function phoneCodeParam(value: string | undefined, oidcScopes: readonly string[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!CODE_SHAPE.test(value)) throw new errors.InvalidRequest("'phone_code' is not a WeChat phone code");
  if (!oidcScopes.includes('phone')) throw new errors.InvalidRequest("'phone_code' requires the phone scope");
  return value;
}

export interface WeChatGrantDeps {
  readonly signIn: WeChatSignIn;
  readonly clients: Pick<ClientRegistry, 'findResourceAccess'>;
  readonly logger: Logger;
  /** Hands the signed-in account to findAccount for the rest of the request (one SELECT fewer). */
  readonly signedIn?: Pick<LoginAccountMemo, 'remember'>;
  /** WeChat apps whose logins are refused before WeChat is called, with the description to answer. */
  readonly dormantApps?: ReadonlyMap<string, string>;
  /** Failed code exchanges per address and client (issue #15 finding 7a); absent: not limited. */
  readonly failedCodes?: FailedCodeLimit;
}

/** WeChat refused a code the caller made up, replayed or let expire: what the failed-code limit counts. */
const REFUSED_CODES = new Set(['wechat.code_invalid', 'phone.code_invalid']);

export function registerWeChatGrant(provider: Provider, deps: WeChatGrantDeps): void {
  const issueTokens = createTokenIssuer(provider);

  const handler = async (ctx: KoaContextWithOIDC): Promise<void> => {
    const params = ctx.oidc.params as Record<string, string | undefined>;
    const client = ctx.oidc.client;
    if (client === undefined) throw new errors.InvalidClient();
    const code = params['code'];
    if (code === undefined || code === '') throw new errors.InvalidRequest("missing required parameter 'code'");
    if (!CODE_SHAPE.test(code)) throw new errors.InvalidRequest("'code' is not a WeChat login code");
    const appId = clientWeChatAppId(client);
    if (appId === undefined) throw new errors.UnauthorizedClient('client is not bound to a WeChat app');
    const dormant = deps.dormantApps?.get(appId);
    if (dormant !== undefined) throw new errors.UnauthorizedClient(dormant);
    const access = await deps.clients.findResourceAccess(client.clientId);
    if (access === null) throw new errors.InvalidClient();
    const scope = resolveLoginScope({ requestedScope: params['scope'], requestedResource: params['resource'], clientScope: client.scope, access });

    const phoneCode = phoneCodeParam(params['phone_code'], scope.oidcScopes);

    deps.failedCodes?.before(ctx, client.clientId);
    const result = await deps.signIn.signIn({ appId, code, phoneCode, clientId: client.clientId }).catch(async (error: unknown) => {
      const reason = (error as { code?: string }).code;
      if (reason !== undefined && REFUSED_CODES.has(reason)) await deps.failedCodes?.failed(ctx, client.clientId);
      deps.logger.info({ event: 'login', outcome: 'failed', clientId: client.clientId, reason: (error as { code?: string }).code }, 'WeChat login failed');
      throw toOAuthError(error, ctx, deps.logger);
    });

    deps.signedIn?.remember(ctx, result.account);
    const grant = new provider.Grant({ accountId: result.account.id, clientId: client.clientId });
    grant.addOIDCScope(scope.oidcScopes.join(' '));
    if (scope.resource !== undefined) grant.addResourceScope(scope.resource, scope.resourceScopes.join(' '));
    const grantId = await grant.save();
    const scopes = [...scope.oidcScopes, ...scope.resourceScopes];
    await issueTokens(ctx, {
      accountId: result.account.id,
      grantId,
      scope: scopes.join(' '),
      scopes: new Set(scopes),
      resource: scope.resource,
      resourceIndicators: new Set(scope.resource === undefined ? [] : [scope.resource]),
      authTime: Math.floor(Date.now() / 1000),
      expiresWithSession: false,
    }, grant, WECHAT_GRANT_TYPE);
    deps.logger.info({ event: 'login', outcome: 'ok', clientId: client.clientId, sub: result.account.id, created: result.created, phoneVerified: phoneCode !== undefined }, 'WeChat login');
  };

  provider.registerGrantType(WECHAT_GRANT_TYPE, handler, [...WECHAT_GRANT_PARAMETERS]);
}
