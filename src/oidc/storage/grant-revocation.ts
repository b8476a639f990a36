/**
 * Revokes every grant of an account or of a client — and with them every refresh token and stored access token,
 * which share the grant id (design.md §6 `users disable`). JWT access tokens are not stored and
 * live until their short `exp` (design.md §5).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeStatement, sql } from '../../db/sql.ts';

export function createGrantRevocation(deps: { em: () => EntityManager }) {
  return {
    async revokeAccountGrants(accountId: string): Promise<number> {
      return executeStatement(deps.em(), sql`
        delete from oidc_payloads where grant_id in (
          select id from oidc_payloads where model = 'Grant' and payload->>'accountId' = ${accountId})`);
    },
    /** On `clients remove`: a client re-created with the same id must not revive old refresh tokens. */
    async revokeClientGrants(clientId: string): Promise<number> {
      return executeStatement(deps.em(), sql`
        delete from oidc_payloads where grant_id in (
          select id from oidc_payloads where model = 'Grant' and payload->>'clientId' = ${clientId})`);
    },
  };
}
