/**
 * The user's data in one JSON document (issue 17 #5; PIPL art. 45): every stored field about the
 * account — profile, phone, status, WeChat identities, the subs merged into it, its grants and its
 * audit entries — and never a secret: no session key, no token, no client secret.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import { queryRows, sql, toDate } from '../db/sql.ts';

/** A grant as exported: who may act for the user and with what, never a token. */
export interface GrantSummary {
  readonly clientId: string;
  readonly scope: string;
  readonly resources: Readonly<Record<string, string>>;
  readonly issuedAt: string | null;
  readonly expiresAt: string | null;
}

/** Lists an account's grants (src/oidc/storage/grant-revocation.ts implements it over oidc-provider's storage). */
export interface GrantLister {
  listAccountGrants(accountId: string): Promise<GrantSummary[]>;
}

export interface AccountExport {
  readonly format: 'wxbridge.account-export.v1';
  readonly exportedAt: string;
  readonly sub: string;
  readonly account: {
    status: string; nickname: string | null; picture: string | null; phoneNumber: string | null;
    phoneVerifiedAt: string | null; createdAt: string; updatedAt: string;
  };
  readonly identities: readonly {
    appId: string; openId: string; unionId: string | null; openPlatformId: string | null; firstLoginAt: string; lastLoginAt: string;
  }[];
  readonly mergedFrom: readonly { sub: string; reason: string; mergedAt: string }[];
  readonly grants: readonly GrantSummary[];
  readonly auditEvents: readonly {
    at: string; actor: string; action: string; outcome: string; reason: string | null; clientId: string | null; ip: string | null;
  }[];
}

type Timestamp = Date | string;
const iso = (value: Timestamp): string => toDate(value).toISOString();
const isoOrNull = (value: Timestamp | null): string | null => (value === null ? null : iso(value));

export function createAccountExporter(deps: { em: () => EntityManager; grants: GrantLister; now: () => Date }) {
  return {
    async export(sub: string): Promise<AccountExport> {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sub)) throw new AppError('account.not_found', `no account ${sub.slice(0, 64)}`);
      const em = deps.em();
      const [account] = await queryRows<{
        status: string; nickname: string | null; picture: string | null; phone_number: string | null;
        phone_verified_at: Timestamp | null; created_at: Timestamp; updated_at: Timestamp;
      }>(em, sql`select status, nickname, picture, phone_number, phone_verified_at, created_at, updated_at from accounts where id = ${sub}::uuid`);
      if (account === undefined) throw new AppError('account.not_found', `no account ${sub}`);
      // Column by column: session_key_ciphertext is never selected.
      const identities = await queryRows<{ app_id: string; open_id: string; union_id: string | null; open_platform_id: string | null; first_login_at: Timestamp; last_login_at: Timestamp }>(em, sql`
        select app_id, open_id, union_id, open_platform_id, first_login_at, last_login_at from wechat_identities where account_id = ${sub}::uuid order by first_login_at, id`);
      const merged = await queryRows<{ from_account_id: string; reason: string; merged_at: Timestamp }>(em, sql`
        select from_account_id, reason, merged_at from merged_accounts where into_account_id = ${sub}::uuid order by merged_at`);
      const audit = await queryRows<{ at: Timestamp; actor: string; action: string; outcome: string; reason: string | null; client_id: string | null; ip: string | null }>(em, sql`
        select at, actor, action, outcome, reason, client_id, ip from audit_events where account_id = ${sub} order by id`);
      return {
        format: 'wxbridge.account-export.v1',
        exportedAt: deps.now().toISOString(),
        sub,
        account: {
          status: account.status, nickname: account.nickname, picture: account.picture, phoneNumber: account.phone_number,
          phoneVerifiedAt: isoOrNull(account.phone_verified_at), createdAt: iso(account.created_at), updatedAt: iso(account.updated_at),
        },
        identities: identities.map((i) => ({
          appId: i.app_id, openId: i.open_id, unionId: i.union_id, openPlatformId: i.open_platform_id, firstLoginAt: iso(i.first_login_at), lastLoginAt: iso(i.last_login_at),
        })),
        mergedFrom: merged.map((m) => ({ sub: m.from_account_id, reason: m.reason, mergedAt: iso(m.merged_at) })),
        grants: await deps.grants.listAccountGrants(sub),
        auditEvents: audit.map((e) => ({ at: iso(e.at), actor: e.actor, action: e.action, outcome: e.outcome, reason: e.reason, clientId: e.client_id, ip: e.ip })),
      };
    },
  };
}

export type AccountExporter = ReturnType<typeof createAccountExporter>;
