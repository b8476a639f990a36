/**
 * What account use cases write to the audit log (design.md §6; src/audit/audit-log.ts implements it):
 * who (the OAuth client) changed what on which account, never the values themselves.
 */

export interface AccountAuditEntry {
  readonly actor: string;
  readonly action: 'account.phone_verified' | 'account.profile_updated';
  readonly outcome: 'success';
  readonly target: string;
  readonly accountId: string;
  readonly clientId: string;
  /** Field names and the channel, never the phone number or nickname. */
  readonly after: Readonly<Record<string, unknown>>;
}

export interface AccountAudit {
  record(entry: AccountAuditEntry): Promise<void>;
}
