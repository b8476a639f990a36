/**
 * A new website / official-account WeChat identity held while its person chooses "link to my existing
 * account" or "create a new account" (issue 17 #2, ADR 0027-bind-or-register): bound to the oidc-provider interaction
 * (and so to the browser's signed interaction cookie), never sent to the browser, claimed once, short-lived.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const PendingIdentitySchema = defineEntity({
  name: 'PendingIdentity',
  tableName: 'pending_identities',
  properties: {
    interactionUid: p.string().length(64).primary(),
    appId: p.string().length(32),
    openId: p.string().length(64),
    unionId: p.string().length(64).nullable(),
    openPlatformId: p.string().length(64).nullable(),
    /** Nickname / picture WeChat returned with the login (sns/userinfo), as JSON. */
    profile: p.json<Record<string, string>>().nullable(),
    expiresAt: p.datetime().index('pending_identities__expires_at'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class PendingIdentity extends PendingIdentitySchema.class {}
PendingIdentitySchema.setClass(PendingIdentity);
