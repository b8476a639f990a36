/**
 * An account (design.md §2): the stable identity behind `sub`. Its id is a random UUID, never an
 * openid or unionid (test-catalogue M-09). Profile and phone are user-supplied or WeChat-verified
 * data released as claims per scope (design.md §3).
 */
import { defineEntity, p } from '@mikro-orm/core';

export const ACCOUNT_STATUSES = ['active', 'disabled'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const AccountSchema = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  // Linking by WeChat-verified phone (issue 17 #3) looks accounts up by number.
  indexes: [{ name: 'accounts__phone_number', properties: ['phoneNumber'] }],
  properties: {
    id: p.uuid().primary(),
    status: p.string().length(16).default('active'),
    nickname: p.string().length(64).nullable(),
    picture: p.string().length(1024).nullable(),
    phoneNumber: p.string().length(32).nullable(),
    phoneVerifiedAt: p.datetime().nullable(),
    /** May use the console and the admin API with a user token (ADR 0025); checked on every request. */
    isAdmin: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export class Account extends AccountSchema.class {}
AccountSchema.setClass(Account);
