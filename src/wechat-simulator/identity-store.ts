// Stable WeChat identities (wechat-api.md §7, §3.3, §14 item 7): openid per (appid, user), unionid per
// (Open Platform, user), and exactly one session_key per (appid, openid) with a minimum rotation age.
import { newOpenIdShapedId, newSessionKey } from './identifiers.ts';

interface SessionKeyRecord {
  readonly sessionKey: string;
  readonly createdAt: number;
}

export interface IdentityStore {
  openIdOf(appId: string, user: string): string;
  unionIdOf(openPlatformId: string, user: string): string;
  /** §8.1: the virtual openid a snapshot-mode login shows for `user` (stable, never the real one, no user behind it). */
  snapshotOpenIdOf(appId: string, user: string): string;
  /** The session_key after a code exchange: the current one, or a new one if it is older than `rotationMs`. */
  sessionKeyForExchange(appId: string, openId: string, now: number): string;
  findSessionKey(appId: string, openId: string): string | null;
  /** Test control: makes `sessionKey` the current one (e.g. an official test vector's key). */
  setSessionKey(appId: string, openId: string, sessionKey: string, now: number): void;
  /** §4.3 resetusersessionkey: a new key that keeps the old one's age; null when the user has none. */
  resetSessionKey(appId: string, openId: string): string | null;
  /** The user behind an openid of `appId`, or null (§4.2: openid of another app or never seen). */
  userOf(appId: string, openId: string): string | null;
  /** (appid, user) pairs known: the simulated world, which grows with distinct users only. */
  readonly size: number;
}

function stableId(table: Map<string, string>, key: string, onCreate?: (id: string) => void): string {
  const existing = table.get(key);
  if (existing !== undefined) return existing;
  const created = newOpenIdShapedId();
  table.set(key, created);
  onCreate?.(created);
  return created;
}

// A NUL byte cannot occur in app ids or user names given over HTTP JSON in practice, so it separates key parts.
function pair(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

export function createIdentityStore(rotationMs: number): IdentityStore {
  const openIds = new Map<string, string>();
  const unionIds = new Map<string, string>();
  const sessionKeys = new Map<string, SessionKeyRecord>();
  const users = new Map<string, string>();
  const snapshotOpenIds = new Map<string, string>();

  return {
    openIdOf: (appId, user) => stableId(openIds, pair(appId, user), (openId) => users.set(pair(appId, openId), user)),
    unionIdOf: (openPlatformId, user) => stableId(unionIds, pair(openPlatformId, user)),
    snapshotOpenIdOf: (appId, user) => stableId(snapshotOpenIds, pair(appId, user)),
    sessionKeyForExchange(appId, openId, now) {
      const key = pair(appId, openId);
      const current = sessionKeys.get(key);
      // §3.3: rotation has a minimum period, so back-to-back logins can share one session_key.
      if (current && now - current.createdAt < rotationMs) return current.sessionKey;
      const sessionKey = newSessionKey();
      sessionKeys.set(key, { sessionKey, createdAt: now });
      return sessionKey;
    },
    findSessionKey: (appId, openId) => sessionKeys.get(pair(appId, openId))?.sessionKey ?? null,
    setSessionKey(appId, openId, sessionKey, now) {
      sessionKeys.set(pair(appId, openId), { sessionKey, createdAt: now });
    },
    resetSessionKey(appId, openId) {
      const current = sessionKeys.get(pair(appId, openId));
      if (!current) return null;
      // §4.3: the old key is invalid at once; the new one inherits the old expiry (here: its age).
      const sessionKey = newSessionKey();
      sessionKeys.set(pair(appId, openId), { sessionKey, createdAt: current.createdAt });
      return sessionKey;
    },
    userOf: (appId, openId) => users.get(pair(appId, openId)) ?? null,
    get size() {
      return openIds.size;
    },
  };
}
