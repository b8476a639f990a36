import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { maskPhoneNumber, toE164 } from './phone-number.ts';

describe('toE164 (wechat-api.md §5.1 phone_info)', () => {
  it('prefixes a mainland number with +86', () => {
    expect(toE164({ phoneNumber: '18339907936', purePhoneNumber: '18339907936', countryCode: '86' })).toBe('+8618339907936');
  });

  it('accepts countryCode as a number, as in the doc example', () => {
    expect(toE164({ phoneNumber: '13580006666', purePhoneNumber: '13580006666', countryCode: 86 })).toBe('+8613580006666');
  });

  it('builds a non-mainland number from countryCode and purePhoneNumber, whichever way phoneNumber shows the prefix', () => {
    for (const phoneNumber of ['+85261234567', '85261234567', '+852 6123-4567', '61234567']) {
      expect(toE164({ phoneNumber, purePhoneNumber: '61234567', countryCode: '852' })).toBe('+85261234567');
    }
    expect(toE164({ phoneNumber: '+14155550100', purePhoneNumber: '4155550100', countryCode: '+1' })).toBe('+14155550100');
  });

  it.each([
    ['a non-digit pure number', { phoneNumber: '1833990793x', purePhoneNumber: '1833990793x', countryCode: '86' }],
    ['a country code with a leading zero', { phoneNumber: '61234567', purePhoneNumber: '61234567', countryCode: '0852' }],
    ['a mainland number that is not a mobile number', { phoneNumber: '02012345678', purePhoneNumber: '02012345678', countryCode: '86' }],
    ['more than 15 digits', { phoneNumber: '123456789012345', purePhoneNumber: '12345678901234', countryCode: '44' }],
    ['fields that disagree', { phoneNumber: '18339907937', purePhoneNumber: '18339907936', countryCode: '86' }],
    ['an empty number', { phoneNumber: '', purePhoneNumber: '', countryCode: '86' }],
  ])('refuses %s', (_name, info) => {
    expect(() => toE164(info)).toThrow(AppError);
    expect(() => toE164(info)).toThrow(/unusable phone number/);
  });
});

describe('maskPhoneNumber', () => {
  it('keeps the country code prefix and the last two digits', () => {
    expect(maskPhoneNumber('+8618339907936')).toBe('+86*********36');
  });
});
