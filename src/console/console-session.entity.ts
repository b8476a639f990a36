/**
 * A console session (ADR 0025, backend-for-frontend): the browser holds only a random cookie whose
 * SHA-256 is the key here; the authorization request's state and PKCE verifier, and then the admin's
 * tokens (sealed with the master key), stay on the server.
 */
import { defineEntity, p } from '@mikro-orm/core';

export const ConsoleSessionSchema = defineEntity({
  name: 'ConsoleSession',
  tableName: 'console_sessions',
  properties: {
    idHash: p.string().length(64).primary(),
    /** Every state-changing form carries it (synchronizer token, OWASP CSRF cheat sheet). */
    csrfToken: p.string().length(64),
    /** Sign-in in progress: the authorization request's state and sealed PKCE verifier. */
    state: p.string().length(64).nullable(),
    sealedVerifier: p.text().nullable(),
    /** The invitation this sign-in redeems, when it came through one. */
    invitationHash: p.string().length(64).nullable(),
    /** The console path that sent the admin to sign in: where the callback returns (same-origin, under /console/). */
    returnTo: p.string().length(512).nullable(),
    /** Signed in: the account and its sealed tokens ({ accessToken, idToken, refreshToken, accessTokenExpiresAt }). */
    accountId: p.uuid().nullable(),
    sealedTokens: p.text().nullable(),
    createdAt: p.datetime(),
    /** Slides with every request by the idle timeout, never past createdAt + the session lifetime. */
    expiresAt: p.datetime(),
  },
});

export class ConsoleSession extends ConsoleSessionSchema.class {}
ConsoleSessionSchema.setClass(ConsoleSession);
