// Issued tokens and how a token-protected endpoint judges them (wechat-api.md §6.1, §8.2–§8.3,
// §14 item 13): unknown → 40001, expired → 42001, superseded beyond its grace period → 40001.
// Dead tokens are forgotten by sweep(); liveTokens() scans every token: fine for a test double.
import { newOpaqueToken } from './identifiers.ts';
import type { OAuthScope } from './simulator-types.ts';

/** `sns_*` are user tokens from sns/oauth2; `cgi_access` from /cgi-bin/token, `stable_access` from stable_token (§6). */
export type TokenKind = 'sns_access' | 'sns_refresh' | 'cgi_access' | 'stable_access';

/** §6.1–§6.2: both app-token namespaces are accepted by token-protected APIs, yet isolated from each other. */
export const APP_TOKEN_KINDS: readonly TokenKind[] = ['cgi_access', 'stable_access'];

export interface TokenRecord {
  readonly token: string;
  readonly kind: TokenKind;
  readonly appId: string;
  readonly openId: string | null;
  readonly scope: OAuthScope | null;
  /** §8.1: a user token of a snapshot-mode virtual account. */
  readonly snapshot?: true;
  readonly issuedAt: number;
  expiresAt: number;
  /** Set when a newer token replaced this one; it stays usable until then (§6.1: 300 s overlap). */
  invalidAfter: number | null;
}

export type TokenCheck =
  | { readonly status: 'valid'; readonly record: TokenRecord }
  | { readonly status: 'unknown' | 'expired' | 'superseded' };

export interface TokenTable {
  issue(input: Omit<TokenRecord, 'token' | 'invalidAfter'>): TokenRecord;
  check(token: string, kinds: TokenKind | readonly TokenKind[], now: number): TokenCheck;
  /** Marks every other live token of (kind, appId) as replaced, usable for `graceMs` more. */
  supersedeOthers(current: TokenRecord, now: number, graceMs: number): void;
  /** Tokens of `appId` among `kinds` that are neither expired nor superseded at `now`. */
  liveTokens(appId: string, kinds: readonly TokenKind[], now: number): TokenRecord[];
  find(token: string): TokenRecord | null;
  /** Forgets tokens expired or superseded more than `retentionMs` ago (they then answer "unknown"). */
  sweep(now: number): void;
  readonly size: number;
}

// A backstop beyond the sweep: the oldest tokens are forgotten past this many (30-day refresh tokens).
const MAX_TOKENS = 100_000;

function deadSince(record: TokenRecord): number {
  return record.invalidAfter === null ? record.expiresAt : Math.min(record.invalidAfter, record.expiresAt);
}

export function createTokenTable(retentionMs: number): TokenTable {
  const tokens = new Map<string, TokenRecord>();
  let serial = 0;

  return {
    issue(input) {
      serial += 1;
      const record: TokenRecord = { ...input, token: newOpaqueToken(serial), invalidAfter: null };
      tokens.set(record.token, record);
      if (tokens.size > MAX_TOKENS) tokens.delete(tokens.keys().next().value ?? '');
      return record;
    },
    check(token, kinds, now) {
      const record = tokens.get(token);
      const accepted: readonly TokenKind[] = typeof kinds === 'string' ? [kinds] : kinds;
      if (!record || !accepted.includes(record.kind)) return { status: 'unknown' };
      if (record.invalidAfter !== null && now > record.invalidAfter) return { status: 'superseded' };
      if (now > record.expiresAt) return { status: 'expired' };
      return { status: 'valid', record };
    },
    supersedeOthers(current, now, graceMs) {
      for (const record of tokens.values()) {
        const sameFamily = record.kind === current.kind && record.appId === current.appId;
        if (sameFamily && record !== current && record.invalidAfter === null) record.invalidAfter = now + graceMs;
      }
    },
    liveTokens(appId, kinds, now) {
      return [...tokens.values()].filter((record) => record.appId === appId && kinds.includes(record.kind)
        && (record.invalidAfter === null || now <= record.invalidAfter) && now <= record.expiresAt);
    },
    find: (token) => tokens.get(token) ?? null,
    sweep(now) {
      for (const [token, record] of tokens) if (deadSince(record) + retentionMs < now) tokens.delete(token);
    },
    get size() {
      return tokens.size;
    },
  };
}
