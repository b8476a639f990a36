/**
 * The mapping rule of design.md §2, in one transaction: (1) a known (appid, openid) keeps its
 * account and records a newly learned unionid; (2) else a unionid already seen in the same Open
 * Platform namespace attaches to that account; (3) else a new account. Concurrent first logins of
 * one person are serialised by an advisory lock and, as a backstop, the unique (appid, openid)
 * constraint with a retry: N concurrent first logins create exactly one account.
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

  async function mapInTransaction(em: EntityManager, login: WeChatLogin): Promise<{ account: AccountRecord; created: boolean }> {
    await accounts.lockLogin(em, login);
    const known = await accounts.touchKnownIdentity(em, login);
    if (known !== null) return { account: known, created: false };
    const union = login.unionId !== undefined && login.openPlatformId !== undefined
      ? await accounts.findAccountIdByUnion(em, login.openPlatformId, login.unionId)
      : null;
    const accountId = union ?? randomUUID();
    if (union === null) await accounts.createAccount(em, accountId);
    await accounts.insertIdentity(em, accountId, login);
    const account = await accounts.touchKnownIdentity(em, login);
    if (account === null) throw new Error('identity vanished inside its own transaction');
    return { account, created: union === null };
  }

  return {
    async mapLogin(login) {
      // Returning users (the common case) cost one statement and no transaction.
      const known = await accounts.touchKnownIdentity(deps.em(), login);
      if (known !== null) return { account: known, created: false };
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await deps.em().fork().transactional((em) => mapInTransaction(em, login));
        } catch (error) {
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
