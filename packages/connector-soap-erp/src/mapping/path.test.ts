import { describe, expect, it } from 'vitest';
import { transformSchema } from '../profile/schema.js';
import { asArray, getAll, normalizeArrays } from './arrays.js';
import { fieldLabel, readField } from './fields.js';
import { getPath } from './path.js';

describe('getPath', () => {
  const answer = {
    CUSTOMERADDRESS: { NAME: 'Norte SL', COUNTRY: null },
    AMOUNT: { attributes: { currency: 'EUR' }, $value: '100.50' },
    DUE: { attributes: { 'xsi:nil': 'true' } },
    ITEMS: { item: [{ A: '1' }, { A: '2' }] },
  };

  it('reads text, attributes, $value text, nil and missing values', () => {
    expect(getPath(answer, 'CUSTOMERADDRESS.NAME')).toBe('Norte SL');
    expect(getPath(answer, 'CUSTOMERADDRESS.COUNTRY')).toBeNull();
    expect(getPath(answer, 'AMOUNT')).toBe('100.50');
    expect(getPath(answer, 'AMOUNT.attributes.currency')).toBe('EUR');
    expect(getPath(answer, 'DUE')).toBeNull();
    expect(getPath(answer, 'DUE.DATE')).toBeNull();
    expect(getPath(answer, 'NOPE.X')).toBeUndefined();
    expect(getPath(answer, 'CUSTOMERADDRESS.NAME.X')).toBeUndefined();
    expect(getPath(answer, 'ITEMS.item.A')).toBe('1');
    expect(getPath(answer, '')).toBe(answer);
  });
});

describe('arrays', () => {
  it('makes one row, no row, an empty wrapper and many rows all arrays', () => {
    expect(asArray(undefined)).toEqual([]);
    expect(asArray(null)).toEqual([]);
    expect(asArray('')).toEqual([]);
    expect(asArray({ A: '1' })).toEqual([{ A: '1' }]);
    expect(getAll({ T: { item: { A: '1' } } }, 'T.item')).toEqual([{ A: '1' }]);
    expect(getAll({ T: null }, 'T.item')).toEqual([]);
    expect(getAll({ T: '' }, 'T.item')).toEqual([]);
    expect(getAll({}, 'T.item')).toEqual([]);
    expect(getAll({ R: { R: {} } }, 'R.R.Customer')).toEqual([]);
    expect(getAll({ R: { R: { Customer: [{ No: '1' }, { No: '2' }] } } }, 'R.R.Customer')).toHaveLength(2);
  });

  it('normalises configured paths in place, through arrays on the way', () => {
    const answer: Record<string, unknown> = { T: { item: { A: '1', SUB: { item: { B: 'x' } } } }, EMPTY: null };
    normalizeArrays(answer, ['T.item', 'T.item.SUB.item', 'EMPTY.item', 'MISSING.item']);
    expect(answer).toEqual({ T: { item: [{ A: '1', SUB: { item: [{ B: 'x' }] } }] }, EMPTY: null });
  });
});

describe('fields', () => {
  const ctx = { NAME: '', NAME2: ' Norte ', detail: { VAT: 'ESB12345674' }, openItem: { DUE: '20260415' } };

  it('takes the first non-empty path, a constant, and applies transforms', () => {
    expect(readField(ctx, { path: ['NAME', 'NAME2'], transforms: [transformSchema.parse('trim')] })).toEqual({ ok: true, value: 'Norte' });
    expect(readField(ctx, 'detail.VAT')).toEqual({ ok: true, value: 'ESB12345674' });
    expect(readField(ctx, { const: 'EUR', transforms: [] })).toEqual({ ok: true, value: 'EUR' });
    expect(readField(ctx, { path: 'openItem.DUE', transforms: [transformSchema.parse({ date: 'YYYYMMDD' })] })).toEqual({ ok: true, value: '2026-04-15' });
    expect(readField(ctx, { path: 'NAME2', transforms: [transformSchema.parse({ date: 'YYYYMMDD' })] })).toEqual({
      ok: false,
      message: "date YYYYMMDD: not a YYYYMMDD date (value ' Norte ')",
    });
    expect(fieldLabel('dueDate', { path: ['A', 'detail.B'], transforms: [] })).toBe('dueDate (A|detail.B)');
  });
});
