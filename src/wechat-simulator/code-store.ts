// One-time login codes (wechat-api.md §3.3, §8.1, §14 items 2–3): bound to (appid, user) and to the
// endpoint matching the app's kind, with a TTL, consumed on first use.
import { newLoginCode } from './identifiers.ts';
import type { OAuthScope, WeChatEndpoint } from './simulator-types.ts';

export interface IssuedCode {
  readonly code: string;
  readonly appId: string;
  readonly user: string;
  readonly endpoint: WeChatEndpoint;
  readonly scope: OAuthScope | null;
  readonly expiresAt: number;
  used: boolean;
}

export type CodeLookup =
  | { readonly status: 'invalid' }
  | { readonly status: 'expired'; readonly issued: IssuedCode }
  | { readonly status: 'used'; readonly issued: IssuedCode }
  | { readonly status: 'fresh'; readonly issued: IssuedCode };

// Keep expired codes around this long so they still answer "expired", then forget them (memory in benchmarks).
const FORGET_AFTER_MS = 3_600_000;
const SWEEP_EVERY = 1_000;

export interface CodeStore {
  issue(input: Omit<IssuedCode, 'code' | 'used'>, now: number): string;
  lookup(code: string, appId: string, endpoint: WeChatEndpoint, now: number): CodeLookup;
}

export function createCodeStore(): CodeStore {
  const codes = new Map<string, IssuedCode>();
  let issuedSinceSweep = 0;

  function sweep(now: number): void {
    issuedSinceSweep = 0;
    for (const [code, issued] of codes) if (issued.expiresAt + FORGET_AFTER_MS < now) codes.delete(code);
  }

  return {
    issue(input, now) {
      issuedSinceSweep += 1;
      if (issuedSinceSweep >= SWEEP_EVERY) sweep(now);
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
  };
}
