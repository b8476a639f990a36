/**
 * A `sub` that no longer names an account because it was merged into another (issue 17 #4): kept so
 * that tokens, audit entries and downstream records carrying the old `sub` stay explicable.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const MergedAccountSchema = defineEntity({
  name: 'MergedAccount',
  tableName: 'merged_accounts',
  indexes: [{ name: 'merged_accounts__into_account_id', properties: ['intoAccountId'] }],
  properties: {
    /** The old sub. */
    fromAccountId: p.uuid().primary(),
    /** The account that holds its identities now (followed along later merges). */
    intoAccountId: p.uuid(),
    /** `admin` (users merge) or `unionid` (a login brought a unionid another account held). */
    reason: p.string().length(16),
    mergedAt: p.datetime(),
  },
});

export class MergedAccount extends MergedAccountSchema.class {}
MergedAccountSchema.setClass(MergedAccount);
