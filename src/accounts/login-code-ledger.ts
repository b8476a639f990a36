/**
 * Every wx.login / OAuth code wxbridge has sent to WeChat (design.md §1 "a code is never sent to
 * WeChat twice"; test-catalogue W-04, U-05): a code presented again — a client retrying after a
 * 503, or a replay — is refused here without calling WeChat. One row per code in
 * wechat_login_codes (shared by every instance) as a SHA-256 digest, never the code itself.
 */
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createPreparedRunner, type PreparedStatement } from '../db/prepared-statement.ts';
import { executeStatement, sql } from '../db/sql.ts';

/** Longer than any WeChat code lives (5 min for mini-programs, 10 min for Open Platform, wechat-api §3.3, §8.1). */
const REMEMBER_MS = 15 * 60_000;
const CLEANUP_BATCH = 1000;
/** Run at every login: a named statement (src/db/prepared-statement.ts, issue 16). */
const CLAIM: PreparedStatement = {
  name: 'wechat_login_codes_claim',
  text: 'insert into wechat_login_codes (digest, expires_at) values ($1, $2) on conflict (digest) do nothing returning digest',
};

export interface LoginCodeLedger {
  /** True the first time (appId, code) is claimed, false ever after (atomic across instances). */
  claim(appId: string, code: string): Promise<boolean>;
  /** Forgets codes past their remembering time (in batches); returns how many. */
  deleteExpired(): Promise<number>;
}

export function createLoginCodeLedger(deps: { em: () => EntityManager; now: () => Date }): LoginCodeLedger {
  const run = createPreparedRunner(deps.em);
  return {
    async claim(appId, code) {
      const digest = createHash('sha256').update(`${appId}\u0000${code}`).digest('base64url');
      const expiresAt = new Date(deps.now().getTime() + REMEMBER_MS);
      const rows = await run(CLAIM, [digest, expiresAt]);
      return rows.length === 1;
    },
    async deleteExpired() {
      let total = 0;
      for (;;) {
        const deleted = await executeStatement(deps.em(), sql`
          delete from wechat_login_codes where digest = any(array(
            select digest from wechat_login_codes where expires_at < ${deps.now()} limit ${CLEANUP_BATCH}))`);
        total += deleted;
        if (deleted < CLEANUP_BATCH) return total;
      }
    },
  };
}
