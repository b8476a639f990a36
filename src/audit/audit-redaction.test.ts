import { describe, expect, it } from 'vitest';
import { withoutSecrets } from './audit-redaction.ts';

describe('withoutSecrets', () => {
  it('drops secret-named members at any depth and keeps everything else', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    expect(withoutSecrets({ appId: 'wx1', secret: 's', nested: [{ clientSecret: 'c', kind: 'k', at }], n: 1, none: null }))
      .toEqual({ appId: 'wx1', nested: [{ kind: 'k', at: '2026-01-02T03:04:05.000Z' }], n: 1, none: null });
  });

  it('passes scalars through', () => {
    expect(withoutSecrets('x')).toBe('x');
    expect(withoutSecrets(undefined)).toBeUndefined();
  });
});
