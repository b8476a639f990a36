/**
 * Bearer access tokens for wxbridge's own user endpoints (/me/*, docs/decisions/0007): the opaque
 * access tokens oidc-provider issues for userinfo, checked as its userinfo endpoint checks them —
 * stored and unexpired, no audience (a JWT access token belongs to a resource server and is never
 * stored, so it is not found), not sender-constrained, a live grant of the same client and account.
 * Everything that knows oidc-provider stays here; the routes get a plain caller.
 */
import type Provider from 'oidc-provider';
import { clientWeChatAppId } from './client-metadata-access.ts';

export interface BearerCaller {
  readonly accountId: string;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  /** The WeChat app the client is bound to (`wechat_appid` metadata), if any. */
  readonly wechatAppId: string | undefined;
}

/** The caller behind `token`, or null for any token wxbridge would not accept at userinfo. */
export type AuthenticateBearer = (token: string) => Promise<BearerCaller | null>;

export function createBearerAuthenticator(provider: Provider): AuthenticateBearer {
  return async (token) => {
    const accessToken = await provider.AccessToken.find(token);
    if (accessToken === undefined || accessToken.isSenderConstrained()) return null;
    // Same rule as oidc-provider's userinfo (lib/actions/userinfo.js validateAudience).
    if ((accessToken as { aud?: unknown }).aud !== undefined) return null;
    const { accountId, clientId, grantId } = accessToken;
    if (clientId === undefined) return null;
    const [client, grant] = await Promise.all([provider.Client.find(clientId), provider.Grant.find(grantId)]);
    if (client === undefined || grant === undefined) return null;
    if (grant.clientId !== clientId || grant.accountId !== accountId) return null;
    // The grant is loaded narrowed to the client's current scopes (grant-narrowing.ts): a token issued
    // before an admin removed a scope carries it, but no longer opens what it guards (issue #15 finding 3).
    const granted = new Set(grant.getOIDCScope().split(' '));
    const scopes = new Set([...accessToken.scopes].filter((scope) => granted.has(scope)));
    return { accountId, clientId, scopes, wechatAppId: clientWeChatAppId(client) };
  };
}
