/**
 * One table for every oidc-provider model (Grant, RefreshToken, Session, …), as Logto's
 * oidc_model_instances: payload as jsonb plus the columns the adapter looks rows up by.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const OidcPayloadSchema = defineEntity({
  name: 'OidcPayload',
  tableName: 'oidc_payloads',
  // Partial: most rows leave these columns NULL (Grant rows have no grant_id; no token row has a uid or a
  // user_code), and a NULL is still an entry in a full btree index, maintained on every insert (issue 16).
  // Every lookup is `column = value`, which implies IS NOT NULL, so the planner still uses them.
  indexes: [
    { name: 'oidc_payloads__grant_id', expression: 'create index "oidc_payloads__grant_id" on "oidc_payloads" ("grant_id") where "grant_id" is not null' },
    { name: 'oidc_payloads__uid', expression: 'create index "oidc_payloads__uid" on "oidc_payloads" ("uid") where "uid" is not null' },
    { name: 'oidc_payloads__user_code', expression: 'create index "oidc_payloads__user_code" on "oidc_payloads" ("user_code") where "user_code" is not null' },
    // A person's and a client's grants, for sign-out everywhere and client removal (migrations 20261125000500, 20261125003000).
    { name: 'oidc_payloads__grant_account_id', expression: 'create index "oidc_payloads__grant_account_id" on "oidc_payloads" ((payload->>\'accountId\')) where model = \'Grant\'' },
    { name: 'oidc_payloads__grant_client_id', expression: 'create index "oidc_payloads__grant_client_id" on "oidc_payloads" ((payload->>\'clientId\')) where model = \'Grant\'' },
  ],
  properties: {
    model: p.string().length(64).primary(),
    id: p.string().length(255).primary(),
    payload: p.json<Record<string, unknown>>(),
    grantId: p.string().length(255).nullable(),
    uid: p.string().length(255).nullable(),
    userCode: p.string().length(255).nullable(),
    expiresAt: p.datetime().nullable().index('oidc_payloads__expires_at'),
    consumedAt: p.datetime().nullable(),
  },
});

export class OidcPayload extends OidcPayloadSchema.class {}
OidcPayloadSchema.setClass(OidcPayload);
