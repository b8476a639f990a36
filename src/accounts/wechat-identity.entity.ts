/**
 * A WeChat identity (design.md §2): (appid, openid) is unique; unionid is scoped by the Open
 * Platform account it belongs to (test-catalogue M-05), so it is indexed with that namespace.
 * The session_key is kept only as ciphertext under the master key and is never returned or logged.
 */
import { defineEntity, p } from '@mikro-orm/core';
import { AccountSchema } from './account.entity.ts';

export const WeChatIdentitySchema = defineEntity({
  name: 'WeChatIdentity',
  tableName: 'wechat_identities',
  uniques: [{ name: 'wechat_identities__app_id_open_id', properties: ['appId', 'openId'] }],
  indexes: [
    { name: 'wechat_identities__union', properties: ['openPlatformId', 'unionId'] },
    { name: 'wechat_identities__account_id', properties: ['account'] },
    // The console's Users search matches an openid or unionid alone (issue 14 #3).
    { name: 'wechat_identities__open_id', properties: ['openId'] },
    { name: 'wechat_identities__union_id', expression: 'create index "wechat_identities__union_id" on "wechat_identities" ("union_id") where "union_id" is not null' },
  ],
  properties: {
    id: p.bigint().primary().autoincrement(),
    appId: p.string().length(32),
    openId: p.string().length(64),
    openPlatformId: p.string().length(64).nullable(),
    unionId: p.string().length(64).nullable(),
    account: () => p.manyToOne(AccountSchema).deleteRule('cascade'),
    sessionKeyCiphertext: p.text().nullable(),
    firstLoginAt: p.datetime().onCreate(() => new Date()),
    lastLoginAt: p.datetime().onCreate(() => new Date()),
  },
});

export class WeChatIdentity extends WeChatIdentitySchema.class {}
WeChatIdentitySchema.setClass(WeChatIdentity);
