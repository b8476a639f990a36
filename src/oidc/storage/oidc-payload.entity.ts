/**
 * One table for every oidc-provider model (Grant, RefreshToken, Session, …), as Logto's
 * oidc_model_instances: payload as jsonb plus the columns the adapter looks rows up by.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const OidcPayloadSchema = defineEntity({
  name: 'OidcPayload',
  tableName: 'oidc_payloads',
  properties: {
    model: p.string().length(64).primary(),
    id: p.string().length(255).primary(),
    payload: p.json<Record<string, unknown>>(),
    grantId: p.string().length(255).nullable().index('oidc_payloads__grant_id'),
    uid: p.string().length(255).nullable().index('oidc_payloads__uid'),
    userCode: p.string().length(255).nullable().index('oidc_payloads__user_code'),
    expiresAt: p.datetime().nullable().index('oidc_payloads__expires_at'),
    consumedAt: p.datetime().nullable(),
  },
});

export class OidcPayload extends OidcPayloadSchema.class {}
OidcPayloadSchema.setClass(OidcPayload);
