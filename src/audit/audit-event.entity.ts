/**
 * One audit record (design.md §6, issue #4): every admin change (who, what, before/after without
 * secrets) and every token-endpoint outcome (client, account, IP). Append-only.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  indexes: [
    { name: 'audit_events__at', properties: ['at'] },
    { name: 'audit_events__action_at', properties: ['action', 'at'] },
    { name: 'audit_events__actor', properties: ['actor'] },
    { name: 'audit_events__client_id', properties: ['clientId'] },
    { name: 'audit_events__account_id', properties: ['accountId'] },
  ],
  properties: {
    /** Monotonic: the pagination cursor of GET /admin/v1/audit. */
    id: p.bigint().primary().autoincrement(),
    at: p.datetime(),
    /** The admin client_id, `cli:<os user>`, or the OAuth client for token events. */
    actor: p.string().length(160),
    action: p.string().length(64),
    target: p.string().length(512).nullable(),
    before: p.json<unknown>().nullable(),
    after: p.json<unknown>().nullable(),
    /** `success` or `failure`. */
    outcome: p.string().length(16),
    /** Error code of a failure (an OAuth `error` or an AppError code), never a message with data. */
    reason: p.string().length(128).nullable(),
    ip: p.string().length(64).nullable(),
    clientId: p.string().length(128).nullable(),
    accountId: p.string().length(64).nullable(),
  },
});

export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
