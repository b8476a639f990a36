/**
 * A JWS signing key (design.md §5): public JWK in the clear, private JWK encrypted with the master
 * key. `activatesAt` is when it starts signing (published before), `retiresAt` when it stops
 * signing, `removeAfter` when it leaves the JWKS (after every token it signed has expired).
 */
import { defineEntity, p } from '@mikro-orm/core';

export const SigningKeySchema = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    kid: p.string().length(64).primary(),
    alg: p.string().length(16),
    publicJwk: p.json<Record<string, unknown>>(),
    privateJwkCiphertext: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    activatesAt: p.datetime(),
    retiresAt: p.datetime().nullable(),
    removeAfter: p.datetime().nullable(),
  },
});

export class SigningKey extends SigningKeySchema.class {}
SigningKeySchema.setClass(SigningKey);
