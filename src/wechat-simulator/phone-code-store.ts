// One-time phone codes from `<button open-type="getPhoneNumber">` (wechat-api.md §5.1, §14 item 14): 64 hex
// characters, bound to one app and one user, valid 300 s, single use; each carries the number it reveals.
// Used and expired codes are forgotten: WeChat answers 40029 for them exactly as for unknown ones.
import { randomBytes } from 'node:crypto';

export interface PhoneGrant {
  /** As WeChat returns it: with the country code for non-mainland numbers (§5.1 "国外手机号会有区号"). */
  readonly phoneNumber: string;
  readonly purePhoneNumber: string;
  /** A string on the wire (§5.1 [CONFLICT]: the doc example shows a number, real responses a string). */
  readonly countryCode: string;
}

export interface IssuedPhoneCode extends PhoneGrant {
  readonly code: string;
  readonly appId: string;
  readonly user: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type PhoneCodeLookup =
  | { readonly status: 'invalid' | 'expired' }
  | { readonly status: 'fresh'; readonly issued: IssuedPhoneCode };

export interface PhoneCodeStore {
  issue(input: Omit<IssuedPhoneCode, 'code'>): string;
  lookup(code: string, appId: string, now: number): PhoneCodeLookup;
  /** Spends a code: it is forgotten at once, as a used code answers like an unknown one (40029). */
  consume(code: string): void;
  /** Forgets expired codes (they answer 40029 like unknown ones, so nothing needs them). */
  sweep(now: number): void;
  readonly size: number;
}

export function createPhoneCodeStore(): PhoneCodeStore {
  const codes = new Map<string, IssuedPhoneCode>();

  return {
    issue(input) {
      const code = randomBytes(32).toString('hex');
      codes.set(code, { ...input, code });
      return code;
    },
    lookup(code, appId, now) {
      const issued = codes.get(code);
      // Another app's code is simply unknown to this app (the token names the app).
      if (!issued || issued.appId !== appId) return { status: 'invalid' };
      if (now > issued.expiresAt) return { status: 'expired' };
      return { status: 'fresh', issued };
    },
    consume(code) {
      codes.delete(code);
    },
    sweep(now) {
      for (const [code, issued] of codes) if (issued.expiresAt < now) codes.delete(code);
    },
    get size() {
      return codes.size;
    },
  };
}

/** A plausible mainland mobile number: 1, then 3–9, then nine digits (11 in all). */
export function randomMainlandNumber(): string {
  const digits = randomBytes(9).reduce((out, byte) => out + String(byte % 10), '');
  return `1${String(3 + (randomBytes(1)[0] ?? 0) % 7)}${digits}`;
}

/**
 * The number as WeChat shows it: bare for +86, prefixed with the country code otherwise.
 * [UNCONFIRMED] whether the prefix carries a `+`; `+` is used here, clients must accept both.
 */
export function phoneGrantFor(purePhoneNumber: string, countryCode: string): PhoneGrant {
  const phoneNumber = countryCode === '86' ? purePhoneNumber : `+${countryCode}${purePhoneNumber}`;
  return { phoneNumber, purePhoneNumber, countryCode };
}
