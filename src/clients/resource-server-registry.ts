/**
 * Resource servers (design.md §6 `resources add`): URI = access-token audience, offered scopes,
 * access-token TTL and signing algorithm. Used by the admin API, the CLI and oidc/.
 */
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import { SIGNING_ALGORITHMS } from '../keys/signing-algorithms.ts';
import { ResourceServer } from './resource-server.entity.ts';

export const ResourceServerInput = z.object({
  uri: z.url({ protocol: /^https?$/ }).max(512),
  scopes: z.string().trim().regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be space-separated scope tokens'),
  accessTokenTtl: z.number().int().min(30).max(3600).default(600),
  signingAlg: z.enum(SIGNING_ALGORITHMS).default('ES256'),
});
export type ResourceServerInput = z.input<typeof ResourceServerInput>;

export interface ResourceServerView {
  readonly uri: string;
  readonly scopes: readonly string[];
  readonly accessTokenTtl: number;
  readonly signingAlg: (typeof SIGNING_ALGORITHMS)[number];
}

export interface ResourceServerRegistry {
  add(input: ResourceServerInput): Promise<ResourceServerView>;
  find(uri: string): Promise<ResourceServerView | null>;
  list(): Promise<ResourceServerView[]>;
}

export function createResourceServerRegistry(deps: { em: () => EntityManager }): ResourceServerRegistry {
  return {
    async add(raw) {
      const input = parseOrThrow(ResourceServerInput, raw, 'client.invalid_metadata');
      const em = deps.em().fork();
      em.create(ResourceServer, { ...input, createdAt: new Date(), updatedAt: new Date() });
      try {
        await em.flush();
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) {
          throw new AppError('client.conflict', `resource server ${input.uri} already exists`, { cause: error });
        }
        throw error;
      }
      return { ...input, scopes: input.scopes.split(' ') };
    },
    async find(uri) {
      const row = await deps.em().fork().findOne(ResourceServer, { uri });
      return row === null ? null : toView(row);
    },
    async list() {
      const rows = await deps.em().fork().find(ResourceServer, {}, { orderBy: { uri: 'asc' } });
      return rows.map(toView);
    },
  };
}

function toView(row: ResourceServer): ResourceServerView {
  return {
    uri: row.uri,
    scopes: row.scopes.split(' '),
    accessTokenTtl: row.accessTokenTtl,
    signingAlg: row.signingAlg as ResourceServerView['signingAlg'],
  };
}
