// Issued tokens and how a token-protected endpoint judges them (wechat-api.md §6.1, §8.2–§8.3,
// §14 item 13): unknown → 40001, expired → 42001, superseded beyond its grace period → 40001.
import { newOpaqueToken } from './identifiers.ts';
import type { OAuthScope } from './simulator-types.ts';

/** `sns_*` are user tokens from sns/oauth2; `cgi_access`/`stable_access` are reserved for §6 (not served yet). */
export type TokenKind = 'sns_access' | 'sns_refresh' | 'cgi_access' | 'stable_access';

export interface TokenRecord {
  readonly token: string;
  readonly kind: TokenKind;
  readonly appId: string;
  readonly openId: string | null;
  readonly scope: OAuthScope | null;
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
  check(token: string, kind: TokenKind, now: number): TokenCheck;
  /** Marks every other live token of (kind, appId) as replaced, usable for `graceMs` more. */
  supersedeOthers(current: TokenRecord, now: number, graceMs: number): void;
}

// Oldest tokens are forgotten beyond this many, so a long benchmark run does not grow without bound.
const MAX_TOKENS = 200_000;

export function createTokenTable(): TokenTable {
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
    check(token, kind, now) {
      const record = tokens.get(token);
      if (!record || record.kind !== kind) return { status: 'unknown' };
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
  };
}
