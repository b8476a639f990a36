/**
 * Console sessions in PostgreSQL (ADR 0025): a sign-in in progress (state + sealed PKCE verifier + the
 * page to return to) and a signed-in session (account + sealed tokens, refresh token included), each
 * found by the SHA-256 of the browser's random cookie. Every worker reads the same rows, and deleting a
 * row ends the session everywhere. A session's expiry slides by the idle timeout with each request, up
 * to its absolute lifetime; its tokens are refreshed under a row lock (ADR 0025 addendum).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashToken } from '../accounts/admin-roles.ts';
import { executeStatement, queryRows, sql, toDate } from '../db/sql.ts';
import type { SecretBox } from '../keys/secret-box.ts';

/** A sign-in must come back from WeChat within this time. */
const SIGN_IN_TTL_SECONDS = 15 * 60;

export interface ConsoleTokens {
  readonly accessToken: string;
  readonly idToken: string;
  /** Rotated at every refresh (RFC 9700 §4.14.2): only the latest one works. */
  readonly refreshToken: string | undefined;
  /** When the access token expires, in the app clock's milliseconds (from the token response's expires_in). */
  readonly accessTokenExpiresAt: number;
}

/** Session lifetime settings (src/config.ts `console`). */
export interface SessionLifetime { readonly idleTimeoutSeconds: number; readonly lifetimeSeconds: number }

/** The access token is refreshed when it expires within this time, so no admin API call meets an expired one. */
export const REFRESH_MARGIN_MS = 30_000;

export interface SignInTransaction { readonly state: string; readonly verifier: string; readonly invitationHash: string | null; readonly returnTo: string | null }

export interface SignedInSession {
  readonly accountId: string;
  readonly csrfToken: string;
  readonly tokens: ConsoleTokens;
}

interface Row {
  id_hash: string; csrf_token: string; state: string | null; sealed_verifier: string | null; invitation_hash: string | null;
  return_to: string | null; account_id: string | null; sealed_tokens: string | null; created_at: Date | string; expires_at: Date | string;
}

const random = (): string => randomBytes(32).toString('base64url');

/** Console refreshes a process runs at once (each holds a pooled connection while the token endpoint needs others). */
const CONCURRENT_REFRESHES = 2;

export function createConsoleSessions(deps: { em: () => EntityManager; secretBox: Pick<SecretBox, 'seal' | 'open'>; now: () => Date; lifetime: SessionLifetime }) {
  const refreshSlots = createSlots(CONCURRENT_REFRESHES);
  const isCookie = (cookie: string | undefined): cookie is string => cookie !== undefined && /^[A-Za-z0-9_-]{43}$/.test(cookie);
  const find = async (cookie: string | undefined, em: EntityManager = deps.em(), lock = false): Promise<Row | undefined> => {
    if (!isCookie(cookie)) return undefined;
    const rows = await queryRows<Row>(em, lock
      ? sql`select * from console_sessions where id_hash = ${hashToken(cookie)} for update`
      : sql`select * from console_sessions where id_hash = ${hashToken(cookie)}`);
    const row = rows[0];
    return row !== undefined && toDate(row.expires_at) > deps.now() ? row : undefined;
  };
  const insert = async (values: { state?: string; sealedVerifier?: string; invitationHash?: string | null; returnTo?: string | null; ttlSeconds: number }): Promise<{ cookie: string; csrfToken: string }> => {
    const cookie = random();
    const csrfToken = random();
    const now = deps.now();
    await executeStatement(deps.em(), sql`
      insert into console_sessions (id_hash, csrf_token, state, sealed_verifier, invitation_hash, return_to, created_at, expires_at)
      values (${hashToken(cookie)}, ${csrfToken}, ${values.state ?? null}, ${values.sealedVerifier ?? null}, ${values.invitationHash ?? null},
        ${values.returnTo ?? null}, ${now}, ${new Date(now.getTime() + values.ttlSeconds * 1000)})`);
    return { cookie, csrfToken };
  };
  /** Idle expiry from now, capped by the absolute lifetime counted from the sign-in (`find` says the same in SQL). */
  const slidingExpiry = (createdAt: Date): Date => new Date(Math.min(
    deps.now().getTime() + deps.lifetime.idleTimeoutSeconds * 1000, createdAt.getTime() + deps.lifetime.lifetimeSeconds * 1000));
  const open = (row: Row): ConsoleTokens => JSON.parse(deps.secretBox.open(row.sealed_tokens ?? '', `console_tokens:${row.id_hash}`)) as ConsoleTokens;
  const seal = (idHash: string, tokens: ConsoleTokens): string => deps.secretBox.seal(JSON.stringify(tokens), `console_tokens:${idHash}`);
  const signedIn = (row: Row | undefined): SignedInSession | undefined => (row?.account_id == null || row.sealed_tokens === null
    ? undefined : { accountId: row.account_id, csrfToken: row.csrf_token, tokens: open(row) });
  // Written as "not comfortably valid" so a row sealed before expiries were kept (NaN) counts as expired.
  const needsRefresh = (tokens: ConsoleTokens): boolean => !(tokens.accessTokenExpiresAt - REFRESH_MARGIN_MS > deps.now().getTime());
  const remove = async (cookie: string | undefined): Promise<void> => {
    if (cookie !== undefined) await executeStatement(deps.em(), sql`delete from console_sessions where id_hash = ${hashToken(cookie)}`);
  };

  return {
    /** A new sign-in: returns its cookie and the state and verifier for the authorization request. */
    async beginSignIn(invitationHash: string | null, returnTo: string | null = null): Promise<{ cookie: string; state: string; verifier: string }> {
      const state = random();
      const verifier = random();
      const { cookie } = await insert({ state, sealedVerifier: deps.secretBox.seal(verifier, `console_verifier:${state}`), invitationHash, returnTo, ttlSeconds: SIGN_IN_TTL_SECONDS });
      return { cookie, state, verifier };
    },
    /** The sign-in of this cookie, spent (a state works once). */
    async takeSignIn(cookie: string | undefined): Promise<SignInTransaction | undefined> {
      const row = await find(cookie);
      await remove(cookie);
      if (row?.state == null || row.sealed_verifier === null) return undefined;
      return {
        state: row.state, verifier: deps.secretBox.open(row.sealed_verifier, `console_verifier:${row.state}`),
        invitationHash: row.invitation_hash, returnTo: row.return_to,
      };
    },
    /** A signed-in session under a new cookie (never the sign-in's: no session fixation), for the idle timeout. */
    async signIn(accountId: string, tokens: ConsoleTokens): Promise<{ cookie: string }> {
      const cookie = random();
      const idHash = hashToken(cookie);
      const now = deps.now();
      await executeStatement(deps.em(), sql`
        insert into console_sessions (id_hash, csrf_token, account_id, sealed_tokens, created_at, expires_at)
        values (${idHash}, ${random()}, ${accountId}::uuid, ${seal(idHash, tokens)}, ${now}, ${slidingExpiry(now)})`);
      return { cookie };
    },
    /**
     * The signed-in session of this cookie, its expiry slid on by this request, and its access token
     * refreshed by `refresh` when it expires within REFRESH_MARGIN_MS. Most requests need no refresh: for
     * them this is one conditional UPDATE … RETURNING, with no transaction and no lock beyond the
     * statement's own. A refresh runs with the row locked (`select … for update`) and the tokens read
     * again after the lock: a concurrent request of the same session waits (its UPDATE waits for the lock
     * too), then finds fresh tokens and uses them, so a rotated refresh token is never presented twice
     * (which the provider would take for reuse and revoke the grant, ADR 0003).
     * Undefined when there is no such session, or `refresh` was refused (the session is then deleted).
     */
    async find(cookie: string | undefined, refresh: (current: ConsoleTokens & { refreshToken: string }) => Promise<ConsoleTokens | undefined>): Promise<SignedInSession | undefined> {
      if (!isCookie(cookie)) return undefined;
      const now = deps.now();
      // Only a live signed-in session slides (not a sign-in in progress), to min(now + idle, created_at + lifetime).
      const rows = await queryRows<Row>(deps.em(), sql`
        update console_sessions
        set expires_at = least(${new Date(now.getTime() + deps.lifetime.idleTimeoutSeconds * 1000)}::timestamptz,
          created_at + make_interval(secs => ${deps.lifetime.lifetimeSeconds}))
        where id_hash = ${hashToken(cookie)} and expires_at > ${now} and account_id is not null and sealed_tokens is not null
        returning *`);
      const current = signedIn(rows[0]);
      if (current === undefined || !needsRefresh(current.tokens)) return current;
      // A refresh holds its row lock, and so a pooled connection, while wxbridge's own token endpoint
      // answers, which needs connections of the same pool: only a few at a time per process, so many
      // admins refreshing at once queue here instead of taking every connection the token endpoint needs.
      const release = await refreshSlots.acquire();
      try {
        return await deps.em().fork().transactional(async (em) => {
          const row = await find(cookie, em, true);
          const session = signedIn(row);
          // Refreshed by another request while this one waited: its tokens are the ones to use.
          if (row === undefined || session === undefined || !needsRefresh(session.tokens)) return session;
          const { refreshToken } = session.tokens;
          const tokens = refreshToken === undefined ? undefined : await refresh({ ...session.tokens, refreshToken });
          if (tokens === undefined) {
            await executeStatement(em, sql`delete from console_sessions where id_hash = ${row.id_hash}`);
            return undefined;
          }
          // The expiry slides again from now: the refresh may have waited for a slot and for the lock.
          await executeStatement(em, sql`update console_sessions set sealed_tokens = ${seal(row.id_hash, tokens)}, expires_at = ${slidingExpiry(toDate(row.created_at))}
            where id_hash = ${row.id_hash}`);
          return { ...session, tokens };
        });
      } finally {
        release();
      }
    },
    end: remove,
    /** Expired rows (run with the other housekeeping). */
    async deleteExpired(): Promise<number> {
      return executeStatement(deps.em(), sql`delete from console_sessions where expires_at <= ${deps.now()}`);
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;

/** At most `size` holders at once; the others wait in arrival order. `acquire` resolves to the release. */
export function createSlots(size: number): { acquire(): Promise<() => void> } {
  let free = size;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) free += 1;
    else next();
  };
  return {
    acquire() {
      if (free > 0) {
        free -= 1;
        return Promise.resolve(release);
      }
      return new Promise((resolve) => { waiting.push(() => { resolve(release); }); });
    },
  };
}

/** The CSRF token of a form equals the session's (compared in constant time). */
export function isCsrfTokenValid(session: SignedInSession, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length !== session.csrfToken.length) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(session.csrfToken));
}
