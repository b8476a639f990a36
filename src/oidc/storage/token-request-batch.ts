/**
 * One token request's oidc_payloads work in as few round trips as its guarantees allow (issue 16):
 * while a grant handler runs (oidc.ts wraps every handler in `run`), the adapter
 *
 * - holds its upserts (a login's Grant, refresh token and opaque access token) and writes them in one
 *   multi-row statement when the handler returns, before oidc-provider sends the answer that names them;
 * - holds a consume (the refresh token a rotation spends, an authorization code) and writes it in the same
 *   statement as those rows, which are written only if this request consumed the token. A request that lost
 *   the race writes nothing, revokes the grant and answers invalid_grant, exactly as an immediate consume
 *   would (design.md §5, docs/decisions/0003-refresh-token-reuse.md);
 * - reads a token together with its Grant, and serves both again for the rest of the request from
 *   memory (the refresh check and oidc-provider's handler read the same refresh token, then its Grant).
 *
 * Reads see the request's own writes: a read while anything is held writes it first. A handler that
 * fails still writes its consume (a token spent before the failure stays spent, as before), never its
 * other rows: no tokens were handed out.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from '@mikro-orm/postgresql';
import { errors } from 'oidc-provider';
import { createPreparedRunner } from '../../db/prepared-statement.ts';
import {
  consumeThenUpsert, revokeReusedToken, upsertPayloads, type PayloadConsume, type PayloadRow, type PayloadWrite,
} from './payload-statements.ts';

/** The request's held writes and what it has read. Keys: `rowKey(model, storedId)`. */
export interface TokenRequestBatch {
  readonly writes: Map<string, PayloadWrite>;
  consume: PayloadConsume | undefined;
  /** Rows read in this request; `null`: read and absent. */
  readonly reads: Map<string, PayloadRow | null>;
}

export interface TokenRequestBatching {
  /** Runs `handler` with its adapter work batched, and writes what is held before returning. */
  run(handler: () => Promise<void>): Promise<void>;
  /** The batch of the request running now, if it is inside `run`. */
  current(): TokenRequestBatch | undefined;
  /** Writes what `batch` holds (before a read, a delete, or a second consume). */
  flush(batch: TokenRequestBatch): Promise<void>;
}

export const rowKey = (model: string, storedId: string): string => `${model}\u0000${storedId}`;

export function createTokenRequestBatching(deps: { em: () => EntityManager }): TokenRequestBatching {
  const storage = new AsyncLocalStorage<TokenRequestBatch>();
  const run = createPreparedRunner(deps.em);

  const flush = async (batch: TokenRequestBatch): Promise<void> => {
    const { consume } = batch;
    const writes = [...batch.writes.values()];
    batch.writes.clear();
    batch.consume = undefined;
    batch.reads.clear();
    if (consume === undefined) return upsertPayloads(run, writes);
    // A row that is itself the consumed one can't be changed twice in one statement: consume alone first.
    const consumedKey = rowKey(consume.model, consume.id);
    const together = writes.filter((write) => rowKey(write.model, write.id) !== consumedKey);
    const won = await consumeThenUpsert(run, consume, together);
    if (!won) {
      // Lost the race (or replayed): the whole grant goes, and this request answers invalid_grant.
      await revokeReusedToken(deps.em(), consume.model, consume.id);
      throw new errors.InvalidGrant(`${consume.model === 'RefreshToken' ? 'refresh token' : 'token'} already used`);
    }
    if (together.length !== writes.length) await upsertPayloads(run, writes.filter((write) => !together.includes(write)));
  };

  return {
    async run(handler) {
      const batch: TokenRequestBatch = { writes: new Map(), consume: undefined, reads: new Map() };
      try {
        await storage.run(batch, handler);
      } catch (error) {
        batch.writes.clear();
        // The handler's own error is the answer; a failure to write the spent token must not replace it.
        await flush(batch).catch(() => undefined);
        throw error;
      }
      await flush(batch);
    },
    current: () => storage.getStore(),
    flush,
  };
}
