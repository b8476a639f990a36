/**
 * Resource servers (design.md §6 `resources add|list`): URI = access-token audience, offered
 * scopes, access-token TTL and signing algorithm. Used by the admin API, the CLI and oidc/.
 */
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { findLookalike, lookalikeConflict } from './lookalikes.ts';
import { queryRows, sql } from '../db/sql.ts';
import { parseOrThrow } from '../validation.ts';
import { SIGNING_ALGORITHMS } from '../keys/signing-algorithms.ts';
import { ResourceServer } from './resource-server.entity.ts';
import type { Clock } from '../clock.ts';
import { clockOption, createLookupCache } from '../lookup-cache.ts';

const Scopes = z.string().trim().max(1000).regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be space-separated scope tokens');
const Ttl = z.number().int().min(30).max(3600);

export const ResourceServerInput = z.object({
  uri: z.url({ protocol: /^https?$/ }).max(512),
  scopes: Scopes,
  accessTokenTtl: Ttl.default(600),
  signingAlg: z.enum(SIGNING_ALGORITHMS).default('ES256'),
});
export type ResourceServerInput = z.input<typeof ResourceServerInput>;

export const ResourceServerUpdate = z.strictObject({ scopes: Scopes.optional(), accessTokenTtl: Ttl.optional(), signingAlg: z.enum(SIGNING_ALGORITHMS).optional() });
export type ResourceServerUpdate = z.input<typeof ResourceServerUpdate>;

export interface ResourceServerView {
  readonly uri: string;
  readonly scopes: readonly string[];
  readonly accessTokenTtl: number;
  readonly signingAlg: (typeof SIGNING_ALGORITHMS)[number];
}

export interface ResourceServerRegistry {
  add(input: ResourceServerInput): Promise<ResourceServerView>;
  find(uri: string): Promise<ResourceServerView | null>;
  get(uri: string): Promise<ResourceServerView>;
  list(page?: { limit: number; cursor?: string | undefined }): Promise<ResourceServerView[]>;
  update(uri: string, changes: ResourceServerUpdate): Promise<ResourceServerView>;
  /** Refused while a client may still obtain tokens for it (`client.conflict`). */
  remove(uri: string): Promise<void>;
  /** Creates or resets a resource server wxbridge itself relies on (the admin API audience). */
  ensure(server: ResourceServerView): Promise<void>;
}

/** `cacheTtlMs`: reuse a read for this long (token requests read their resource server each time; docs/decisions/0012). */
export function createResourceServerRegistry(deps: { em: () => EntityManager; cacheTtlMs?: number; clock?: Clock }): ResourceServerRegistry {
  const cache = createLookupCache<ResourceServerView | null>({ ttlMs: deps.cacheTtlMs ?? 0, ...clockOption(deps.clock) });
  const read = async (uri: string): Promise<ResourceServerView | null> => {
    const row = await deps.em().fork().findOne(ResourceServer, { uri });
    return row === null ? null : Object.freeze(toView(row));
  };
  const find = (uri: string): Promise<ResourceServerView | null> => cache.get(uri, read);
  const get = async (uri: string): Promise<ResourceServerView> => {
    const server = await find(uri);
    if (server === null) throw new AppError('resource_server.not_found', `no resource server ${uri}`);
    return server;
  };
  return {
    find,
    get,
    async add(raw) {
      const input = parseOrThrow(ResourceServerInput, raw, 'client.invalid_metadata');
      const em = deps.em().fork();
      const lookalike = await findLookalike(em, 'resource_servers', input.uri);
      if (lookalike !== undefined) throw lookalikeConflict('resource server', input.uri, lookalike);
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
    async list(page) {
      const where = page?.cursor === undefined ? {} : { uri: { $gt: page.cursor } };
      const rows = await deps.em().fork().find(ResourceServer, where, { orderBy: { uri: 'asc' }, ...(page === undefined ? {} : { limit: page.limit }) });
      return rows.map(toView);
    },
    async update(uri, raw) {
      const changes = parseOrThrow(ResourceServerUpdate, raw, 'client.invalid_metadata');
      const em = deps.em().fork();
      const row = await em.findOne(ResourceServer, { uri });
      if (row === null) throw new AppError('resource_server.not_found', `no resource server ${uri}`);
      em.assign(row, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)));
      await em.flush();
      // This process reads its own change at once (the console shows the saved server right after saving).
      cache.delete(uri);
      return toView(row);
    },
    async remove(uri) {
      await get(uri);
      const [usage] = await queryRows<{ n: string }>(deps.em(), sql`select count(*)::text as n from clients where resource_scopes -> ${uri}::text is not null`);
      const users = Number(usage?.n ?? 0);
      if (users > 0) throw new AppError('client.conflict', `resource server ${uri} is still granted to ${users} client(s); remove it from them first`);
      await deps.em().fork().nativeDelete(ResourceServer, { uri });
      cache.delete(uri);
    },
    async ensure(server) {
      await deps.em().fork().upsert(ResourceServer, {
        uri: server.uri, scopes: server.scopes.join(' '), accessTokenTtl: server.accessTokenTtl, signingAlg: server.signingAlg,
        createdAt: new Date(), updatedAt: new Date(),
      }, { onConflictExcludeFields: ['createdAt'] });
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
