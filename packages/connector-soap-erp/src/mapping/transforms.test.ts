import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transformSchema, type Transform } from '../profile/schema.js';
import { applyTransform, applyTransforms, parseDate, parseDecimal, TransformError } from './transforms.js';

const t = (input: unknown): Transform => transformSchema.parse(input);

describe('transforms', () => {
  it.each<[unknown, unknown, unknown]>([
    ['trim', '  Norte SL ', 'Norte SL'],
    ['upper', 'es', 'ES'],
    ['lower', 'EUR', 'eur'],
    [{ alphaPad: 10 }, '1000', '0000001000'],
    [{ alphaPad: 10 }, 1000, '0000001000'],
    [{ alphaPad: 10 }, 'CUST-A', 'CUST-A'],
    ['alphaStrip', '0000001000', '1000'],
    ['alphaStrip', '0000000000', '0'],
    ['alphaStrip', 'C-0001', 'C-0001'],
    ['nullIfEmpty', '   ', null],
    ['nullIfEmpty', 'x', 'x'],
    ['country', 'es', 'ES'],
    ['country', 'ESP', 'ES'],
    ['country', 'deu', 'DE'],
    ['country', 'MEX', 'MX'],
    ['country', '', null],
    ['taxId', 'es b-12.345 678', 'ESB12345678'],
    ['abs', '-12.50', '12.50'],
    ['abs', '12.50-', '12.50'],
    ['negate', '12.50', '-12.50'],
    ['negate', '-0.10', '0.10'],
    [{ date: 'YYYY-MM-DD' }, '2026-03-15', '2026-03-15'],
    [{ date: 'YYYY-MM-DD' }, '0000-00-00', null],
    [{ date: 'YYYY-MM-DD' }, '0001-01-01', null],
    [{ date: 'YYYYMMDD' }, '20260315', '2026-03-15'],
    [{ date: 'YYYYMMDD' }, '00000000', null],
    [{ date: 'DD.MM.YYYY' }, '15.03.2026', '2026-03-15'],
    [{ date: 'DD.MM.YYYY' }, '5.3.2026', '2026-03-05'],
    [{ date: 'DD/MM/YYYY' }, '15/03/2026', '2026-03-15'],
    [{ date: 'datetime' }, '2026-03-15T23:30:00', '2026-03-15'],
    [{ date: 'datetime' }, '2026-03-15T00:30:00+02:00', '2026-03-15'],
    [{ date: 'datetime' }, '2026-03-15T23:59:59.123Z', '2026-03-15'],
    [{ date: 'datetime' }, '0001-01-01T00:00:00', null],
    [{ date: 'jde-julian' }, '126074', '2026-03-15'],
    [{ date: 'jde-julian' }, '99365', '1999-12-31'],
    [{ date: 'jde-julian' }, '124366', '2024-12-31'],
    [{ date: 'jde-julian' }, '0', null],
    [{ decimal: {} }, '1234.56', '1234.56'],
    [{ decimal: {} }, '1,234.56', '1234.56'],
    [{ decimal: {} }, ' 0012.50 ', '12.50'],
    [{ decimal: {} }, '12.50-', '-12.50'],
    [{ decimal: {} }, '.5', '0.5'],
    [{ decimal: {} }, 1234.56, '1234.56'],
    [{ decimal: {} }, 100, '100'],
    [{ decimal: { decimalSeparator: ',' } }, '1.234,56', '1234.56'],
    [{ decimal: { decimalSeparator: ',' } }, '-1234,5', '-1234.5'],
    [{ enum: { M: 'invoice', O: 'credit_note' } }, 'O', 'credit_note'],
    [{ enum: { M: 'invoice' }, default: 'ignore' }, 'N', 'ignore'],
    [{ default: 'EUR' }, undefined, 'EUR'],
    [{ default: 'EUR' }, '', 'EUR'],
    [{ default: 'EUR' }, 'USD', 'USD'],
    [{ bool: { true: ['X'], false: [''] } }, 'X', true],
    [{ bool: { true: ['true'], false: ['false'] } }, 'false', false],
    ['upper', null, null],
    [{ date: 'YYYYMMDD' }, undefined, undefined],
  ])('%j on %j gives %j', (transform, raw, expected) => {
    expect(applyTransform(raw, t(transform))).toEqual(expected);
  });

  it.each<[unknown, unknown, RegExp]>([
    ['country', 'Spain', /^country: .*'Spain'/],
    [{ alphaPad: 3 }, '12345', /alphaPad 3: longer than 3/],
    [{ date: 'YYYY-MM-DD' }, '2026-02-30', /date YYYY-MM-DD: 2026-02-30 is not a calendar date \(value '2026-02-30'\)/],
    [{ date: 'YYYYMMDD' }, '2026-03-15', /date YYYYMMDD: not a YYYYMMDD date/],
    [{ date: 'DD.MM.YYYY' }, '32.01.2026', /not a calendar date/],
    [{ date: 'datetime' }, 'yesterday', /not a datetime date \(value 'yesterday'\)/],
    [{ date: 'jde-julian' }, '126400', /day 400 does not exist in 2026/],
    [{ date: 'datetime' }, new Date('2026-03-15T10:00:00Z'), /calendar day/],
    [{ decimal: {} }, '12,5', /decimal \(separator '.'\): not a decimal number \(value '12,5'\)/],
    [{ decimal: {} }, 'abc', /not a decimal number/],
    [{ decimal: {} }, 0.1 + 0.2, /binary float/],
    [{ decimal: {} }, { a: 1 }, /expected a decimal text/],
    ['abs', 'n/a', /not a decimal number/],
    [{ enum: { M: 'invoice' } }, 'Z', /enum: unknown code; expected one of M \(value 'Z'\)/],
    [{ bool: { true: ['X'], false: [''] } }, 'Y', /bool: neither true/],
  ])('%j on %j fails naming the transform and the value', (transform, raw, message) => {
    const run = () => applyTransform(raw, t(transform));
    expect(run).toThrow(TransformError);
    expect(run).toThrow(message);
  });

  it('addDays adds the days read at another path of the record', () => {
    const record = { BLINE_DATE: '2026-01-31', NETTERMS: '030', NONE: '', BAD: '3.5' };
    expect(applyTransforms('2026-01-31', [t({ addDays: 'NETTERMS' })], record)).toBe('2026-03-02');
    expect(applyTransforms('20260131', [t({ date: 'YYYYMMDD' }), t({ addDays: 'NONE' })], record)).toBe('2026-01-31');
    expect(applyTransforms(null, [t({ addDays: 'NETTERMS' })], record)).toBeNull();
    expect(() => applyTransforms('2026-01-31', [t({ addDays: 'BAD' })], record)).toThrow("addDays BAD: BAD is not a whole number of days (value '3.5')");
    expect(() => applyTransforms('31.01.2026', [t({ addDays: 'NETTERMS' })], record)).toThrow(/put a date transform before addDays/);
    expect(() => applyTransforms('2026-01-31', [t({ addDays: 'HUGE' })], { HUGE: '99999999' })).toThrow("addDays HUGE: HUGE is out of range (more than 100 years of days) (value '99999999')");
  });

  it('applies chains in order', () => {
    expect(applyTransforms(' 0000001000 ', [t('trim'), t('alphaStrip')])).toBe('1000');
    expect(applyTransforms('', [t('nullIfEmpty'), t({ default: 'EUR' })])).toBe('EUR');
    expect(applyTransforms('-100.00', [t({ decimal: {} }), t('abs')])).toBe('100.00');
  });
});

describe('decimal parsing (properties)', () => {
  it('keeps every digit of any decimal text, with either separator and with grouping', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.nat({ max: 12 }), (negative, units, scale) => {
        const digits = units.toString().padStart(scale + 1, '0');
        const int = digits.slice(0, digits.length - scale);
        const frac = digits.slice(digits.length - scale);
        const expected = `${negative && units !== 0n ? '-' : ''}${int}${scale ? `.${frac}` : ''}`;
        const dot = `${negative ? '-' : ''}${int}${scale ? `.${frac}` : ''}`;
        expect(parseDecimal(dot)).toBe(expected);
        expect(parseDecimal(dot.replace('.', ','), ',')).toBe(expected);
        const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
        expect(parseDecimal(`${negative ? '-' : ''}${grouped}${scale ? `,${frac}` : ''}`, ',')).toBe(expected);
        expect(parseDecimal(`${int}${scale ? `.${frac}` : ''}${negative ? '-' : ''}`)).toBe(expected);
      }),
    );
  });

  it('accepts a number only when its text is exact, and then gives that text', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 4 }), (units, scale) => {
        const text = (units / 10 ** scale).toFixed(scale);
        const n = Number(text);
        expect(parseDecimal(n)).toBe(parseDecimal(String(n)));
        expect(Number(parseDecimal(n))).toBe(n);
      }),
    );
  });

  it('rejects any text that is not a decimal', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/^\s*[+-]?(\d+([.]\d*)?|[.]\d+|\d{1,3}(,\d{3})+([.]\d*)?)-?\s*$/.test(s)), (s) => {
        expect(() => parseDecimal(s)).toThrow(TransformError);
      }),
    );
  });
});

describe('date parsing (properties)', () => {
  const days = fc.integer({ min: 0, max: 200 * 366 }).map((n) => new Date(Date.UTC(1901, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));

  it('reads every calendar day in every format as the same YYYY-MM-DD', () => {
    fc.assert(
      fc.property(days, fc.constantFrom('', 'Z', '+14:00', '-12:00', '+05:30'), fc.integer({ min: 0, max: 86_399 }), (iso, offset, secs) => {
        const [y, m, d] = iso.split('-') as [string, string, string];
        expect(parseDate('YYYY-MM-DD', iso)).toBe(iso);
        expect(parseDate('YYYYMMDD', `${y}${m}${d}`)).toBe(iso);
        expect(parseDate('DD.MM.YYYY', `${d}.${m}.${y}`)).toBe(iso);
        expect(parseDate('DD/MM/YYYY', `${d}/${m}/${y}`)).toBe(iso);
        const time = new Date(secs * 1000).toISOString().slice(11, 19);
        expect(parseDate('datetime', `${iso}T${time}${offset}`)).toBe(iso);
        const year = Number(y);
        const dayOfYear = (Date.UTC(year, Number(m) - 1, Number(d)) - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
        const julian = `${Math.floor((year - 1900) / 100)}${String(year % 100).padStart(2, '0')}${String(dayOfYear).padStart(3, '0')}`;
        expect(parseDate('jde-julian', julian)).toBe(iso);
      }),
    );
  });

  it('never accepts a day that does not exist', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 29, max: 31 }), (y, m, d) => {
        const iso = `${y}-${String(m).padStart(2, '0')}-${d}`;
        const exists = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
        if (exists) expect(parseDate('YYYY-MM-DD', iso)).toBe(iso);
        else expect(() => parseDate('YYYY-MM-DD', iso)).toThrow(/not a calendar date/);
      }),
    );
  });
});
