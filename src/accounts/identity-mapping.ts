/**
 * The mapping rule of design.md §2 and §12, in one transaction: (1) a known (appid, openid) keeps its
 * account and records a newly learned unionid — and when that unionid is already another account's,
 * the two are merged (the older survives) or the login is refused, per the app's setting (issue 17 #4,
 * docs/decisions/0022); (2) else a unionid already seen in the same Open Platform namespace attaches to
 * that account; (2b) else, where the app enables it, a WeChat-verified phone number held by exactly one
 * account attaches to it (issue 17 #3); (2c) else the account a browser proved by scanning with the
 * mini-program, or — held for that choice — nothing yet (issue 17 #2); (3) else a new account, unless the app creates none (issue 17 #2). Nothing else ever links (no nickname, no
 * unverified number). Concurrent logins of one person are serialised by an advisory lock and, as a
 * backstop, the unique (appid, openid) constraint with a retry: N concurrent first logins create one account.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import type { GrantRevoker } from './account-administration.ts';
import type { AccountAudit } from './account-audit.ts';
import { mergeWithin, olderAccountOf, type MergeResult } from './account-merge.ts';
import type { AccountRecord, AccountRepository, WeChatLogin } from './account.repository.ts';

const MAX_ATTEMPTS = 3;
const UNIQUE_VIOLATION = '23505';
// A login merge and an admin merge of the same accounts may lock rows in different orders: retried like a conflict.
const DEADLOCK_DETECTED = '40P01';

/** The app's account settings and what the login proved, beyond the identity itself. */
export interface LoginPolicy {
  readonly unionIdConflict: 'merge' | 'refuse';
  readonly linkByVerifiedPhone: boolean;
  /** False: a first login that links to no account is refused instead of creating one (issue 17 #2). */
  readonly newAccountsAllowed: boolean;
  /** A number WeChat verified in this very login (phone_code), E.164. */
  readonly verifiedPhone?: string | undefined;
  /** The OAuth client, for the audit entries. */
  readonly clientId: string;
  /**
   * Bind or register (issue 17 #2): a login that rules 1–2b attach to no account is not created but
   * refused with `account.identity_new`, so the browser can offer linking it by scan first.
   */
  readonly holdNew?: boolean | undefined;
  /** Bind by scan (issue 17 #2): the account that proved itself by scan receives an identity rules 1–2b attach nowhere. */
  readonly linkTo?: string | undefined;
}

export interface MappedLogin {
  readonly account: AccountRecord;
  readonly created: boolean;
}

export interface IdentityMapper {
  mapLogin(login: WeChatLogin, policy?: LoginPolicy): Promise<MappedLogin>;
}

const DEFAULT_POLICY: LoginPolicy = { unionIdConflict: 'merge', linkByVerifiedPhone: false, newAccountsAllowed: true, clientId: 'system' };

type AuditLater = Parameters<AccountAudit['record']>[0];

interface Outcome extends MappedLogin {
  readonly merged?: MergeResult;
  readonly audits: AuditLater[];
}

export function createIdentityMapper(deps: { em: () => EntityManager; accounts: AccountRepository; grants: GrantRevoker; audit: AccountAudit; now: () => Date }): IdentityMapper {
  const { accounts } = deps;

  /** A known identity receiving its first unionid, which another account may already hold (rule 1, issue 17 #4). */
  async function learnUnionId(em: EntityManager, login: WeChatLogin, ownAccountId: string, policy: LoginPolicy): Promise<Outcome> {
    const holder = login.unionId !== undefined && login.openPlatformId !== undefined
      ? await accounts.findAccountIdByUnion(em, login.openPlatformId, login.unionId)
      : null;
    const audits: AuditLater[] = [];
    let merged: MergeResult | undefined;
    if (holder !== null && holder !== ownAccountId) {
      const about = { appId: login.appId, openPlatformId: login.openPlatformId, accounts: [ownAccountId, holder] };
      if (policy.unionIdConflict === 'refuse') {
        await deps.audit.record({ actor: policy.clientId, action: 'account.unionid_conflict', outcome: 'failure', reason: 'account.link_refused', target: ownAccountId, accountId: ownAccountId, clientId: policy.clientId, after: about });
        throw new AppError('account.link_refused', 'this WeChat user\'s unionid already belongs to another account, and this app refuses to merge them; an administrator can merge the accounts');
      }
      const into = await olderAccountOf(em, ownAccountId, holder);
      merged = await mergeWithin(em, { fromAccountId: into === holder ? ownAccountId : holder, intoAccountId: into, reason: 'unionid', at: deps.now() });
      audits.push({ actor: policy.clientId, action: 'account.merged', outcome: 'success', target: into, accountId: into, clientId: policy.clientId, after: { ...about, reason: 'unionid', from: merged.fromAccountId, into } });
    }
    const account = await accounts.touchKnownIdentity(em, login);
    if (account === null) throw new Error('identity vanished inside its own transaction');
    return { account, created: false, audits, ...(merged === undefined ? {} : { merged }) };
  }

  /** Rule 2b: the one account holding the verified number, where the app enables it; a conflict never links. */
  async function accountByVerifiedPhone(em: EntityManager, login: WeChatLogin, policy: LoginPolicy, audits: AuditLater[]): Promise<string | null> {
    if (!policy.linkByVerifiedPhone || policy.verifiedPhone === undefined) return null;
    const holder = await accounts.findVerifiedPhoneHolder(em, policy.verifiedPhone, login.appId);
    if (holder === 'none') return null;
    const entry = { actor: policy.clientId, clientId: policy.clientId, after: { appId: login.appId, via: 'verified_phone' } };
    if (holder === 'conflict') {
      audits.push({ ...entry, action: 'account.phone_link_conflict', outcome: 'failure', reason: 'account.link_refused', target: login.appId, accountId: '' });
      return null;
    }
    audits.push({ ...entry, action: 'account.linked_by_phone', outcome: 'success', target: holder.accountId, accountId: holder.accountId });
    return holder.accountId;
  }

  /** Bind by scan: the account the person proved on the phone (issue 17 #2), audited. */
  function accountByScan(login: WeChatLogin, policy: LoginPolicy, audits: AuditLater[]): string | null {
    if (policy.linkTo === undefined) return null;
    audits.push({ actor: policy.clientId, action: 'account.link_by_scan', outcome: 'success', target: policy.linkTo, accountId: policy.linkTo, clientId: policy.clientId, after: { appId: login.appId, via: 'miniprogram_scan' } });
    return policy.linkTo;
  }

  async function mapInTransaction(em: EntityManager, login: WeChatLogin, policy: LoginPolicy): Promise<Outcome> {
    await accounts.lockLogin(em, login);
    const known = await accounts.findLoginIdentity(em, login);
    if (known !== null && known.unionId === null) return learnUnionId(em, login, known.accountId, policy);
    if (known !== null) {
      // It keeps the unionid it has (design.md §2 rule 1): nothing to learn, nothing to merge.
      const account = await accounts.touchKnownIdentity(em, login);
      if (account === null) throw new Error('identity vanished inside its own transaction');
      return { account, created: false, audits: [] };
    }
    const audits: AuditLater[] = [];
    const union = login.unionId !== undefined && login.openPlatformId !== undefined
      ? await accounts.findAccountIdByUnion(em, login.openPlatformId, login.unionId)
      : null;
    const existing = union ?? await accountByVerifiedPhone(em, login, policy, audits) ?? accountByScan(login, policy, audits);
    if (existing === null && policy.holdNew === true) {
      throw new AppError('account.identity_new', 'a new WeChat identity: the person chooses to link it to an existing account or create one');
    }
    if (existing === null && !policy.newAccountsAllowed) {
      throw new AppError('account.creation_refused', 'this app signs in existing accounts only; sign in where the account was created first');
    }
    const accountId = existing ?? randomUUID();
    if (existing === null) await accounts.createAccount(em, accountId);
    await accounts.insertIdentity(em, accountId, login);
    const account = await accounts.touchKnownIdentity(em, login);
    if (account === null) throw new Error('identity vanished inside its own transaction');
    return { account, created: existing === null, audits };
  }

  /**
   * A first login in one statement (issue 16: 2 round trips without a unionid, 5 with one; it was 8–9). Without a
   * unionid only the same (appid, openid) can race, and the unique constraint settles it. With one, two apps of one
   * Open Platform can race on different openids: the advisory lock serialises them, taken in a statement of its
   * own, before the one that reads (a statement's snapshot predates a lock it waits for). If the identity exists
   * after all (a concurrent winner, or a known identity learning its unionid), the unique constraint fails the
   * statement whole and the caller retries on the locked path.
   */
  async function mapFirstLogin(login: WeChatLogin): Promise<MappedLogin> {
    if (login.unionId === undefined || login.openPlatformId === undefined) return accounts.insertFirstIdentity(deps.em(), login, randomUUID());
    return deps.em().fork().transactional(async (em) => {
      await accounts.lockLogin(em, login);
      return accounts.insertFirstIdentity(em, login, randomUUID());
    });
  }

  async function settle(outcome: Outcome): Promise<MappedLogin> {
    // After the commit: the merged account's refresh tokens stop (its rows are gone, so findAccount refuses them anyway).
    if (outcome.merged !== undefined) await deps.grants.revokeAccountGrants(outcome.merged.fromAccountId);
    for (const entry of outcome.audits) await deps.audit.record(entry.accountId === '' ? { ...entry, accountId: outcome.account.id } : entry);
    return { account: outcome.account, created: outcome.created };
  }

  return {
    async mapLogin(login, policy = DEFAULT_POLICY) {
      // Returning users (the common case) cost one statement and no transaction.
      const known = await accounts.touchKnownIdentity(deps.em(), login, { learnUnionId: false });
      if (known !== null) return { account: known, created: false };
      for (let attempt = 1; ; attempt += 1) {
        try {
          // A plain first login takes the short path (issue 16); a retry, or any policy that may refuse or link by
          // phone, takes the locked path, which also settles a known identity learning a contested unionid.
          if (attempt === 1 && isPlainFirstLogin(policy)) return await mapFirstLogin(login);
          return await settle(await deps.em().fork().transactional((em) => mapInTransaction(em, login, policy)));
        } catch (error) {
          if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    },
  };
}

/** Nothing to refuse and no phone to link by: rules 2 and 3 alone decide, as the one-statement path does. */
function isPlainFirstLogin(policy: LoginPolicy): boolean {
  return policy.newAccountsAllowed && policy.holdNew !== true && policy.linkTo === undefined && !(policy.linkByVerifiedPhone && policy.verifiedPhone !== undefined);
}

function isRetryable(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (code === UNIQUE_VIOLATION || code === DEADLOCK_DETECTED) return true;
  }
  return false;
}
