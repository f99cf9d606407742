import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, fromCesceDate, isIsoDate, toCesceDate, toInvoiceMonth } from './dates.js';

describe('business dates', () => {
  it('validates calendar dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('2026-1-01')).toBe(false);
  });

  it('counts days across DST changes and year ends without shifting', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
    expect(daysBetween('2026-12-31', '2027-01-30')).toBe(30);
    expect(addDays('2026-09-30', 60)).toBe('2026-11-29');
  });

  it('converts to and from Cesce’s yyyyMMdd, "0" meaning none', () => {
    expect(toCesceDate('2026-09-01')).toBe('20260901');
    expect(fromCesceDate('20260901')).toBe('2026-09-01');
    expect(fromCesceDate('0')).toBeNull();
    expect(fromCesceDate('')).toBeNull();
    expect(() => fromCesceDate('20261301')).toThrow(/calendar date/);
    expect(toInvoiceMonth('2026-11-30')).toBe('202611');
  });

  it('is independent of the process time zone', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      expect(addDays('2026-01-01', 0)).toBe('2026-01-01');
      expect(fromCesceDate('20260101')).toBe('2026-01-01');
    } finally {
      process.env.TZ = tz;
    }
  });
});
