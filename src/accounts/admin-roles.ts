/**
 * Who may administer wxbridge with a person's own sign-in (ADR 0025): the admin role per account, read
 * on every admin API request so revoking it ends access at once, and the single-use invitation that
 * makes the very first admin (valid 15 minutes, only its SHA-256 stored).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { executeStatement, queryRows, sql } from '../db/sql.ts';

export const INVITATION_TTL_SECONDS = 15 * 60;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createAdminRoles(deps: { em: () => EntityManager; now: () => Date }) {
  async function setRole(sub: string, isAdmin: boolean): Promise<{ id: string; isAdmin: boolean }> {
    const changed = UUID.test(sub) ? await executeStatement(deps.em(), sql`update accounts set is_admin = ${isAdmin}, updated_at = now() where id = ${sub}::uuid`) : 0;
    if (changed === 0) throw new AppError('account.not_found', `no account ${sub.slice(0, 64)}`);
    return { id: sub, isAdmin };
  }
  return {
    async isAdmin(sub: string): Promise<boolean> {
      if (!UUID.test(sub)) return false;
      const rows = await queryRows<{ is_admin: boolean }>(deps.em(), sql`select is_admin from accounts where id = ${sub}::uuid and status = 'active'`);
      return rows[0]?.is_admin === true;
    },
    /** Whether any active account holds the role (the sandbox seeds its admin only when none does). */
    async anyAdmin(): Promise<boolean> {
      const rows = await queryRows<{ found: number }>(deps.em(), sql`select 1 as found from accounts where is_admin and status = 'active' limit 1`);
      return rows.length > 0;
    },
    grant: (sub: string) => setRole(sub, true),
    revoke: (sub: string) => setRole(sub, false),
    /** A new invitation; the token is returned once and only its hash is kept. */
    async invite(): Promise<{ token: string; expiresAt: Date }> {
      const token = randomBytes(32).toString('base64url');
      const now = deps.now();
      const expiresAt = new Date(now.getTime() + INVITATION_TTL_SECONDS * 1000);
      await executeStatement(deps.em(), sql`insert into admin_invitations (token_hash, created_at, expires_at) values (${hashToken(token)}, ${now}, ${expiresAt})`);
      return { token, expiresAt };
    },
    /** Whether the invitation can still be used (unredeemed, unexpired); by its hash. */
    async isRedeemable(tokenHash: string): Promise<boolean> {
      const rows = await queryRows<{ token_hash: string }>(deps.em(), sql`
        select token_hash from admin_invitations where token_hash = ${tokenHash} and redeemed_at is null and expires_at > ${deps.now()}`);
      return rows.length > 0;
    },
    /** Spends the invitation and grants the role, in one transaction; false when it was already used or expired. */
    async redeem(tokenHash: string, sub: string): Promise<boolean> {
      return deps.em().transactional(async (em) => {
        const spent = await executeStatement(em, sql`
          update admin_invitations set redeemed_at = ${deps.now()}, redeemed_by = ${sub}::uuid
          where token_hash = ${tokenHash} and redeemed_at is null and expires_at > ${deps.now()}`);
        if (spent === 0) return false;
        await executeStatement(em, sql`update accounts set is_admin = true, updated_at = now() where id = ${sub}::uuid`);
        return true;
      });
    },
  };
}

export type AdminRoles = ReturnType<typeof createAdminRoles>;
