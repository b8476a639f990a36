/**
 * A resource server (RFC 8707 resource indicator → RFC 9068 JWT access tokens): its URI is the
 * token audience; it offers scopes and sets the access-token TTL and signing algorithm.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const ResourceServerSchema = defineEntity({
  name: 'ResourceServer',
  tableName: 'resource_servers',
  // Lookalikes (case, trailing slashes) are one key (issue 15 finding 8, migration 20261130043000).
  indexes: [{ name: 'resource_servers__uri_lookalike', expression: 'create unique index "resource_servers__uri_lookalike" on "resource_servers" ((lower(rtrim("uri", \'/\'))))' }],
  properties: {
    uri: p.string().length(512).primary(),
    /** Space-separated scopes this resource server offers. */
    scopes: p.text(),
    accessTokenTtl: p.integer(),
    signingAlg: p.string().length(16),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class ResourceServer extends ResourceServerSchema.class {}
ResourceServerSchema.setClass(ResourceServer);
