/**
 * Central WeChat access tokens (design.md §4, wechat-api.md §6, §12 rules 3 and 7): one token per app in
 * PostgreSQL, shared by every instance, fetched with `cgi-bin/stable_token` only (`cgi-bin/token` would
 * invalidate other holders). A refresh runs under a per-app advisory lock; an instance that finds the
 * lock taken waits, re-reads and never calls WeChat itself. A token WeChat rejects (40001/40014/42001)
 * is replaced by one forced refresh — a compare-and-swap on `generation`, so N concurrent rejections
 * cause one refresh — and the call is retried once (docs/decisions/0010).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../keys/secret-box.ts';
import { isAccessTokenRejected, WeChatError } from '../wechat/wechat-errors.ts';
import { forceRefreshWaitMs, refreshTimeFor } from './access-token-timing.ts';
import type { AccessTokenRepository, StoredAccessToken } from './wechat-access-token.repository.ts';

/** What the cache needs of the WeChat client (src/wechat/wechat-client.ts). */
export interface StableTokenSource {
  fetchStableToken(input: { appId: string; secret: string; forceRefresh: boolean }): Promise<{ accessToken: string; expiresInSeconds: number }>;
}

/** What the cache needs of the app registry (src/wechat-apps/wechat-app-registry.ts). */
export interface AppSecretSource {
  findCredentials(appId: string): Promise<{ secret: string } | null>;
}

export interface WeChatAccessTokens {
  /** Runs `call` with the app's token; on a token rejection, refreshes (once, shared) and retries once. */
  withAccessToken<T>(appId: string, call: (accessToken: string) => Promise<T>): Promise<T>;
}

interface CachedToken { readonly token: string; readonly generation: number }

type RefreshMode = { readonly force: false } | { readonly force: true; readonly rejected: number };

const tokenContext = (appId: string): string => `wechat_access_token:${appId}`;

const unavailable = (message: string, retryAfterSeconds?: number): WeChatError =>
  new WeChatError('wechat.unavailable', message, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });

/** PostgreSQL `lock_not_available` (55P03), raised when `lock_timeout` ends a wait; drivers may wrap it. */
function isLockTimeout(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === '55P03') return true;
  }
  return false;
}

export function createWeChatAccessTokens(deps: {
  em: () => EntityManager;
  tokens: AccessTokenRepository;
  wechat: StableTokenSource;
  apps: AppSecretSource;
  secretBox: SecretBox;
  /** Longest wait for another instance's refresh (a little over the WeChat timeout). */
  lockTimeoutMs: number;
  /** The time refresh and expiry are judged by. */
  now: () => Date;
  /** Told of every stable_token call this instance makes (metrics, design.md §9); forced: after a rejection. */
  onRefresh?: (forced: boolean) => void;
}): WeChatAccessTokens {
  const open = (row: StoredAccessToken): CachedToken => ({ token: deps.secretBox.open(row.tokenCiphertext, tokenContext(row.appId)), generation: row.generation });

  /** The cached token if `row` answers the request without calling WeChat, else null. */
  function usable(row: StoredAccessToken | null, mode: RefreshMode, now: Date): CachedToken | null {
    if (row === null) return null;
    // A forced refresh is satisfied once someone else replaced the rejected token.
    const ok = mode.force ? row.generation !== mode.rejected && now < row.expiresAt : now < row.refreshAt;
    return ok ? open(row) : null;
  }

  async function fetchAndStore(em: EntityManager, appId: string, secret: string, row: StoredAccessToken | null, mode: RefreshMode): Promise<CachedToken> {
    deps.onRefresh?.(mode.force);
    const fetched = await deps.wechat.fetchStableToken({ appId, secret, forceRefresh: mode.force });
    const fetchedAt = deps.now();
    const next: StoredAccessToken = {
      appId,
      tokenCiphertext: deps.secretBox.seal(fetched.accessToken, tokenContext(appId)),
      generation: (row?.generation ?? 0) + 1,
      fetchedAt,
      refreshAt: refreshTimeFor(fetchedAt, fetched.expiresInSeconds),
      expiresAt: new Date(fetchedAt.getTime() + fetched.expiresInSeconds * 1000),
      forcedAt: mode.force ? fetchedAt : (row?.forcedAt ?? null),
    };
    await deps.tokens.save(em, next);
    return { token: fetched.accessToken, generation: next.generation };
  }

  async function refreshUnderLock(em: EntityManager, appId: string, secret: string, mode: RefreshMode): Promise<CachedToken> {
    await deps.tokens.limitLockWait(em, deps.lockTimeoutMs);
    if (!(await deps.tokens.tryLock(em, appId))) {
      // Another instance is refreshing: wait for it, use its result, and never call WeChat from here.
      await deps.tokens.lock(em, appId);
      const replaced = usable(await deps.tokens.find(em, appId), mode, deps.now());
      if (replaced !== null) return replaced;
      throw unavailable('the WeChat access token could not be refreshed by another instance');
    }
    const row = await deps.tokens.find(em, appId);
    const now = deps.now();
    const cached = usable(row, mode, now);
    if (cached !== null) return cached;
    const wait = mode.force ? forceRefreshWaitMs(row?.forcedAt ?? null, now) : 0;
    if (wait > 0) throw unavailable('WeChat rejected an access token forced less than 30 s ago', Math.ceil(wait / 1000));
    return fetchAndStore(em, appId, secret, row, mode);
  }

  async function refresh(appId: string, mode: RefreshMode): Promise<CachedToken> {
    // Read before the transaction: the lock holder must never need a second pool connection.
    const app = await deps.apps.findCredentials(appId);
    if (app === null) throw new WeChatError('wechat.misconfigured', `no WeChat app ${appId} to fetch an access token for`);
    try {
      return await deps.em().fork().transactional((em) => refreshUnderLock(em, appId, app.secret, mode));
    } catch (error) {
      if (isLockTimeout(error)) throw unavailable('timed out waiting for another instance to refresh the WeChat access token');
      throw error;
    }
  }

  async function current(appId: string): Promise<CachedToken> {
    const cached = usable(await deps.tokens.find(deps.em(), appId), { force: false }, deps.now());
    return cached ?? refresh(appId, { force: false });
  }

  return {
    async withAccessToken(appId, call) {
      const first = await current(appId);
      try {
        return await call(first.token);
      } catch (error) {
        if (!isAccessTokenRejected(error)) throw error;
        const replaced = await refresh(appId, { force: true, rejected: first.generation });
        // Exactly one retry (WxJava disables a second auto-refresh, wechat-api §6.3).
        return await call(replaced.token);
      }
    },
  };
}
