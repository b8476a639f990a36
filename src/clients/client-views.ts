/** What the admin API and the CLI show of a client: everything but its secrets (test-catalogue A-02). */
import type { Client } from './client.entity.ts';
import { toClientInput } from './client-metadata.ts';

export interface ClientView {
  readonly clientId: string;
  readonly type: 'miniprogram' | 'service' | 'web' | 'spa';
  /** Browser clients (web, spa): their display name, exact redirect URIs and whether consent is skipped. */
  readonly name: string | null;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly firstParty: boolean;
  /** Browser clients: the mini-program whose code their sign-in page shows (null: the first by appid). */
  readonly scanAppId: string | null;
  readonly wechatAppId: string | null;
  /** OIDC scopes (mini-program and browser clients); API scopes are per resource in `resources`. */
  readonly scope: string | null;
  readonly resources: Readonly<Record<string, string>>;
  readonly defaultResource: string | null;
  /** When each live client secret was issued and when it stops working (during a rotation). */
  readonly credentials: readonly { createdAt: string; expiresAt: string | null }[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function toClientView(row: Client, now: Date): ClientView {
  const input = toClientInput(row);
  return {
    clientId: row.clientId,
    type: input.type,
    wechatAppId: input.type === 'miniprogram' ? input.wechatAppId : null,
    scope: input.type === 'service' ? null : input.scope,
    name: input.type === 'web' || input.type === 'spa' ? (input.name ?? null) : null,
    redirectUris: input.type === 'web' || input.type === 'spa' ? input.redirectUris : [],
    postLogoutRedirectUris: input.type === 'web' || input.type === 'spa' ? input.postLogoutRedirectUris : [],
    firstParty: (input.type === 'web' || input.type === 'spa') && input.firstParty,
    scanAppId: input.type === 'web' || input.type === 'spa' ? (input.scanAppId ?? null) : null,
    resources: row.resourceScopes,
    defaultResource: row.defaultResource ?? null,
    credentials: row.secretHashes
      .filter((secret) => secret.expiresAt === undefined || new Date(secret.expiresAt) > now)
      .map((secret) => ({ createdAt: secret.createdAt, expiresAt: secret.expiresAt ?? null })),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
