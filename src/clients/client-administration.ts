/**
 * Editing registered clients (design.md §6 `clients list|rotate-secret|remove`, PATCH in the admin
 * API). Edits are whole-record rewrites guarded by the `version` column: a stale version, or a
 * concurrent edit that wins the race, is a `client.conflict` — never a half-merged record.
 */
import { OptimisticLockError, type EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import { Client } from './client.entity.ts';
import { ClientInput, ClientUpdateInput, toClientInput, toProviderMetadata } from './client-metadata.ts';
import { generateClientSecret, hashClientSecret } from './client-secrets.ts';
import { toClientView, type ClientView } from './client-views.ts';
import { checkClientReferences } from './client-references.ts';
import type { ResourceServerRegistry } from './resource-server-registry.ts';

export const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 3600;
const Overlap = z.number().int().min(0).max(30 * 24 * 3600);

export interface ClientPage { readonly items: ClientView[]; readonly nextCursor: string | null }
export interface RotatedSecret { readonly clientId: string; readonly clientSecret: string; readonly previousSecretsExpireAt: string | null }

export interface ClientAdministrationDeps {
  readonly em: () => EntityManager;
  readonly resourceServers: Pick<ResourceServerRegistry, 'find'>;
  readonly now: () => Date;
}

export function createClientAdministration(deps: ClientAdministrationDeps) {
  const { now } = deps;

  /** Loads, checks the version, applies `change`, and flushes with the ORM's version check. */
  async function edit(clientId: string, expectedVersion: number | undefined, change: (row: Client, em: EntityManager) => Promise<void>): Promise<Client> {
    const em = deps.em().fork();
    const row = await em.findOne(Client, { clientId });
    if (row === null) throw new AppError('client.not_found', `no client ${clientId}`);
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw staleVersion(clientId, row.version);
    await change(row, em);
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof OptimisticLockError) throw new AppError('client.conflict', `client ${clientId} was changed concurrently; read it again and retry`, { cause: error });
      throw error;
    }
    return row;
  }

  return {
    async list(page: { limit: number; cursor?: string | undefined }): Promise<ClientPage> {
      const rows = await deps.em().fork().find(Client, page.cursor === undefined ? {} : { clientId: { $gt: page.cursor } }, { orderBy: { clientId: 'asc' }, limit: page.limit + 1 });
      const items = rows.slice(0, page.limit).map((row) => toClientView(row, now()));
      return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.clientId ?? null) : null };
    },

    async show(clientId: string): Promise<ClientView> {
      const row = await deps.em().fork().findOne(Client, { clientId });
      if (row === null) throw new AppError('client.not_found', `no client ${clientId}`);
      return toClientView(row, now());
    },

    async update(clientId: string, raw: ClientUpdateInput): Promise<ClientView> {
      const patch = parseOrThrow(ClientUpdateInput, raw, 'client.invalid_metadata');
      const row = await edit(clientId, patch.version, async (client, em) => {
        const current = toClientInput(client);
        if (current.type === 'service' && patch.scope !== undefined) {
          throw new AppError('client.invalid_metadata', 'scope: a service client has no OIDC scopes; give it API scopes through resources');
        }
        const { defaultResource: currentDefault, ...rest } = current;
        const nextDefault = patch.defaultResource === undefined ? currentDefault : (patch.defaultResource ?? undefined);
        const next = parseOrThrow(ClientInput, {
          ...rest,
          ...(patch.scope === undefined ? {} : { scope: patch.scope }),
          ...(patch.resources === undefined ? {} : { resources: patch.resources }),
          ...(nextDefault === undefined ? {} : { defaultResource: nextDefault }),
        }, 'client.invalid_metadata');
        await checkClientReferences(next, { resourceServers: deps.resourceServers, em });
        client.metadata = toProviderMetadata(next);
        client.resourceScopes = next.resources;
        client.defaultResource = next.defaultResource ?? null;
      });
      return toClientView(row, now());
    },

    async rotateSecret(clientId: string, options: { overlapSeconds?: number | undefined } = {}): Promise<RotatedSecret> {
      const overlap = parseOrThrow(Overlap, options.overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS, 'request.invalid');
      const secret = generateClientSecret();
      const at = now();
      const until = new Date(at.getTime() + overlap * 1000).toISOString();
      const row = await edit(clientId, undefined, (client) => {
        if (client.secretHashes.length === 0) return Promise.reject(new AppError('client.invalid_metadata', `client ${clientId} is public and has no secret`));
        // The previous secrets keep working until the overlap ends (never longer than they already would).
        const previous = client.secretHashes
          .filter((s) => s.expiresAt === undefined || new Date(s.expiresAt) > at)
          .map((s) => ({ ...s, expiresAt: s.expiresAt !== undefined && s.expiresAt < until ? s.expiresAt : until }));
        client.secretHashes = [...previous, { hash: hashClientSecret(secret), createdAt: at.toISOString() }];
        return Promise.resolve();
      });
      const expiries = row.secretHashes.map((s) => s.expiresAt).filter((e): e is string => e !== undefined);
      return { clientId, clientSecret: secret, previousSecretsExpireAt: expiries.length === 0 ? null : expiries.sort().at(-1) ?? null };
    },

    async remove(clientId: string): Promise<void> {
      const removed = await deps.em().fork().nativeDelete(Client, { clientId });
      if (removed === 0) throw new AppError('client.not_found', `no client ${clientId}`);
    },
  };
}

function staleVersion(clientId: string, current: number): AppError {
  return new AppError('client.conflict', `client ${clientId} is at version ${current}, not the version you edited; read it again and retry`);
}

export type ClientAdministration = ReturnType<typeof createClientAdministration>;
