import { describe, expect, test } from 'vitest';
import { ValidationError } from '@cesce-connect/core';
import { mapPartner, type PartnerLookups } from './partner.js';

const lookups: PartnerLookups = {
  companyCurrency: { name: 'EUR', decimals: 2 },
  countryCodes: new Map([
    [68, 'ES'],
    [75, 'FR'],
    [57, 'DE'],
  ]),
  stateCodes: new Map([[446, 'V']]),
  paymentTermDays: new Map<number, number | null>([
    [2, 30],
    [9, null],
  ]),
  requestedLimitField: 'x_cesce_requested_limit',
};

const base = { id: 42, name: 'Construcciones Norte SL', vat: 'B12345674', country_id: [68, 'Spain'], active: true };

describe('mapPartner: empty values', () => {
  test.each([
    ['false', false],
    ["''", ''],
    ['blanks', '   '],
  ])('%s becomes null in address and reference fields', (_label, empty) => {
    const d = mapPartner({ ...base, street: empty, city: empty, zip: empty, state_id: false, ref: empty }, lookups);
    expect(d.address).toEqual({ street: null, city: null, postalCode: null, state: null, countryCode: 'ES' });
    expect(d.customerReference).toBe('42');
  });

  test('values are kept and the state code is looked up', () => {
    const d = mapPartner({ ...base, street: 'Calle Mayor 1', city: 'Valencia', zip: '46001', state_id: [446, 'València (ES)'], ref: 'C-042' }, lookups);
    expect(d.address).toEqual({ street: 'Calle Mayor 1', city: 'Valencia', postalCode: '46001', state: 'V', countryCode: 'ES' });
    expect(d.customerReference).toBe('C-042');
    expect(d.erpId).toBe('42');
    expect(d.ref).toBe('res.partner,42 Construcciones Norte SL');
    expect(d.issues).toEqual([]);
  });
});

describe('mapPartner: tax ids', () => {
  test.each([
    { vat: 'B12345674', country: [68, 'Spain'], taxCode: 'B12345674', countryCode: 'ES' },
    { vat: 'ESB12345674', country: [68, 'Spain'], taxCode: 'B12345674', countryCode: 'ES' },
    { vat: 'es b-1234567.4', country: [68, 'Spain'], taxCode: 'B12345674', countryCode: 'ES' },
    { vat: '12345678Z', country: [68, 'Spain'], taxCode: '12345678Z', countryCode: 'ES' },
    { vat: 'X1234567L', country: [68, 'Spain'], taxCode: 'X1234567L', countryCode: 'ES' },
    { vat: 'FR40303265045', country: [75, 'France'], taxCode: '40303265045', countryCode: 'FR' },
    { vat: 'DE129273398', country: false, taxCode: '129273398', countryCode: 'DE' },
  ])('$vat → $taxCode ($countryCode)', ({ vat, country, taxCode, countryCode }) => {
    const d = mapPartner({ ...base, vat, country_id: country }, lookups);
    expect(d.taxCode).toBe(taxCode);
    expect(d.countryCode).toBe(countryCode);
    expect(d.address.countryCode).toBe(countryCode);
    expect(d.issues).toEqual([]);
  });

  test.each([
    { vat: false, reason: /no tax id/ },
    { vat: '', reason: /no tax id/ },
    { vat: 'B12345675', reason: /wrong check character/ },
    { vat: 'ESB12345675', reason: /wrong check character/ },
    { vat: 'FR40303265045', reason: /prefix FR but the partner's country is ES/ },
    { vat: 'ES-123', reason: /not a Spanish NIF, NIE or CIF/ },
  ])('$vat is a blocking issue on field vat', ({ vat, reason }) => {
    const d = mapPartner({ ...base, vat }, lookups);
    expect(d.taxCode).toBeNull();
    expect(d.countryCode).toBe('ES');
    expect(d.issues).toHaveLength(1);
    expect(d.issues[0]).toMatchObject({ record: 'res.partner,42 Construcciones Norte SL', field: 'vat', severity: 'blocking' });
    expect(d.issues[0]!.message).toMatch(reason);
  });

  test('country_code (Odoo 14+) wins over the country lookup', () => {
    const d = mapPartner({ ...base, vat: 'FR40303265045', country_id: [999, 'Unknown id'], country_code: 'FR' }, lookups);
    expect(d.taxCode).toBe('40303265045');
    expect(d.countryCode).toBe('FR');
  });
});

describe('mapPartner: requested limit (exact money in the company currency)', () => {
  test.each([
    { value: false, amount: null },
    { value: 0, amount: null },
    { value: 60000, amount: '60000.00' },
    { value: 250000.0, amount: '250000.00' },
    { value: 0.1 + 0.2, amount: '0.30' },
    { value: 1234.565, amount: '1234.57' },
    { value: 1.005, amount: '1.01' },
    { value: 1e-7, amount: null },
    { value: 99999999.99, amount: '99999999.99' },
  ])('$value → $amount', ({ value, amount }) => {
    const d = mapPartner({ ...base, x_cesce_requested_limit: value }, lookups);
    expect(d.requestedCreditLimit).toEqual(amount === null ? null : { currency: 'EUR', amount });
    expect(d.issues).toEqual([]);
  });

  test('a currency without decimals rounds to units', () => {
    const d = mapPartner({ ...base, x_cesce_requested_limit: 1234.5 }, { ...lookups, companyCurrency: { name: 'JPY', decimals: 0 } });
    expect(d.requestedCreditLimit).toEqual({ currency: 'JPY', amount: '1235' });
  });

  test('a negative limit is ignored with a warning', () => {
    const d = mapPartner({ ...base, x_cesce_requested_limit: -5 }, lookups);
    expect(d.requestedCreditLimit).toBeNull();
    expect(d.issues).toEqual([expect.objectContaining({ field: 'x_cesce_requested_limit', severity: 'warning' })]);
  });

  test('the configured field name is used', () => {
    const d = mapPartner({ ...base, x_limit: 30000, x_cesce_requested_limit: 1 }, { ...lookups, requestedLimitField: 'x_limit' });
    expect(d.requestedCreditLimit).toEqual({ currency: 'EUR', amount: '30000.00' });
  });
});

describe('mapPartner: other fields', () => {
  test.each([
    { term: [2, '30 Days'], days: 30 },
    { term: [9, 'Unknown lines'], days: null },
    { term: [77, 'Not looked up'], days: null },
    { term: false, days: null },
  ])('payment term $term → $days days', ({ term, days }) => {
    expect(mapPartner({ ...base, property_payment_term_id: term }, lookups).requestedPaymentTermDays).toBe(days);
  });

  test.each([
    { active: true, expected: true },
    { active: false, expected: false },
    { active: undefined, expected: true },
  ])('active $active → $expected', ({ active, expected }) => {
    expect(mapPartner({ ...base, active }, lookups).active).toBe(expected);
  });

  test('a partner without a name is blocked and named by id', () => {
    const d = mapPartner({ ...base, name: false }, lookups);
    expect(d.name).toBe('');
    expect(d.ref).toBe('res.partner,42');
    expect(d.issues).toEqual([expect.objectContaining({ field: 'name', severity: 'blocking' })]);
  });

  test('a record without an integer id is a ValidationError naming the model and the field', () => {
    expect(() => mapPartner({ name: 'X' }, lookups)).toThrow(ValidationError);
    expect(() => mapPartner({ name: 'X' }, lookups)).toThrow(/^res\.partner: id: /);
  });
});
