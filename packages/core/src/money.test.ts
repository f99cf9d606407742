import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decimalFromNumber, fromCesceDecimal, fromMinorUnits, negate, toCesceDecimal, toMinorUnits } from './money.js';

describe('money', () => {
  it.each([
    [0.1 + 0.2, 2, '0.30'],
    [1234.565, 2, '1234.57'],
    [1.005, 2, '1.01'],
    [-2.5, 0, '-3'],
    [100, 2, '100.00'],
    [1e21, 2, '1000000000000000000000.00'],
    [1e-7, 2, '0.00'],
    [4182.71, 2, '4182.71'],
  ])('decimalFromNumber(%s, %s) = %s', (n, scale, expected) => {
    expect(decimalFromNumber(n, scale)).toBe(expected);
  });

  it('converts to and from Cesce’s decimal comma', () => {
    expect(toCesceDecimal('100000.00')).toBe('100000,00');
    expect(toCesceDecimal('-121.5')).toBe('-121,50');
    expect(fromCesceDecimal('100000,00')).toBe('100000.00');
    expect(fromCesceDecimal('1.234,56')).toBe('1234.56');
    expect(fromCesceDecimal('0,00')).toBe('0.00');
    expect(() => fromCesceDecimal('12,3,4')).toThrow(/not a Cesce decimal/);
  });

  it('rejects text that is not a number', () => {
    expect(() => toMinorUnits('abc', 2)).toThrow(TypeError);
    expect(() => toMinorUnits('', 2)).toThrow(TypeError);
  });

  it('round-trips minor units exactly (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 4 }), (minor, scale) => {
        const text = fromMinorUnits(minor, scale);
        expect(toMinorUnits(text, scale)).toBe(minor);
        expect(fromCesceDecimal(toCesceDecimal(text, Math.max(scale, 2)), Math.max(scale, 2))).toBe(fromMinorUnits(minor * 10n ** BigInt(Math.max(scale, 2) - scale), Math.max(scale, 2)));
        expect(negate(negate(text))).toBe(text);
      }),
    );
  });
});
