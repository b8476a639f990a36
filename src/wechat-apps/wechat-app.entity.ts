/**
 * A WeChat app wxbridge exchanges codes for (design.md §6 `apps add`): its kind decides the
 * code-exchange endpoint; its AppSecret is stored only as ciphertext under the master key; an app
 * bound to an Open Platform account receives unionids in that platform's namespace.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const WECHAT_APP_KINDS = ['miniprogram', 'app', 'web', 'official_account'] as const;
export type WeChatAppKind = (typeof WECHAT_APP_KINDS)[number];

/** What a login through the app does when its identity's new unionid is already another account's (issue 17 #4, ADR 0022). */
export const UNIONID_CONFLICT_POLICIES = ['merge', 'refuse'] as const;
export type UnionIdConflictPolicy = (typeof UNIONID_CONFLICT_POLICIES)[number];

export const WeChatAppSchema = defineEntity({
  name: 'WeChatApp',
  tableName: 'wechat_apps',
  properties: {
    appId: p.string().length(32).primary(),
    kind: p.string().length(32),
    name: p.string().length(128).nullable(),
    secretCiphertext: p.text(),
    /** The Open Platform account the app is bound to (unionid namespace), or null when unbound. */
    openPlatformId: p.string().length(64).nullable(),
    /** Link a first login carrying a WeChat-verified phone number to the one account verified with it (off by default). */
    linkByVerifiedPhone: p.boolean().default(false),
    /** `merge` (default) or `refuse`: see UNIONID_CONFLICT_POLICIES. */
    unionIdConflict: p.string().length(16).default('merge'),
    /** Whether a first login through the app may create an account (false: only identities that link to one). */
    newAccountsAllowed: p.boolean().default(true),
    /** Mini-programs: the page a "scan with the mini-program" code opens (issue 13 #3); null: DEFAULT_WEB_SIGN_IN_PAGE. */
    webSignInPage: p.string().length(128).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

/** The mini-program page a web sign-in code opens when the app names none (README "Sign in on the web"). */
export const DEFAULT_WEB_SIGN_IN_PAGE = 'pages/web-sign-in/index';

export class WeChatApp extends WeChatAppSchema.class {}
WeChatAppSchema.setClass(WeChatApp);
