/**
 * What account use cases write to the audit log (design.md §6; src/audit/audit-log.ts implements it):
 * who (the OAuth client) changed what on which account, never the values themselves.
 */

export interface AccountAuditEntry {
  readonly actor: string;
  readonly action:
    | 'account.phone_verified' | 'account.profile_updated' | 'account.phone_quota_exhausted'
    | 'account.merged' | 'account.unionid_conflict' | 'account.linked_by_phone' | 'account.link_by_scan' | 'account.phone_link_conflict' | 'account.deleted';
  readonly outcome: 'success' | 'failure';
  /** The error code of a failure. */
  readonly reason?: string;
  readonly target: string;
  /** Null when the event concerns no account yet (e.g. a phone quota hit during a first login). */
  readonly accountId: string | null;
  readonly clientId: string;
  /** Field names, the channel, account ids; never the phone number or nickname. */
  readonly after: Readonly<Record<string, unknown>>;
}

export interface AccountAudit {
  record(entry: AccountAuditEntry): Promise<void>;
}
