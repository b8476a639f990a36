/**
 * An OAuth client, served to oidc-provider from this table so that an edit takes effect at once on
 * every instance (house-style §8). Secrets are stored only as SHA-256 hashes, several at a time
 * during a rotation's overlap window.
 */
import { defineEntity, p } from '@mikro-orm/core';

export interface StoredSecretHash {
  /** base64url SHA-256 of the secret (secrets are 256-bit random, so a fast hash suffices). */
  readonly hash: string;
  readonly createdAt: string;
  /** ISO time after which this secret stops working (set on the old secret by a rotation). */
  readonly expiresAt?: string;
}

export const ClientSchema = defineEntity({
  name: 'Client',
  tableName: 'clients',
  // Lookalikes (case, trailing slashes) are one key (issue 15 finding 8, migration 20261130043000).
  indexes: [{ name: 'clients__client_id_lookalike', expression: 'create unique index "clients__client_id_lookalike" on "clients" ((lower(rtrim("client_id", \'/\'))))' }],
  properties: {
    clientId: p.string().length(128).primary(),
    /** oidc-provider client metadata (snake_case, as registered), without any secret. */
    metadata: p.json<Record<string, unknown>>(),
    secretHashes: p.json<StoredSecretHash[]>(),
    /** resource server URI → space-separated scopes this client may obtain for it. */
    resourceScopes: p.json<Record<string, string>>(),
    defaultResource: p.string().length(512).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});

export class Client extends ClientSchema.class {}
ClientSchema.setClass(Client);
