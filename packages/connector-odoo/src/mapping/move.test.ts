import { describe, expect, test } from 'vitest';
import { mapMove, type MoveLookups } from './move.js';

const lookups: MoveLookups = {
  currencies: new Map([
    [1, { name: 'EUR', decimals: 2 }],
    [2, { name: 'USD', decimals: 2 }],
    [25, { name: 'JPY', decimals: 0 }],
    [30, { name: 'KWD', decimals: 3 }],
  ]),
  moveNames: new Map([[1100, 'INV/2026/00012']]),
};

const invoice = {
  id: 1203,
  name: 'INV/2026/00040',
  move_type: 'out_invoice',
  partner_id: [12, 'Alfa Construcciones SL, Invoice Address'],
  commercial_partner_id: [10, 'Alfa Construcciones SL'],
  invoice_date: '2026-09-01',
  invoice_date_due: '2026-10-01',
  currency_id: [1, 'EUR'],
  amount_total: 1210.0,
  reversed_entry_id: false,
  write_date: '2026-09-01 10:11:12',
  payment_state: 'not_paid',
};

describe('mapMove', () => {
  test('an invoice addressed to an invoice contact belongs to the commercial partner', () => {
    expect(mapMove(invoice, lookups)).toEqual({
      kind: 'invoice',
      erpId: '1203',
      number: 'INV/2026/00040',
      ref: 'account.move,1203 INV/2026/00040',
      debtorErpId: '10',
      invoiceDate: '2026-09-01',
      dueDate: '2026-10-01',
      total: { currency: 'EUR', amount: '1210.00' },
      originErpId: null,
      originNumber: null,
      updatedAt: '2026-09-01T10:11:12Z',
      issues: [],
    });
  });

  test.each([
    { amount: 0.1 + 0.2, currency: [1, 'EUR'], expected: { currency: 'EUR', amount: '0.30' } },
    { amount: 1234.565, currency: [1, 'EUR'], expected: { currency: 'EUR', amount: '1234.57' } },
    { amount: 1.005, currency: [1, 'EUR'], expected: { currency: 'EUR', amount: '1.01' } },
    { amount: 2.675, currency: [1, 'EUR'], expected: { currency: 'EUR', amount: '2.68' } },
    { amount: 1210, currency: [1, 'EUR'], expected: { currency: 'EUR', amount: '1210.00' } },
    { amount: 2500.5, currency: [2, 'USD'], expected: { currency: 'USD', amount: '2500.50' } },
    { amount: 100000, currency: [25, 'JPY'], expected: { currency: 'JPY', amount: '100000' } },
    { amount: 10.0005, currency: [30, 'KWD'], expected: { currency: 'KWD', amount: '10.001' } },
    { amount: 123456789.12, currency: [1, 'EUR'], expected: { currency: 'EUR', amount: '123456789.12' } },
  ])('amount_total $amount in $currency.1 → $expected.amount', ({ amount, currency, expected }) => {
    const d = mapMove({ ...invoice, amount_total: amount, currency_id: currency }, lookups);
    expect(d.total).toEqual(expected);
    expect(d.issues).toEqual([]);
  });

  test('a currency missing from the lookups falls back to the many2one name with a warning', () => {
    const d = mapMove({ ...invoice, currency_id: [99, 'GBP'], amount_total: 10.5 }, lookups);
    expect(d.total).toEqual({ currency: 'GBP', amount: '10.50' });
    expect(d.issues).toEqual([expect.objectContaining({ field: 'currency_id', severity: 'warning' })]);
  });

  test.each([
    {
      label: 'missing due date',
      patch: { invoice_date_due: false },
      field: 'invoice_date_due',
      check: (d: ReturnType<typeof mapMove>) => expect(d.dueDate).toBeNull(),
    },
    {
      label: 'missing invoice date',
      patch: { invoice_date: false },
      field: 'invoice_date',
      check: (d: ReturnType<typeof mapMove>) => expect(d.invoiceDate).toBe(''),
    },
    {
      label: 'draft number',
      patch: { name: '/' },
      field: 'name',
      check: (d: ReturnType<typeof mapMove>) => expect(d.ref).toBe('account.move,1203'),
    },
    {
      label: 'no customer',
      patch: { partner_id: false, commercial_partner_id: false },
      field: 'partner_id',
      check: (d: ReturnType<typeof mapMove>) => expect(d.debtorErpId).toBe(''),
    },
  ])('$label is a blocking issue', ({ patch, field, check }) => {
    const d = mapMove({ ...invoice, ...patch }, lookups);
    expect(d.issues).toEqual([expect.objectContaining({ field, severity: 'blocking' })]);
    check(d);
  });

  test('a credit note links to its origin through reversed_entry_id, with the origin name', () => {
    const d = mapMove(
      { ...invoice, id: 1300, name: 'RINV/2026/00003', move_type: 'out_refund', reversed_entry_id: [1100, 'INV/2026/00012 (PO 77)'], amount_total: 121 },
      lookups,
    );
    expect(d).toMatchObject({ kind: 'credit_note', originErpId: '1100', originNumber: 'INV/2026/00012', total: { amount: '121.00' }, issues: [] });
  });

  test('without a looked-up name, the origin number is the display name', () => {
    const d = mapMove({ ...invoice, move_type: 'out_refund', reversed_entry_id: [1101, 'INV/2026/00013'] }, { currencies: lookups.currencies });
    expect(d.originNumber).toBe('INV/2026/00013');
  });

  test('a credit note without origin is blocked', () => {
    const d = mapMove({ ...invoice, move_type: 'out_refund', reversed_entry_id: false }, lookups);
    expect(d.originErpId).toBeNull();
    expect(d.originNumber).toBeNull();
    expect(d.issues).toEqual([
      { record: 'account.move,1203 INV/2026/00040', field: 'reversed_entry_id', message: 'credit note has no origin invoice (reversed_entry_id is empty): it is not declared until it is linked to the invoice it corrects', severity: 'blocking' },
    ]);
  });

  test('a credit note without reversed_entry_id links through the reverse link when an invoice lists it', () => {
    const d = mapMove(
      { ...invoice, move_type: 'out_refund', reversed_entry_id: false },
      { ...lookups, reversalField: 'reversal_move_ids', reverseOrigins: new Map([[1203, { id: 1100, name: 'INV/2026/00012' }]]) },
    );
    expect(d).toMatchObject({ originErpId: '1100', originNumber: 'INV/2026/00012', issues: [] });
  });

  test('reversed_entry_id wins over the reverse link', () => {
    const d = mapMove(
      { ...invoice, move_type: 'out_refund', reversed_entry_id: [1101, 'INV/2026/00013'] },
      { ...lookups, reverseOrigins: new Map([[1203, { id: 1100, name: 'INV/2026/00012' }]]) },
    );
    expect(d.originErpId).toBe('1101');
  });

  test('an unlinked credit note names the reverse field the source checked', () => {
    const d = mapMove({ ...invoice, move_type: 'out_refund', reversed_entry_id: false }, { ...lookups, reversalField: 'reversal_move_id' });
    expect(d.issues[0]).toMatchObject({
      record: 'account.move,1203 INV/2026/00040',
      field: 'reversed_entry_id',
      message: expect.stringContaining('reversed_entry_id is empty and no invoice lists it in reversal_move_id'),
    });
  });

  test('without a commercial partner the invoice partner is used, with a warning', () => {
    const d = mapMove({ ...invoice, commercial_partner_id: false }, lookups);
    expect(d.debtorErpId).toBe('12');
    expect(d.issues).toEqual([expect.objectContaining({ field: 'commercial_partner_id', severity: 'warning' })]);
  });

  test('read with load=None (bare ids) works too', () => {
    const d = mapMove({ ...invoice, partner_id: 12, commercial_partner_id: 10, currency_id: 1 }, lookups);
    expect(d.debtorErpId).toBe('10');
    expect(d.total).toEqual({ currency: 'EUR', amount: '1210.00' });
  });

  test.each(['in_invoice', 'entry', false])('move_type %s is refused', (moveType) => {
    expect(() => mapMove({ ...invoice, move_type: moveType }, lookups)).toThrow(/out_invoice\/out_refund/);
  });
});

describe('mapMove: documents that must not be declared as they are', () => {
  const blocking = (record: Record<string, unknown>) =>
    mapMove({ ...invoice, ...record }, lookups).issues.filter((i) => i.severity === 'blocking').map((i) => [i.field, i.message]);

  test.each([
    [{ invoice_date: '2026-09-31' }, 'invoice_date', /'2026-09-31' is not a valid date/],
    [{ invoice_date_due: '2026-02-30' }, 'invoice_date_due', /'2026-02-30' is not a valid date/],
    [{ invoice_date_due: '2026-08-01' }, 'invoice_date_due', /due date 2026-08-01 is before the invoice date 2026-09-01/],
    [{ amount_total: -500 }, 'amount_total', /total -500\.00 is negative: a refund must be a credit note/],
    [{ amount_total: 0 }, 'amount_total', /total is zero/],
  ])('%j is blocked on %s', (record, field, message) => {
    const issues = blocking(record);
    expect(issues).toHaveLength(1);
    expect(issues[0]![0]).toBe(field);
    expect(issues[0]![1]).toMatch(message);
  });

  test('an invalid date never reaches the neutral model', () => {
    const d = mapMove({ ...invoice, invoice_date_due: '2026-02-30' }, lookups);
    expect(d.dueDate).toBeNull();
  });
});
