/**
 * A "scan with the mini-program" ticket (issue 13 #3, ADR 0019): the `scene` of an unlimited
 * mini-program code, kept only as a SHA-256 digest, bound to the browser interaction that showed it,
 * valid 120 s, confirmed or rejected once by the mini-program user and completed once by the browser.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const WEB_SIGN_IN_STATUSES = ['pending', 'scanned', 'confirmed', 'rejected'] as const;

export const WebSignInTicketSchema = defineEntity({
  name: 'WebSignInTicket',
  tableName: 'web_sign_in_tickets',
  properties: {
    digest: p.string().length(64).primary(),
    /** The oidc-provider interaction (and so the browser, through its signed interaction cookie). */
    interactionUid: p.string().length(64).index('web_sign_in_tickets__interaction_uid'),
    /** The mini-program the code was made for: only its clients' users may answer. */
    appId: p.string().length(32),
    clientId: p.string().length(128),
    clientName: p.string().length(256),
    /** pending → scanned → confirmed | rejected; "expired" is read from expiresAt. */
    status: p.string().length(16).default('pending'),
    accountId: p.string().length(64).nullable(),
    expiresAt: p.datetime().index('web_sign_in_tickets__expires_at'),
    /** When the browser completed its interaction with the confirmed ticket (single use). */
    completedAt: p.datetime().nullable(),
    /**
     * The code WeChat made for this scene, sealed with a key derived from the scene (which only the
     * browser's cookie holds): a reload shows it again without another getwxacodeunlimit call (issue #13).
     */
    codeType: p.string().length(64).nullable(),
    codeSealed: p.blob().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class WebSignInTicket extends WebSignInTicketSchema.class {}
WebSignInTicketSchema.setClass(WebSignInTicket);
