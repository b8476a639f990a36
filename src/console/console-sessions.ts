/**
 * Console sessions in PostgreSQL (ADR 0025): a sign-in in progress (state + sealed PKCE verifier) and a
 * signed-in session (account + sealed tokens), each found by the SHA-256 of the browser's random cookie.
 * Every worker reads the same rows, and deleting a row ends the session everywhere.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashToken } from '../accounts/admin-roles.ts';
import { executeStatement, queryRows, sql, toDate } from '../db/sql.ts';
import type { SecretBox } from '../keys/secret-box.ts';

/** A sign-in must come back from WeChat within this time. */
const SIGN_IN_TTL_SECONDS = 15 * 60;

export interface ConsoleTokens { readonly accessToken: string; readonly idToken: string }

export interface SignInTransaction { readonly state: string; readonly verifier: string; readonly invitationHash: string | null }

export interface SignedInSession {
  readonly accountId: string;
  readonly csrfToken: string;
  readonly tokens: ConsoleTokens;
}

interface Row {
  id_hash: string; csrf_token: string; state: string | null; sealed_verifier: string | null; invitation_hash: string | null;
  account_id: string | null; sealed_tokens: string | null; expires_at: Date | string;
}

const random = (): string => randomBytes(32).toString('base64url');

export function createConsoleSessions(deps: { em: () => EntityManager; secretBox: Pick<SecretBox, 'seal' | 'open'>; now: () => Date }) {
  const find = async (cookie: string | undefined): Promise<Row | undefined> => {
    if (cookie === undefined || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const rows = await queryRows<Row>(deps.em(), sql`select * from console_sessions where id_hash = ${hashToken(cookie)}`);
    const row = rows[0];
    return row !== undefined && toDate(row.expires_at) > deps.now() ? row : undefined;
  };
  const insert = async (values: { state?: string; sealedVerifier?: string; invitationHash?: string | null; accountId?: string; sealedTokens?: string; ttlSeconds: number }): Promise<{ cookie: string; csrfToken: string }> => {
    const cookie = random();
    const csrfToken = random();
    const now = deps.now();
    await executeStatement(deps.em(), sql`
      insert into console_sessions (id_hash, csrf_token, state, sealed_verifier, invitation_hash, account_id, sealed_tokens, created_at, expires_at)
      values (${hashToken(cookie)}, ${csrfToken}, ${values.state ?? null}, ${values.sealedVerifier ?? null}, ${values.invitationHash ?? null},
        ${values.accountId ?? null}::uuid, ${values.sealedTokens ?? null}, ${now}, ${new Date(now.getTime() + values.ttlSeconds * 1000)})`);
    return { cookie, csrfToken };
  };
  const remove = async (cookie: string | undefined): Promise<void> => {
    if (cookie !== undefined) await executeStatement(deps.em(), sql`delete from console_sessions where id_hash = ${hashToken(cookie)}`);
  };

  return {
    /** A new sign-in: returns its cookie and the state and verifier for the authorization request. */
    async beginSignIn(invitationHash: string | null): Promise<{ cookie: string; state: string; verifier: string }> {
      const state = random();
      const verifier = random();
      const { cookie } = await insert({ state, sealedVerifier: deps.secretBox.seal(verifier, `console_verifier:${state}`), invitationHash, ttlSeconds: SIGN_IN_TTL_SECONDS });
      return { cookie, state, verifier };
    },
    /** The sign-in of this cookie, spent (a state works once). */
    async takeSignIn(cookie: string | undefined): Promise<SignInTransaction | undefined> {
      const row = await find(cookie);
      await remove(cookie);
      if (row?.state == null || row.sealed_verifier === null) return undefined;
      return { state: row.state, verifier: deps.secretBox.open(row.sealed_verifier, `console_verifier:${row.state}`), invitationHash: row.invitation_hash };
    },
    /** A signed-in session under a new cookie (never the sign-in's: no session fixation), until the access token expires. */
    async signIn(accountId: string, tokens: ConsoleTokens, ttlSeconds: number): Promise<{ cookie: string }> {
      const cookie = random();
      const sealedTokens = deps.secretBox.seal(JSON.stringify(tokens), `console_tokens:${hashToken(cookie)}`);
      const csrfToken = random();
      const now = deps.now();
      await executeStatement(deps.em(), sql`
        insert into console_sessions (id_hash, csrf_token, account_id, sealed_tokens, created_at, expires_at)
        values (${hashToken(cookie)}, ${csrfToken}, ${accountId}::uuid, ${sealedTokens}, ${now}, ${new Date(now.getTime() + ttlSeconds * 1000)})`);
      return { cookie };
    },
    async find(cookie: string | undefined): Promise<SignedInSession | undefined> {
      const row = await find(cookie);
      if (row?.account_id == null || row.sealed_tokens === null || cookie === undefined) return undefined;
      const tokens = JSON.parse(deps.secretBox.open(row.sealed_tokens, `console_tokens:${row.id_hash}`)) as ConsoleTokens;
      return { accountId: row.account_id, csrfToken: row.csrf_token, tokens };
    },
    end: remove,
    /** Expired rows (run with the other housekeeping). */
    async deleteExpired(): Promise<number> {
      return executeStatement(deps.em(), sql`delete from console_sessions where expires_at <= ${deps.now()}`);
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;

/** The CSRF token of a form equals the session's (compared in constant time). */
export function isCsrfTokenValid(session: SignedInSession, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length !== session.csrfToken.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(session.csrfToken));
}
