/**
 * The mapping rule of design.md §2: (1) a known (appid, openid) keeps its account and records a
 * newly learned unionid; (2) else a unionid already seen in the same Open Platform namespace
 * attaches to that account; (3) else a new account. Concurrent first logins of one person are
 * serialised by an advisory lock (unionid namespaces) and the unique (appid, openid) constraint
 * with a retry: N concurrent first logins create exactly one account.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccountRecord, AccountRepository, WeChatLogin } from './account.repository.ts';

const MAX_ATTEMPTS = 3;
const UNIQUE_VIOLATION = '23505';

export interface IdentityMapper {
  mapLogin(login: WeChatLogin): Promise<{ account: AccountRecord; created: boolean }>;
}

export function createIdentityMapper(deps: { em: () => EntityManager; accounts: AccountRepository }): IdentityMapper {
  const { accounts } = deps;

  /**
   * A first login (issue 16: 2 round trips without a unionid, 5 with one; it was 8–9). Without a unionid only
   * the same (appid, openid) can race, and the unique constraint settles it. With one, two apps of one Open
   * Platform can race on different openids: the advisory lock serialises them, and it must be taken in a
   * statement of its own, before the one that reads (a statement's snapshot predates a lock it waits for).
   */
  async function mapFirstLogin(login: WeChatLogin): Promise<{ account: AccountRecord; created: boolean }> {
    if (login.unionId === undefined || login.openPlatformId === undefined) return accounts.insertFirstIdentity(deps.em(), login, randomUUID());
    return deps.em().fork().transactional(async (em) => {
      await accounts.lockLogin(em, login);
      return accounts.insertFirstIdentity(em, login, randomUUID());
    });
  }

  return {
    async mapLogin(login) {
      for (let attempt = 1; ; attempt += 1) {
        // Returning users (the common case) cost one statement and no transaction.
        const known = await accounts.touchKnownIdentity(deps.em(), login);
        if (known !== null) return { account: known, created: false };
        try {
          return await mapFirstLogin(login);
        } catch (error) {
          // A concurrent first login of the same identity won: the next attempt finds it as a returning user.
          if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    },
  };
}

function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}
