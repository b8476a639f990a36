/**
 * The admin API is a resource server like any other (design.md §6): its audience is
 * `<issuer>/admin/v1`, its one scope `admin`, and its tokens are wxbridge's own client_credentials
 * JWT access tokens. wxbridge creates that resource server itself (at start, and on `clients add --admin`).
 */
import type { Config } from '../config.ts';
import type { ResourceServerView } from '../clients/resource-server-registry.ts';

export const ADMIN_SCOPE = 'admin';
export const ADMIN_API_PREFIX = '/admin/v1';

export function adminAudienceOf(issuer: string): string {
  return `${issuer}${ADMIN_API_PREFIX}`;
}

export function adminResourceServer(issuer: string, config: Pick<Config, 'admin'>): ResourceServerView {
  return { uri: adminAudienceOf(issuer), scopes: [ADMIN_SCOPE], accessTokenTtl: config.admin.tokenTtl, signingAlg: 'ES256' };
}
