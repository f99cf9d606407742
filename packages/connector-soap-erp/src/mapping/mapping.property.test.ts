/**
 * SOAP ERP field mapping (property-based): any value an ERP answer holds, read through any chain
 * of transforms a profile may declare, ends as a value or as a message naming the transform and
 * the raw value — never a thrown error, which would stop the whole page. Text fields are kept
 * byte for byte (accents, emoji, quotes, commas, newlines, SQL-like text), and decimals exactly.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isIsoDate } from '@cesce-connect/core';
import type { FieldMap } from '../profile/schema.js';
import { transformSchema, type Transform } from '../profile/schema.js';
import { readField } from './fields.js';
import { parseDecimal } from './transforms.js';

const NASTY = ['Peña & Hijos, S.L.', 'Ñandú 🦜 "Comillas"', "'; DROP TABLE x;--", 'Línea uno\nLínea dos', 'a,b;c\td', 'Zoë 👩‍👩‍👧'];
const text = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme', maxLength: 20 }));
const scalar = fc.oneof(
  text,
  fc.constantFrom('', '  ', '0000-00-00', '00000000', '9999-12-31', '0050-01-01', '2026-02-29', '20261301', '1.234,56', '12.50-', '1e999999', 'ESP', 'es', 'X'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: false }),
  fc.bigInt(),
);
const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }), fc.dictionary(fc.constantFrom('_', 'X', '$value', 'attributes'), scalar, { maxKeys: 2 }));

const transform: fc.Arbitrary<Transform> = fc.oneof(
  fc.constantFrom('trim', 'upper', 'lower', 'alphaStrip', 'nullIfEmpty', 'country', 'taxId', 'abs', 'negate'),
  fc.record({ alphaPad: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ date: fc.constantFrom('YYYY-MM-DD', 'YYYYMMDD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'datetime', 'jde-julian') }),
  fc.record({ decimal: fc.record({ decimalSeparator: fc.constantFrom('.', ',') }) }),
  fc.record({ enum: fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }), default: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }) }, { requiredKeys: ['enum'] }),
  fc.record({ default: fc.oneof(fc.string(), fc.integer(), fc.boolean()) }),
  fc.record({ addDays: fc.constant('DAYS') }),
  fc.record({ bool: fc.record({ true: fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }), false: fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }) }) }),
) as fc.Arbitrary<Transform>;

describe('SOAP ERP field mapping (properties)', () => {
  it('any value through any transform chain: a value or a message naming the transform, never a throw', () => {
    fc.assert(
      fc.property(value, value, fc.array(transform, { maxLength: 4 }), (raw, days, transforms) => {
        for (const t of transforms) expect(transformSchema.safeParse(t).success).toBe(true);
        const map = { path: 'FIELD', transforms } as FieldMap;
        const r = readField({ FIELD: raw, DAYS: days }, map);
        if (!r.ok) {
          expect(r.message.length).toBeGreaterThan(0);
          expect(r.message.length).toBeLessThan(10_000);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a date transform then addDays gives a real YYYY-MM-DD or a message', () => {
    fc.assert(
      fc.property(fc.constantFrom('9999-12-31', '0001-01-02', '0050-03-01', '2026-09-30', '2028-02-29'), fc.integer({ min: -40_000, max: 40_000 }), (day, days) => {
        const r = readField({ FIELD: day, DAYS: String(days) }, { path: 'FIELD', transforms: [{ date: 'YYYY-MM-DD' }, { addDays: 'DAYS' }] } as FieldMap);
        if (r.ok) expect(isIsoDate(r.value)).toBe(true);
        else expect(r.message).toMatch(/^addDays DAYS: /);
      }),
      { numRuns: 300 },
    );
  });

  it('text is kept byte for byte through trim and nullIfEmpty', () => {
    fc.assert(
      fc.property(text, (s) => {
        const r = readField({ NAME: s }, { path: 'NAME', transforms: ['trim', 'nullIfEmpty'] } as FieldMap);
        expect(r).toEqual({ ok: true, value: s.trim() === '' ? null : s.trim() });
      }),
      { numRuns: 300 },
    );
  });

  it('decimal texts are read exactly, in both separator styles', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 4 }), (negative, minor, scale) => {
        const digits = minor.toString().padStart(scale + 1, '0');
        const int = digits.slice(0, digits.length - scale);
        const frac = digits.slice(digits.length - scale);
        const dot = scale > 0 ? `${int}.${frac}` : int;
        const expected = `${negative && minor !== 0n ? '-' : ''}${dot}`;
        expect(parseDecimal(`${negative ? '-' : ''}${dot}`)).toBe(expected);
        expect(parseDecimal(`${dot.replace('.', ',')}${negative ? '-' : ''}`, ',')).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
