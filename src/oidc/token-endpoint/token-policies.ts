/**
 * Who may introspect or revoke a token (design.md §5, test-catalogue V-02, V-07): only the client
 * the token was issued to. oidc-provider's default lets any confidential client introspect any token.
 */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

interface TokenLike { readonly clientId?: string | undefined }
interface ClientLike { readonly clientId: string; readonly clientAuthMethod?: string | undefined }

export function introspectionAllowed(_ctx: KoaContextWithOIDC, client: ClientLike, token: TokenLike): boolean {
  return token.clientId === client.clientId;
}

export function revocationAllowed(_ctx: KoaContextWithOIDC, client: ClientLike, token: TokenLike): boolean {
  if (token.clientId === client.clientId) return true;
  // A public caller learns nothing either way (RFC 7009 §2.2: answer 200, revoke nothing).
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
}
