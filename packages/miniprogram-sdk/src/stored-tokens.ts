/**
 * One token set as kept in wx.setStorageSync: absolute expiry times computed on the device's own
 * clock when the tokens arrived (so server clock skew does not matter), and the time to refresh
 * ahead of expiry. Anything unreadable in storage is treated as "not logged in".
 */
import type { TokenResponse } from './token-endpoint.ts';
import type { WxLike } from './wx-like.ts';

export interface StoredTokens {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  readonly scope: string;
  /** The resource the access token is for (a JWT), or undefined for the userinfo token. */
  readonly resource: string | undefined;
  /** ms since the epoch, device clock. */
  readonly expiresAt: number;
  /** Refresh from here on: 60 s before expiry, or half-way through for short lifetimes. */
  readonly refreshAt: number;
}

export function toStoredTokens(response: TokenResponse, resource: string | undefined, previous: StoredTokens | undefined, now: number): StoredTokens {
  const lifetime = Math.max(0, response.expires_in) * 1000;
  return {
    accessToken: response.access_token,
    // A refresh response without a new refresh token keeps the old one (RFC 6749 §6).
    refreshToken: response.refresh_token ?? previous?.refreshToken,
    idToken: response.id_token ?? previous?.idToken,
    scope: response.scope ?? previous?.scope ?? '',
    resource,
    expiresAt: now + lifetime,
    refreshAt: now + Math.max(lifetime / 2, lifetime - 60_000),
  };
}

export interface TokenStorage {
  load(): StoredTokens | undefined;
  save(tokens: StoredTokens): void;
  clear(): void;
}

export function createTokenStorage(wx: WxLike, key: string, resource: string | undefined): TokenStorage {
  return {
    load() {
      let value: unknown;
      try {
        value = wx.getStorageSync(key);
      } catch {
        return undefined;
      }
      return isStoredTokens(value) && value.resource === resource ? value : undefined;
    },
    save(tokens) {
      // Stored without undefined members: some storages turn them into null.
      wx.setStorageSync(key, JSON.parse(JSON.stringify(tokens)) as unknown);
    },
    clear() {
      wx.removeStorageSync(key);
    },
  };
}

function isStoredTokens(value: unknown): value is StoredTokens {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const optionalString = (member: unknown): boolean => member === undefined || typeof member === 'string';
  return typeof v['accessToken'] === 'string' && typeof v['scope'] === 'string' && typeof v['expiresAt'] === 'number'
    && typeof v['refreshAt'] === 'number' && optionalString(v['refreshToken']) && optionalString(v['idToken']) && optionalString(v['resource']);
}
