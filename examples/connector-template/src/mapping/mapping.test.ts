import { describe, expect, test } from 'vitest';
import type { AcmeCustomer, AcmeInvoice } from '../acme-types.js';
import { mapCustomer } from './customer.js';
import { mapInvoice } from './invoice.js';
import { currencyDecimals, decimal, plainDate } from './values.js';

const eur = { currency: { code: 'EUR', decimals: 2 } };
const customer = (over: Partial<AcmeCustomer> = {}): AcmeCustomer => ({ id: 1, code: 'C-ALFA', type: 'company', name: 'Alfa Construcciones SL', taxId: 'ESB12345674', country: 'ES', status: 'active', ...over });
const invoice = (over: Partial<AcmeInvoice> = {}): AcmeInvoice => ({
  id: 101,
  number: 'A-2026-0001',
  type: 'invoice',
  status: 'posted',
  customerId: 1,
  issueDate: '2026-09-01',
  dueDate: '2026-10-31',
  currency: 'EUR',
  total: 1210,
  updatedAt: '2026-10-01T08:00:00.000Z',
  ...over,
});

describe('mapCustomer', () => {
  test('a complete customer becomes a debtor without issues', () => {
    const d = mapCustomer(
      customer({ address: { line1: 'Calle Colón 1', line2: 'Piso 3', city: 'Valencia', postalCode: '46001', region: 'v' }, creditLimitRequested: 60000, paymentTermsDays: 60 }),
      eur,
    );
    expect(d).toEqual({
      erpId: '1',
      ref: 'customer 1 Alfa Construcciones SL',
      name: 'Alfa Construcciones SL',
      taxCode: 'B12345674',
      countryCode: 'ES',
      customerReference: 'C-ALFA',
      address: { street: 'Calle Colón 1, Piso 3', city: 'Valencia', postalCode: '46001', state: 'V', countryCode: 'ES' },
      requestedCreditLimit: { currency: 'EUR', amount: '60000.00' },
      requestedPaymentTermDays: 60,
      active: true,
      issues: [],
    });
  });

  test('empty values are null, never empty strings or undefined', () => {
    const d = mapCustomer(customer({ code: '  ', address: { line1: '', city: null } }), eur);
    expect(d.customerReference).toBeNull();
    expect(d.address).toEqual({ street: null, city: null, postalCode: null, state: null, countryCode: 'ES' });
    expect(d.requestedCreditLimit).toBeNull();
    expect(d.requestedPaymentTermDays).toBeNull();
  });

  test('a missing or invalid tax id is a blocking issue naming the record and the field', () => {
    expect(mapCustomer(customer({ taxId: null }), eur).issues).toEqual([
      { record: 'customer 1 Alfa Construcciones SL', field: 'taxId', message: 'no tax id (VAT) is set', severity: 'blocking' },
    ]);
    const bad = mapCustomer(customer({ taxId: 'B12345675' }), eur);
    expect(bad.taxCode).toBeNull();
    expect(bad.issues).toMatchObject([{ field: 'taxId', severity: 'blocking', message: expect.stringContaining('wrong check character') }]);
  });

  test('foreign VAT numbers lose their prefix and keep their country', () => {
    expect(mapCustomer(customer({ taxId: 'FR 40 303 265 045', country: 'FR' }), eur)).toMatchObject({ taxCode: '40303265045', countryCode: 'FR', issues: [] });
  });

  test('the requested limit is exact: a decimal string with a third decimal rounds half away from zero', () => {
    expect(mapCustomer(customer({ creditLimitRequested: '1234.565' }), eur).requestedCreditLimit).toEqual({ currency: 'EUR', amount: '1234.57' });
    expect(mapCustomer(customer({ creditLimitRequested: 0.1 + 0.2 }), eur).requestedCreditLimit).toEqual({ currency: 'EUR', amount: '0.30' });
  });

  test('bad optional values are warnings and are ignored', () => {
    const d = mapCustomer(customer({ creditLimitRequested: -5, paymentTermsDays: 30.5, country: 'Spain', taxId: 'ESB12345674' }), eur);
    expect(d.requestedCreditLimit).toBeNull();
    expect(d.requestedPaymentTermDays).toBeNull();
    expect(d.issues.map((i) => [i.field, i.severity])).toEqual([
      ['country', 'warning'],
      ['creditLimitRequested', 'warning'],
      ['paymentTermsDays', 'warning'],
    ]);
    expect(mapCustomer(customer({ creditLimitRequested: 'lots' }), eur).issues).toMatchObject([{ field: 'creditLimitRequested', severity: 'warning' }]);
  });

  test('a nameless customer is blocked; an archived one is inactive', () => {
    expect(mapCustomer(customer({ name: '' }), eur)).toMatchObject({ ref: 'customer 1', name: '', issues: [{ field: 'name', severity: 'blocking' }] });
    expect(mapCustomer(customer({ status: 'archived' }), eur).active).toBe(false);
  });
});

describe('mapInvoice', () => {
  test('a posted invoice becomes a sale document', () => {
    expect(mapInvoice(invoice())).toEqual({
      kind: 'invoice',
      erpId: '101',
      number: 'A-2026-0001',
      ref: 'invoice 101 A-2026-0001',
      debtorErpId: '1',
      invoiceDate: '2026-09-01',
      dueDate: '2026-10-31',
      total: { currency: 'EUR', amount: '1210.00' },
      originErpId: null,
      originNumber: null,
      updatedAt: '2026-10-01T08:00:00.000Z',
      issues: [],
    });
  });

  test('a credit memo is positive, with kind carrying the sign, and names the invoice it corrects', () => {
    expect(mapInvoice(invoice({ id: 104, number: 'R-1', type: 'credit_memo', total: -121, corrects: { id: 101, number: 'A-2026-0001' } }))).toMatchObject({
      kind: 'credit_note',
      ref: 'credit memo 104 R-1',
      total: { currency: 'EUR', amount: '121.00' },
      originErpId: '101',
      originNumber: 'A-2026-0001',
      issues: [],
    });
  });

  test('a credit memo without origin is blocked on field corrects', () => {
    const d = mapInvoice(invoice({ id: 107, number: 'R-2', type: 'credit_memo', total: '-50.00', corrects: null }));
    expect(d.originErpId).toBeNull();
    expect(d.issues).toMatchObject([{ record: 'credit memo 107 R-2', field: 'corrects', severity: 'blocking' }]);
  });

  test('money is exact at the currency decimals: JPY 0, USD 2, no float drift', () => {
    expect(mapInvoice(invoice({ currency: 'JPY', total: 150000 })).total).toEqual({ currency: 'JPY', amount: '150000' });
    expect(mapInvoice(invoice({ currency: 'usd', total: '99.999' })).total).toEqual({ currency: 'USD', amount: '100.00' });
    expect(mapInvoice(invoice({ total: 1234.565 })).total).toEqual({ currency: 'EUR', amount: '1234.57' });
    expect(mapInvoice(invoice({ currency: 'KWD', total: '1.2345' })).total).toEqual({ currency: 'KWD', amount: '1.235' });
  });

  test('a date with a time part keeps its calendar day', () => {
    expect(mapInvoice(invoice({ issueDate: '2026-09-15T00:00:00', dueDate: '2026-11-14T23:59:59' }))).toMatchObject({ invoiceDate: '2026-09-15', dueDate: '2026-11-14', issues: [] });
  });

  test('missing and wrong values are blocking issues naming the Acme field', () => {
    const d = mapInvoice(invoice({ number: null, customerId: null, issueDate: '2026-02-30', dueDate: null, currency: 'EURO', total: 0 }));
    expect(d.issues.map((i) => i.field)).toEqual(['number', 'customerId', 'issueDate', 'dueDate', 'currency', 'total']);
    expect(d.issues.every((i) => i.severity === 'blocking' && i.record === 'invoice 101')).toBe(true);
    expect(d).toMatchObject({ number: '', debtorErpId: '', invoiceDate: '', dueDate: null });
    expect(mapInvoice(invoice({ total: -10 })).issues).toMatchObject([{ field: 'total', message: expect.stringContaining('must be a credit memo') }]);
    expect(mapInvoice(invoice({ dueDate: '2026-08-01' })).issues).toMatchObject([{ field: 'dueDate', message: expect.stringContaining('before the issue date') }]);
  });
});

describe('values', () => {
  test('plainDate', () => {
    expect(plainDate('2026-03-15')).toBe('2026-03-15');
    expect(plainDate('2026-03-15T00:00')).toBe('2026-03-15');
    expect(plainDate('')).toBeNull();
    expect(plainDate('15/03/2026')).toBeUndefined();
    expect(plainDate('2026-03-15T00:00:00+02:00')).toBeUndefined();
  });
  test('decimal and currencyDecimals', () => {
    expect(decimal(null, 2)).toBeNull();
    expect(decimal('1e3', 2)).toBeUndefined();
    expect(decimal(Number.NaN, 2)).toBeUndefined();
    expect(currencyDecimals('EUR')).toBe(2);
    expect(currencyDecimals('XYZ1')).toBeNull();
  });
});
