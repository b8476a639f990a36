import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and days; a bare number is seconds', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('1s')).toBe(1);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('2d')).toBe(172_800);
  });

  it('refuses anything else', () => {
    for (const text of ['', 'h', '1.5h', '-1s', '1w', '1 h', '1hh', '99999999']) expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('uses the largest whole unit', () => {
    expect(formatDuration(86_400)).toBe('1d');
    expect(formatDuration(7200)).toBe('2h');
    expect(formatDuration(90)).toBe('90s');
    expect(formatDuration(0)).toBe('0s');
  });
});
