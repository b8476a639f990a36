/**
 * One token set (for one audience) and how it stays valid: log in with wx.login() when there is
 * none, refresh ahead of expiry or after a 401, and log in again when the refresh token is
 * rejected. Every renewal goes through ONE in-flight promise: wxbridge rotates refresh tokens and
 * treats a second use of one as theft, revoking the whole grant (docs/decisions/0003), so two
 * concurrent refreshes must never leave the device.
 */
import { createTokenStorage, toStoredTokens, type StoredTokens, type TokenStorage } from './stored-tokens.ts';
import { requestTokens, revokeToken, WECHAT_GRANT_TYPE, type EndpointDeps } from './token-endpoint.ts';
import { WxBridgeError } from './wxbridge-error.ts';
import { wxLogin } from './wx-like.ts';

export interface TokenSessionOptions extends EndpointDeps {
  readonly storageKey: string;
  /** The resource server (JWT access token), or undefined for an opaque userinfo token. */
  readonly resource: string | undefined;
  readonly scope: string | undefined;
  readonly now: () => number;
}

export interface TokenSession {
  /** The stored tokens, if any (not renewed). */
  current(): StoredTokens | undefined;
  /** A usable access token: logs in or refreshes first when needed. */
  accessToken(): Promise<string>;
  /** After `stale` was refused with 401: a newer token (one refresh for all callers). */
  renewAfterRejection(stale: string): Promise<string>;
  /** A new wx.login() and token request, whatever is stored. */
  login(): Promise<StoredTokens>;
  /** Revokes the grant (best effort) and forgets the tokens; true when wxbridge confirmed. */
  logout(): Promise<boolean>;
}

/**
 * At most one renewal at a time: while one runs, every caller gets its promise. `invalidate()`
 * (logout) makes a renewal already running finish without storing its tokens.
 */
function createSingleFlight(storage: TokenStorage) {
  let inflight: Promise<StoredTokens> | undefined;
  let generation = 0;
  return {
    pending: () => inflight,
    invalidate: () => { generation += 1; },
    run(task: () => Promise<StoredTokens>): Promise<StoredTokens> {
      if (inflight !== undefined) return inflight;
      const startedIn = generation;
      const running = task().then((tokens) => {
        if (startedIn === generation) storage.save(tokens);
        return tokens;
      });
      inflight = running;
      const done = (): void => { if (inflight === running) inflight = undefined; };
      running.then(done, done);
      return running;
    },
  };
}

/** The two ways to get tokens: a wx.login() code, or the stored refresh token (falling back to a login). */
function createTokenTasks(options: TokenSessionOptions, storage: TokenStorage) {
  const login = async (): Promise<StoredTokens> => {
    const code = await wxLogin(options.wx, options.timeoutMs);
    const response = await requestTokens(options, { grant_type: WECHAT_GRANT_TYPE, code, scope: options.scope, resource: options.resource });
    return toStoredTokens(response, options.resource, undefined, options.now());
  };
  const refresh = async (): Promise<StoredTokens> => {
    const stored = storage.load();
    if (stored?.refreshToken === undefined) return login();
    try {
      const response = await requestTokens(options, { grant_type: 'refresh_token', refresh_token: stored.refreshToken, resource: options.resource });
      return toStoredTokens(response, options.resource, stored, options.now());
    } catch (error) {
      // The grant is gone (revoked, expired, account disabled, or a lost response made us reuse a
      // spent token): start over with a silent wx.login().
      if (!(error instanceof WxBridgeError && error.error === 'invalid_grant')) throw error;
      storage.clear();
      return login();
    }
  };
  return { login, refresh };
}

export function createTokenSession(options: TokenSessionOptions): TokenSession {
  const storage = createTokenStorage(options.wx, options.storageKey, options.resource);
  const flight = createSingleFlight(storage);
  const tasks = createTokenTasks(options, storage);

  return {
    current: () => storage.load(),
    async accessToken() {
      const pending = flight.pending();
      if (pending !== undefined) return (await pending).accessToken;
      const stored = storage.load();
      if (stored === undefined) return (await flight.run(tasks.login)).accessToken;
      if (options.now() < stored.refreshAt) return stored.accessToken;
      try {
        return (await flight.run(tasks.refresh)).accessToken;
      } catch (error) {
        // Refreshing early failed (e.g. offline): the current token is still good until it expires.
        if (options.now() < stored.expiresAt) return stored.accessToken;
        throw error;
      }
    },
    async renewAfterRejection(stale) {
      const stored = storage.load();
      // Someone else already replaced the rejected token: use theirs, do not refresh again.
      if (flight.pending() === undefined && stored !== undefined && stored.accessToken !== stale) return stored.accessToken;
      return (await flight.run(tasks.refresh)).accessToken;
    },
    login: () => flight.run(tasks.login),
    async logout() {
      flight.invalidate();
      const stored = storage.load();
      storage.clear();
      if (stored === undefined) return true;
      const [token, hint] = stored.refreshToken === undefined ? [stored.accessToken, 'access_token' as const] : [stored.refreshToken, 'refresh_token' as const];
      return revokeToken(options, token, hint).then(() => true, () => false);
    },
  };
}
