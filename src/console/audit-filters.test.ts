import { describe, expect, it } from 'vitest';
import { asUtc, auditApiQuery, auditFieldErrors, auditFiltersOf } from './audit-filters.ts';

describe('audit log filters (issue 14 #3)', () => {
  it('reads a time typed without an offset as UTC and passes anything else on unchanged', () => {
    expect(asUtc('2026-11-30')).toBe('2026-11-30T00:00:00Z');
    expect(asUtc('2026-11-30 08:00')).toBe('2026-11-30T08:00:00Z');
    expect(asUtc('2026-11-30T08:00:05')).toBe('2026-11-30T08:00:05Z');
    expect(asUtc('2026-11-30 08:00:05.250')).toBe('2026-11-30T08:00:05.250Z');
    expect(asUtc('2026-11-30T08:00:00+08:00')).toBe('2026-11-30T08:00:00+08:00');
    expect(asUtc('yesterday')).toBe('yesterday');
  });

  it('keeps the filters given (trimmed, empty ones left out) and builds the admin API query from them', () => {
    const filters = auditFiltersOf({ action: ' client.create ', actor: '', outcome: 'failure', since: '2026-11-30 08:00', cursor: '12', other: 'x' });
    expect(filters).toEqual({ action: 'client.create', outcome: 'failure', since: '2026-11-30 08:00' });
    expect(auditApiQuery(filters, { limit: 20, cursor: '12' }).toString())
      .toBe('action=client.create&outcome=failure&since=2026-11-30T08%3A00%3A00Z&limit=20&cursor=12');
  });

  it('puts the API\'s message under the form field it names, and a problem of no field under the form', () => {
    expect(auditFieldErrors('since: Invalid ISO datetime; clientId: Too big')).toEqual({ since: 'Invalid ISO datetime', client_id: 'Too big' });
    expect(auditFieldErrors('cursor: must be an id from nextCursor')).toEqual({ form: 'must be an id from nextCursor' });
  });
});
