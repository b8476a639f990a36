/**
 * Client registration and lookup (design.md §6), one implementation for the admin API, the CLI and
 * oidc-provider's Client model: metadata validated with zod, resources checked against the
 * registered resource servers, secrets generated here and stored only as hashes.
 */
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { findLookalike, lookalikeConflict } from './lookalikes.ts';
import { AppError } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import { Client, type StoredSecretHash } from './client.entity.ts';
import { ClientInput, toProviderMetadata } from './client-metadata.ts';
import { generateClientSecret, hashClientSecret, matchesSecret } from './client-secrets.ts';
import { createClientAdministration, type ClientAdministration } from './client-administration.ts';
import { checkClientReferences } from './client-references.ts';
import type { Clock } from '../clock.ts';
import { clockOption, createLookupCache } from '../lookup-cache.ts';
import type { ResourceServerRegistry } from './resource-server-registry.ts';

export interface RegisteredClient {
  readonly clientId: string;
  /** Present only for confidential clients, only in this response: it is never shown again. */
  readonly clientSecret?: string;
}

export interface ResourceAccess {
  /** resource URI → scopes this client may obtain for it */
  readonly resourceScopes: Readonly<Record<string, readonly string[]>>;
  readonly defaultResource: string | undefined;
}

export interface ClientRegistry extends ClientAdministration {
  register(input: ClientInput): Promise<RegisteredClient>;
  findProviderMetadata(clientId: string): Promise<Record<string, unknown> | undefined>;
  verifySecret(clientId: string, presented: string): Promise<boolean>;
  findResourceAccess(clientId: string): Promise<ResourceAccess | null>;
}

export interface ClientRegistryDeps {
  readonly em: () => EntityManager;
  readonly resourceServers: ResourceServerRegistry;
  readonly clock?: Clock;
  /** Reuse a client read for this long (the token endpoint reads it several times per request; docs/decisions/0012). */
  readonly cacheTtlMs?: number;
}

/** What the token endpoint needs of a stored client: a plain snapshot, shared by the cache's readers (never mutated). */
interface ClientSnapshot {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly secretHashes: readonly StoredSecretHash[];
  readonly resourceAccess: ResourceAccess;
}

export function createClientRegistry(deps: ClientRegistryDeps): ClientRegistry {
  const now = (): Date => new Date(deps.clock?.now() ?? Date.now());
  const cache = createLookupCache<ClientSnapshot | null>({ ttlMs: deps.cacheTtlMs ?? 0, ...clockOption(deps.clock) });
  const read = async (clientId: string): Promise<ClientSnapshot | null> => {
    const client = await deps.em().fork().findOne(Client, { clientId });
    return client === null ? null : toSnapshot(client);
  };
  const load = (clientId: string): Promise<ClientSnapshot | null> => cache.get(clientId, read);

  return {
    ...createClientAdministration({ em: deps.em, resourceServers: deps.resourceServers, now }),

    async register(raw) {
      const input = parseOrThrow(ClientInput, raw, 'client.invalid_metadata');
      const em = deps.em().fork();
      await checkClientReferences(input, { resourceServers: deps.resourceServers, em });
      const lookalike = await findLookalike(em, 'clients', input.clientId);
      if (lookalike !== undefined) throw lookalikeConflict('client', input.clientId, lookalike);
      // Confidential kinds get a secret (shown once); mini-programs and single-page apps are public.
      const secret = input.type === 'service' || input.type === 'web' ? generateClientSecret() : undefined;
      const secretHashes: StoredSecretHash[] = secret === undefined ? [] : [{ hash: hashClientSecret(secret), createdAt: now().toISOString() }];
      em.create(Client, {
        clientId: input.clientId,
        metadata: toProviderMetadata(input),
        secretHashes,
        resourceScopes: input.resources,
        defaultResource: input.defaultResource ?? null,
        createdAt: now(),
        updatedAt: now(),
      });
      try {
        await em.flush();
      } catch (error) {
        if (error instanceof UniqueConstraintViolationException) {
          throw new AppError('client.conflict', `client ${input.clientId} already exists`, { cause: error });
        }
        throw error;
      }
      return secret === undefined ? { clientId: input.clientId } : { clientId: input.clientId, clientSecret: secret };
    },

    async findProviderMetadata(clientId) {
      const client = await load(clientId);
      if (client === null) return undefined;
      // A copy per caller: oidc-provider owns the object it is given.
      const metadata = structuredClone(client.metadata) as Record<string, unknown>;
      if (client.secretHashes.length === 0) return metadata;
      // oidc-provider requires a client_secret for secret-based auth; we hand it the hash set, and
      // the seam replaces its comparison with matchesSecret (src/oidc/oidc-provider-seam.ts).
      return { ...metadata, client_secret: `hashed:${client.secretHashes.map((s) => s.hash).join(',')}` };
    },

    async verifySecret(clientId, presented) {
      const client = await load(clientId);
      return client !== null && matchesSecret(client.secretHashes, presented, now());
    },

    async findResourceAccess(clientId) {
      return (await load(clientId))?.resourceAccess ?? null;
    },
  };
}

function toSnapshot(client: Client): ClientSnapshot {
  const resourceScopes = Object.fromEntries(Object.entries(client.resourceScopes).map(([uri, scopes]) => [uri, Object.freeze(scopes === '' ? [] : scopes.split(' '))]));
  return Object.freeze({
    metadata: client.metadata,
    secretHashes: client.secretHashes,
    resourceAccess: Object.freeze({ resourceScopes: Object.freeze(resourceScopes), defaultResource: client.defaultResource ?? undefined }),
  });
}
