/**
 * WeChat `phone_info` → an E.164 number (wechat-api.md §5.1): `purePhoneNumber` never carries the
 * country code, `phoneNumber` does for non-mainland numbers, `countryCode` is a string (a number in
 * the doc example). The E.164 form is `+` + countryCode + purePhoneNumber; the three fields must agree.
 */
import { AppError } from '../errors.ts';

export interface WeChatPhoneInfo {
  readonly phoneNumber: string;
  readonly purePhoneNumber: string;
  readonly countryCode: string | number;
}

const COUNTRY_CODE = /^[1-9]\d{0,2}$/;
const DIGITS = /^\d{4,14}$/;
// Mainland mobile numbers: 11 digits starting with 1 (what getPhoneNumber returns for +86).
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

const invalid = (why: string): AppError => new AppError('wechat.rejected', `WeChat returned an unusable phone number: ${why}`);

/** The E.164 number for `info`; throws `wechat.rejected` when WeChat's fields are malformed or disagree. */
export function toE164(info: WeChatPhoneInfo): string {
  const countryCode = String(info.countryCode).trim().replace(/^\+/, '');
  const pure = info.purePhoneNumber.trim();
  if (!COUNTRY_CODE.test(countryCode)) throw invalid('country code is not 1–3 digits');
  if (!DIGITS.test(pure)) throw invalid('purePhoneNumber is not 4–14 digits');
  if (countryCode.length + pure.length > 15) throw invalid('longer than 15 digits (E.164)');
  if (countryCode === '86' && !MAINLAND_MOBILE.test(pure)) throw invalid('not a mainland mobile number');
  // phoneNumber is either the pure number or carries the country code ("国外手机号会有区号"), with or without `+`.
  const shown = info.phoneNumber.replace(/[\s-]/g, '').replace(/^\+/, '');
  if (shown !== pure && shown !== `${countryCode}${pure}`) throw invalid('phoneNumber disagrees with purePhoneNumber');
  return `+${countryCode}${pure}`;
}

/** For logs: the country code and the last two digits only (test-catalogue S-01 "phone numbers masked"). */
export function maskPhoneNumber(e164: string): string {
  return `${e164.slice(0, 3)}${'*'.repeat(Math.max(0, e164.length - 5))}${e164.slice(-2)}`;
}
