/**
 * Odoo record mappers (property-based): whatever an Odoo record holds — `false`, `''`, blanks,
 * wrong types, odd many2one pairs, NaN or huge numbers — `mapPartner` and `mapMove` give a mapped
 * model whose problems are typed issues naming the record and the field; they never throw for a
 * record with an id. Names, references and addresses with accents, emoji, quotes, commas,
 * newlines or SQL-like text come out exactly as they went in (apart from Odoo's surrounding blanks).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isIsoDate, type MappingIssue } from '@cesce-connect/core';
import { mapMove, MOVE_FIELDS, type MoveLookups } from './move.js';
import { mapPartner, PARTNER_FIELDS, type PartnerLookups } from './partner.js';

const partnerLookups: PartnerLookups = {
  companyCurrency: { name: 'EUR', decimals: 2 },
  countryCodes: new Map([
    [68, 'ES'],
    [75, 'FR'],
  ]),
  stateCodes: new Map([[446, 'V']]),
  paymentTermDays: new Map<number, number | null>([[2, 30]]),
  requestedLimitField: 'x_cesce_requested_limit',
};
const moveLookups: MoveLookups = {
  currencies: new Map([
    [1, { name: 'EUR', decimals: 2 }],
    [2, { name: 'JPY', decimals: 0 }],
  ]),
  moveNames: new Map([[1100, 'INV/2026/00012']]),
  reverseOrigins: new Map([[7, { id: 1100, name: 'INV/2026/00012' }]]),
  reversalField: 'reversal_move_ids',
};

/** Text as it occurs in customer data, plus any Unicode. */
const NASTY = [
  'Peña & Hijos, S.L.',
  'Ñandú 🦜 "Comillas" y \'apóstrofos\'',
  "'; DROP TABLE x;--",
  'Robert"); DELETE FROM res_partner; --',
  'Línea uno\nLínea dos\r\ntres',
  'Ελληνικά, العربية, 日本語',
  'Zoë\u0301 👩‍👩‍👧 \u200b',
  '<b>&amp;</b> \\ %s ${x} {{y}}',
  'a,b;c\td',
];
const text = fc.oneof(
  fc.constantFrom(...NASTY),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  fc.tuple(fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme', maxLength: 10 })).map(([a, b]) => a + b),
);
/** The text Odoo would hold as a non-empty value: no surrounding blanks (Odoo values are read trimmed). */
const keptText = text.map((s) => s.trim()).filter((s) => s !== '');

/** Any value a field may carry over XML-RPC/JSON-RPC, including wrong ones. */
const odooValue = fc.oneof(
  fc.constantFrom(false, '', '   ', null, true, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e308, 5e-324),
  text,
  fc.integer(),
  fc.double(),
  fc.tuple(fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.double(), fc.constant(Number.NaN), fc.string()), fc.oneof(text, fc.constant(false))),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constantFrom('2026-02-29', '2026-13-01', '2026-09-01', '2026-10-31', '31/12/2026', '2026-09-01 10:00:00'),
);
const record = (fields: readonly string[]) =>
  fc.record(Object.fromEntries(fields.map((f) => [f, odooValue])) as Record<string, typeof odooValue>, { requiredKeys: [] });

function checkIssues(issues: MappingIssue[], ref: string, fields: readonly string[]): void {
  for (const i of issues) {
    expect(i.record).toBe(ref);
    expect(fields).toContain(i.field);
    expect(i.message.trim().length).toBeGreaterThan(0);
    expect(['blocking', 'warning']).toContain(i.severity);
  }
}

describe('Odoo mappers (properties)', () => {
  it('mapPartner: any record with an id gives a debtor whose problems are issues naming the record and the field', () => {
    const fields = [...PARTNER_FIELDS, 'country_code', 'x_cesce_requested_limit'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), record(fields), (id, r) => {
        const d = mapPartner({ ...r, id }, partnerLookups);
        expect(d.erpId).toBe(String(id));
        expect(d.ref.startsWith(`res.partner,${id}`)).toBe(true);
        checkIssues(d.issues, d.ref, fields);
        if (!d.name) expect(d.issues.some((i) => i.field === 'name' && i.severity === 'blocking')).toBe(true);
        if (!d.taxCode) expect(d.issues.some((i) => i.field === 'vat' && i.severity === 'blocking')).toBe(true);
        if (d.requestedCreditLimit) expect(d.requestedCreditLimit.amount).toMatch(/^\d+\.\d{2}$/);
        expect(d.address.state === null || d.address.state === 'V').toBe(true);
        expect([30, null]).toContain(d.requestedPaymentTermDays);
      }),
      { numRuns: 400 },
    );
  });

  it('mapMove: any invoice or credit note with an id gives a document whose problems are issues naming the record and the field', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.constantFrom('out_invoice', 'out_refund'), record(MOVE_FIELDS), (id, moveType, r) => {
        const d = mapMove({ ...r, id, move_type: moveType }, moveLookups);
        expect(d.erpId).toBe(String(id));
        expect(d.kind).toBe(moveType === 'out_invoice' ? 'invoice' : 'credit_note');
        checkIssues(d.issues, d.ref, MOVE_FIELDS);
        const blocking = (field: string) => d.issues.some((i) => i.field === field && i.severity === 'blocking');
        // What is sent to Cesce is well-formed, or the document is blocked on the field at fault.
        expect(d.debtorErpId === '' ? blocking('partner_id') : /^[1-9]\d*$/.test(d.debtorErpId)).toBe(true);
        expect(d.invoiceDate === '' ? blocking('invoice_date') : isIsoDate(d.invoiceDate)).toBe(true);
        expect(d.dueDate === null ? blocking('invoice_date_due') : isIsoDate(d.dueDate)).toBe(true);
        expect(d.number === '' ? blocking('name') : d.number.length > 0).toBe(true);
        expect(d.total.amount).toMatch(/^\d+(\.\d+)?$/);
        expect(d.originErpId === null || /^[1-9]\d*$/.test(d.originErpId)).toBe(true);
        if (d.kind === 'credit_note' && d.originErpId === null) expect(blocking('reversed_entry_id')).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('a record without a usable id, or a move of another type, is a ValidationError naming the record and the field', () => {
    fc.assert(
      fc.property(odooValue.filter((v) => !(typeof v === 'number' && Number.isSafeInteger(v))), record(MOVE_FIELDS), (id, r) => {
        expect(() => mapPartner({ ...r, id }, partnerLookups)).toThrow(/^res\.partner: id: /);
        expect(() => mapMove({ ...r, id, move_type: 'out_invoice' }, moveLookups)).toThrow(/^account\.move: id: /);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.oneof(odooValue, fc.constantFrom('constructor', 'valueOf', 'toString', '__proto__')).filter((v) => v !== 'out_invoice' && v !== 'out_refund'), (moveType) => {
        expect(() => mapMove({ id: 5, move_type: moveType }, moveLookups)).toThrow(/^account\.move,5: move_type: .*not out_invoice\/out_refund/);
      }),
      { numRuns: 100 },
    );
  });

  it('names, references and addresses are kept exactly: accents, emoji, quotes, commas, newlines, SQL-like text', () => {
    fc.assert(
      fc.property(keptText, keptText, keptText, keptText, keptText, (name, ref, street, city, number) => {
        const d = mapPartner({ id: 42, name, ref, street, city, vat: 'B12345674', country_id: [68, 'Spain'] }, partnerLookups);
        expect(d.name).toBe(name);
        expect(d.ref).toBe(`res.partner,42 ${name}`);
        expect(d.customerReference).toBe(ref);
        expect(d.address.street).toBe(street);
        expect(d.address.city).toBe(city);
        expect(d.issues).toEqual([]);
        const m = mapMove(
          {
            id: 9,
            move_type: 'out_invoice',
            name: number,
            partner_id: [42, name],
            commercial_partner_id: [42, name],
            invoice_date: '2026-09-01',
            invoice_date_due: '2026-10-31',
            currency_id: [1, 'EUR'],
            amount_total: 1210.5,
          },
          moveLookups,
        );
        fc.pre(number !== '/');
        expect(m.number).toBe(number);
        expect(m.ref).toBe(`account.move,9 ${number}`);
        expect(m.issues).toEqual([]);
        expect(m.total).toEqual({ currency: 'EUR', amount: '1210.50' });
      }),
      { numRuns: 300 },
    );
  });
});
