/** What the admin API and the CLI show of a client: everything but its secrets (test-catalogue A-02). */
import type { Client } from './client.entity.ts';
import { toClientInput } from './client-metadata.ts';

export interface ClientView {
  readonly clientId: string;
  readonly type: 'miniprogram' | 'service';
  readonly wechatAppId: string | null;
  /** OIDC scopes (mini-program clients); API scopes are per resource in `resources`. */
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
    scope: input.type === 'miniprogram' ? input.scope : null,
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
