/**
 * Money helpers (property-based): decimal texts are parsed, added, negated and compared exactly
 * (checked against bigint arithmetic on the digits, never a float), and survive Cesce's
 * decimal-comma wire format both ways. Anything that is not a number is a TypeError, whatever it is.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  abs,
  addDecimal,
  compareDecimal,
  decimalFromNumber,
  fromCesceDecimal,
  fromMinorUnits,
  negate,
  normalizeDecimal,
  toCesceDecimal,
  toMinorUnits,
} from './money.js';

const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));
/** A canonical decimal text ("-123.45") with `scale` decimals, and its exact value in minor units. */
const decimal = (scale: number) =>
  fc.tuple(fc.boolean(), digits(1, 25), digits(scale, scale)).map(([neg, int, frac]) => {
    const text = `${neg ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
    return { text, minor: BigInt(`${neg ? '-' : ''}${int}${frac}`) };
  });
const scale = fc.integer({ min: 0, max: 6 });

describe('money (properties)', () => {
  it('parses any decimal text exactly, whatever its length', () => {
    fc.assert(
      fc.property(scale.chain((s) => fc.tuple(fc.constant(s), decimal(s))), ([s, d]) => {
        expect(toMinorUnits(d.text, s)).toBe(d.minor);
        expect(normalizeDecimal(d.text, s)).toBe(fromMinorUnits(d.minor, s));
        // The same number with a decimal comma, as Cesce writes it.
        expect(toMinorUnits(d.text.replace('.', ','), s)).toBe(d.minor);
      }),
      { numRuns: 300 },
    );
  });

  it('adds, negates, compares and takes absolute values exactly (bigint reference)', () => {
    fc.assert(
      fc.property(scale.chain((s) => fc.tuple(fc.constant(s), decimal(s), decimal(s))), ([s, a, b]) => {
        expect(toMinorUnits(addDecimal(a.text, b.text), s)).toBe(a.minor + b.minor);
        expect(addDecimal(a.text, negate(a.text))).toMatch(/^0(\.0+)?$/);
        expect(negate(negate(a.text))).toBe(normalizeDecimal(a.text, s));
        expect(compareDecimal(a.text, b.text)).toBe(a.minor < b.minor ? -1 : a.minor > b.minor ? 1 : 0);
        expect(toMinorUnits(abs(a.text), s)).toBe(a.minor < 0n ? -a.minor : a.minor);
      }),
      { numRuns: 300 },
    );
  });

  it('adds amounts of different scales at the larger scale', () => {
    fc.assert(
      fc.property(decimal(0), decimal(2), decimal(4), (a, b, c) => {
        const sum = addDecimal(addDecimal(a.text, b.text), c.text);
        expect(toMinorUnits(sum, 4)).toBe(a.minor * 10_000n + b.minor * 100n + c.minor);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips through the Cesce decimal format ("1234,56")', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }).chain((s) => fc.tuple(fc.constant(s), decimal(s))), ([s, d]) => {
        const wire = toCesceDecimal(d.text, s);
        expect(wire).toMatch(/^-?\d+,\d+$/);
        expect(wire).not.toContain('.');
        expect(fromCesceDecimal(wire, s)).toBe(normalizeDecimal(d.text, s));
      }),
      { numRuns: 300 },
    );
  });

  it('reads a float from an ERP through its shortest text, rounding half away from zero on the digits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 1000), fc.constantFrom(0.0451, 1.005, 2.675, -0.5, 5e-324, 0.1 + 0.2)), fc.integer({ min: 0, max: 4 }), (n, s) => {
        const text = decimalFromNumber(n, s);
        // Reference on the digits of String(n), computed with bigint only: every digit kept (no
        // double has more than 330 decimals), then rounded once at `s`.
        const exact = toMinorUnits(String(n), 330);
        const sign = exact < 0n ? -1n : 1n;
        const m = exact * sign;
        const d = 10n ** BigInt(330 - s);
        const rounded = (m / d + ((m % d) * 2n >= d ? 1n : 0n)) * sign;
        expect(toMinorUnits(text, s)).toBe(rounded);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses anything that is not a number with a TypeError, never another error or a hang', () => {
    const exponent = fc.tuple(digits(1, 3), fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 10 ** 12 })).map(
      ([m, e, sign, x]) => `${m}${e}${sign}${x}`,
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), exponent), (text) => {
        for (const call of [() => toMinorUnits(text, 2), () => fromCesceDecimal(text), () => normalizeDecimal(text, 2)]) {
          try {
            const out = call();
            expect(String(out)).toMatch(/^-?\d+(\.\d+)?$/);
          } catch (error) {
            expect(error).toBeInstanceOf(TypeError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
