/**
 * Business dates (property-based): a valid YYYY-MM-DD is never shifted (not by a time zone, not
 * by a round trip through Cesce's yyyyMMdd, not by day arithmetic, not in years 0000-0099 that
 * `Date.UTC` reads as 19xx), and invalid dates are refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, daysBetween, fromCesceDate, isIsoDate, toCesceDate, toInvoiceMonth } from './dates.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthDays = (y: number, m: number) => [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

/** A valid calendar date anywhere in 0000-9999, with its parts. */
const validDate = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }))
  .chain(([y, m]) => fc.tuple(fc.constant(y), fc.constant(m), fc.integer({ min: 1, max: monthDays(y, m) })))
  .map(([y, m, d]) => ({ iso: `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`, y, m, d }));

const ZONES = ['UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Europe/Madrid', 'America/St_Johns', 'Asia/Kathmandu'];
const savedTz = process.env.TZ;
afterEach(() => {
  process.env.TZ = savedTz;
});

describe('business dates (properties)', () => {
  it('a valid date is kept exactly: Cesce round trip, adding 0 days, in any time zone', () => {
    fc.assert(
      fc.property(validDate, fc.constantFrom(...ZONES), ({ iso, y, m }, tz) => {
        process.env.TZ = tz;
        expect(isIsoDate(iso)).toBe(true);
        expect(addDays(iso, 0)).toBe(iso);
        expect(daysBetween(iso, iso)).toBe(0);
        const wire = toCesceDate(iso);
        expect(wire).toBe(iso.replaceAll('-', ''));
        if (wire !== '00000000') expect(fromCesceDate(wire)).toBe(iso);
        expect(toInvoiceMonth(iso)).toBe(`${pad(y, 4)}${pad(m, 2)}`);
      }),
      { numRuns: 400 },
    );
  });

  it('day arithmetic is exact and reversible', () => {
    fc.assert(
      fc.property(validDate, fc.integer({ min: -40_000, max: 40_000 }), ({ iso }, n) => {
        let later: string;
        try {
          later = addDays(iso, n);
        } catch (error) {
          // Only a result outside 0000-9999 is refused.
          expect(error).toBeInstanceOf(TypeError);
          expect(String(error)).toMatch(/outside the years 0000-9999/);
          return;
        }
        expect(isIsoDate(later)).toBe(true);
        expect(daysBetween(iso, later)).toBe(n);
        expect(addDays(later, -n)).toBe(iso);
        expect(later < iso).toBe(n < 0);
      }),
      { numRuns: 400 },
    );
  });

  it('the day after is the next calendar day (checked against the calendar rules, not Date)', () => {
    fc.assert(
      fc.property(validDate, ({ iso, y, m, d }) => {
        fc.pre(!(y === 9999 && m === 12 && d === 31));
        const next =
          d < monthDays(y, m) ? `${pad(y, 4)}-${pad(m, 2)}-${pad(d + 1, 2)}` : m < 12 ? `${pad(y, 4)}-${pad(m + 1, 2)}-01` : `${pad(y + 1, 4)}-01-01`;
        expect(addDays(iso, 1)).toBe(next);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses dates that do not exist and text that is not YYYY-MM-DD', () => {
    const impossible = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
      .filter(([y, m, d]) => m < 1 || m > 12 || d < 1 || d > monthDays(y, m))
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    fc.assert(
      fc.property(fc.oneof(impossible, fc.string(), validDate.map((v) => `${v.iso} `), validDate.map((v) => v.iso.replaceAll('-', '/'))), (text) => {
        fc.pre(!/^\d{4}-\d{2}-\d{2}$/.test(text) || !isIsoDate(text));
        expect(isIsoDate(text)).toBe(false);
        expect(() => toCesceDate(text)).toThrow(TypeError);
        expect(() => addDays(text, 1)).toThrow(TypeError);
        expect(() => daysBetween(text, '2026-01-01')).toThrow(TypeError);
        // The same text as Cesce would send it: refused too (or "no date").
        const wire = text.replaceAll('-', '');
        if (/^\d{8}$/.test(wire) && wire !== '00000000') expect(() => fromCesceDate(wire)).toThrow(/not a valid calendar date/);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws anything but a TypeError on any input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string(), (value, text) => {
        expect(typeof isIsoDate(value)).toBe('boolean');
        try {
          const out = fromCesceDate(text);
          if (out !== null) expect(isIsoDate(out)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(TypeError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
