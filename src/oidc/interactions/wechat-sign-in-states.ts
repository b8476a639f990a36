/**
 * The `state` of a trip to WeChat's sign-in page (issue 13 #4; RFC 6749 §10.12, RFC 9700 §4.7.1):
 * 32 random bytes, stored in PostgreSQL only as a hash, bound to the interaction that created it (the
 * interaction is bound to the browser by oidc-provider's signed interaction cookie), valid for the
 * interaction's lifetime and claimed at most once by one conditional UPDATE, so a replay — even a
 * concurrent one — finds nothing. Rows live in oidc_payloads under their own model name, so the
 * provider's expiry cleanup removes them.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { executeStatement, queryRows, sql } from '../../db/sql.ts';

const MODEL = 'WeChatSignInState';

const Trip = z.object({ uid: z.string(), appId: z.string(), method: z.enum(['website-qr', 'official-account']) });
export type WeChatTrip = z.infer<typeof Trip>;

const hashOf = (state: string): string => createHash('sha256').update(state).digest('base64url');

export function createWeChatSignInStates(deps: { em: () => EntityManager; clock: Clock; ttlSeconds: number }) {
  return {
    /** A fresh state for this trip; WeChat allows [A-Za-z0-9]{1,128} (wechat-api.md §8.1), so hex. */
    async issue(trip: WeChatTrip): Promise<string> {
      const state = randomBytes(32).toString('hex');
      const expiresAt = new Date(deps.clock.now() + deps.ttlSeconds * 1000);
      await executeStatement(deps.em(), sql`
        insert into oidc_payloads (model, id, payload, uid, expires_at)
        values (${MODEL}, ${hashOf(state)}, ${JSON.stringify(trip)}::jsonb, ${trip.uid}, ${expiresAt})`);
      return state;
    },

    /** The trip of `state` if it belongs to interaction `uid`, is unexpired and unused; it is used from now on. */
    async claim(state: string, uid: string): Promise<WeChatTrip | undefined> {
      if (!/^[0-9a-f]{64}$/.test(state)) return undefined;
      const rows = await queryRows<{ payload: unknown }>(deps.em(), sql`
        update oidc_payloads set consumed_at = ${new Date(deps.clock.now())}
        where model = ${MODEL} and id = ${hashOf(state)} and uid = ${uid} and consumed_at is null and expires_at > ${new Date(deps.clock.now())}
        returning payload`);
      const row = rows[0];
      return row === undefined ? undefined : Trip.parse(row.payload);
    },
  };
}

export type WeChatSignInStates = ReturnType<typeof createWeChatSignInStates>;
