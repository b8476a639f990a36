/**
 * Every wx.login / OAuth code wxbridge has sent to WeChat (design.md §1 "a code is never sent to
 * WeChat twice"; test-catalogue W-04, U-05): a code presented again — a client retrying after a
 * 503, or a replay — is refused here without calling WeChat. Kept in oidc_payloads (shared by every
 * instance, reclaimed by the expiry cleanup) as a SHA-256 digest, never the code itself.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { queryRows, sql } from '../db/sql.ts';

/** Longer than any WeChat code lives (5 min for mini-programs, 10 min for Open Platform, wechat-api §3.3, §8.1). */
const REMEMBER_MINUTES = 15;

export interface LoginCodeLedger {
  /** True the first time (appId, code) is claimed, false ever after (atomic across instances). */
  claim(appId: string, code: string): Promise<boolean>;
}

export function createLoginCodeLedger(deps: { em: () => EntityManager }): LoginCodeLedger {
  return {
    async claim(appId, code) {
      const id = createHash('sha256').update(`${appId}\u0000${code}`).digest('base64url');
      const rows = await queryRows(deps.em(), sql`
        insert into oidc_payloads (model, id, payload, expires_at)
        values ('WeChatLoginCode', ${id}, '{}'::jsonb, now() + make_interval(mins => ${REMEMBER_MINUTES}))
        on conflict (model, id) do nothing returning id`);
      return rows.length === 1;
    },
  };
}
