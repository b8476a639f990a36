// One-time login codes (wechat-api.md §3.3, §8.1, §14 items 2–3): bound to (appid, user, scope) and to the
// endpoint matching the app's kind, with a TTL, consumed on first use. A used code is remembered until it
// expires (a second use says 40163); an expired OAuth code a little longer (it says 42003, where an expired
// mini-program code says 40029 like an unknown one, §3.3), then it is forgotten.
import { newLoginCode } from './identifiers.ts';
import type { OAuthScope, WeChatEndpoint } from './simulator-types.ts';

export interface IssuedCode {
  readonly code: string;
  readonly appId: string;
  readonly user: string;
  readonly endpoint: WeChatEndpoint;
  readonly scope: OAuthScope | null;
  /** §8.1 snapshot page: the exchange answers a virtual account (official accounts only). */
  readonly snapshot: boolean;
  readonly expiresAt: number;
  used: boolean;
}

export type CodeLookup =
  | { readonly status: 'invalid' }
  | { readonly status: 'expired'; readonly issued: IssuedCode }
  | { readonly status: 'used'; readonly issued: IssuedCode }
  | { readonly status: 'fresh'; readonly issued: IssuedCode };

export interface CodeStore {
  issue(input: Omit<IssuedCode, 'code' | 'used'>): string;
  lookup(code: string, appId: string, endpoint: WeChatEndpoint, now: number): CodeLookup;
  /** Forgets every expired code, used or not: mini-program codes at once, OAuth codes `retentionMs` later. */
  sweep(now: number): void;
  /** Codes held per endpoint (memory checks). */
  count(endpoint: WeChatEndpoint): number;
}

export function createCodeStore(retentionMs: number): CodeStore {
  const codes = new Map<string, IssuedCode>();

  return {
    issue(input) {
      const code = newLoginCode();
      codes.set(code, { ...input, code, used: false });
      return code;
    },
    lookup(code, appId, endpoint, now) {
      const issued = codes.get(code);
      // Another app's code, or a mini-program code at the OAuth endpoint (and vice versa), is just "invalid".
      if (!issued || issued.appId !== appId || issued.endpoint !== endpoint) return { status: 'invalid' };
      if (now > issued.expiresAt) return { status: 'expired', issued };
      if (issued.used) return { status: 'used', issued };
      return { status: 'fresh', issued };
    },
    sweep(now) {
      for (const [code, issued] of codes) {
        const keptUntil = issued.expiresAt + (issued.endpoint === 'oauth2_access_token' ? retentionMs : 0);
        if (keptUntil < now) codes.delete(code);
      }
    },
    count(endpoint) {
      let held = 0;
      for (const issued of codes.values()) if (issued.endpoint === endpoint) held += 1;
      return held;
    },
  };
}
