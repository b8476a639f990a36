/**
 * Revokes every grant of an account or of a client — and with them every refresh token and stored access token,
 * which share the grant id (design.md §6 `users disable`). JWT access tokens are not stored and
 * live until their short `exp` (design.md §5). Also lists an account's grants for its data export
 * (issue 17 #5): client, scopes and times, never a token.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GrantSummary } from '../../accounts/account-export.ts';
import { executeStatement, queryRows, sql, toDate } from '../../db/sql.ts';

interface GrantPayload {
  clientId?: unknown;
  openid?: { scope?: unknown };
  resources?: Record<string, unknown>;
  iat?: unknown;
  exp?: unknown;
}

const secondsToIso = (value: unknown): string | null => (typeof value === 'number' ? new Date(value * 1000).toISOString() : null);

export function createGrantRevocation(deps: { em: () => EntityManager }) {
  return {
    async revokeAccountGrants(accountId: string): Promise<number> {
      // The Grant rows themselves too (their grant_id is null): a deleted account leaves no row naming it (issue 17 #5).
      return executeStatement(deps.em(), sql`
        delete from oidc_payloads where grant_id in (
          select id from oidc_payloads where model = 'Grant' and payload->>'accountId' = ${accountId})
        or (model = 'Grant' and payload->>'accountId' = ${accountId})`);
    },
    /** On `clients remove`: a client re-created with the same id must not revive old refresh tokens. */
    async revokeClientGrants(clientId: string): Promise<number> {
      return executeStatement(deps.em(), sql`
        delete from oidc_payloads where grant_id in (
          select id from oidc_payloads where model = 'Grant' and payload->>'clientId' = ${clientId})`);
    },
    async listAccountGrants(accountId: string): Promise<GrantSummary[]> {
      const rows = await queryRows<{ payload: GrantPayload; expires_at: Date | string | null }>(deps.em(), sql`
        select payload, expires_at from oidc_payloads where model = 'Grant' and payload->>'accountId' = ${accountId} order by id`);
      return rows.map(({ payload, expires_at: expiresAt }) => ({
        clientId: String(payload.clientId),
        scope: typeof payload.openid?.scope === 'string' ? payload.openid.scope : '',
        resources: Object.fromEntries(Object.entries(payload.resources ?? {}).map(([uri, scope]) => [uri, typeof scope === 'string' ? scope : ''])),
        issuedAt: secondsToIso(payload.iat),
        expiresAt: expiresAt === null ? secondsToIso(payload.exp) : toDate(expiresAt).toISOString(),
      }));
    },
  };
}
