/**
 * The `sap-bapi` preset end to end: the SOAP ERP source (createSoapCaller over real HTTP) reads the
 * SAP demo dataset from the emulator and must find the Odoo demo's debtors and sales.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErpError, normalizeTaxId } from '@cesce-connect/core';
import type { Debtor, SaleDocument } from '@cesce-connect/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../profile/load.js';
import { createSoapErpSource } from '../../source.js';
import type { SoapConnectionOptions } from '../../client/types.js';
import type { SapPitfalls } from './dataset.js';
import { startSapEmulator, type SapEmulator } from './emulator.js';
import { SAP_TEST_USER, sapTestDataset } from './fixture.js';
import { kunnrOf, SAP_DEMO_USER } from './from-odoo.js';

const root = (p: string) => fileURLToPath(new URL(`../../../../../${p}`, import.meta.url));
type Rec = Record<string, any>;
const odoo = JSON.parse(readFileSync(root('examples/demo/odoo-dataset.json'), 'utf8')) as { records: Record<string, Rec[]> };

describe('the sap-bapi preset', () => {
  it('is a valid profile', () => {
    const { profile, source } = loadProfile('sap-bapi');
    expect(source).toBe('preset:sap-bapi');
    expect(profile.invoices.paging).toMatchObject({ type: 'window', over: 'date' });
    expect(profile.openItems?.fields.dueDate).toEqual({ path: 'BLINE_DATE', transforms: [{ date: 'YYYY-MM-DD' }, { addDays: 'NETTERMS' }] });
  });

  describe('against the emulator with the SAP demo dataset', () => {
    let emu: SapEmulator;
    const debtors: Debtor[] = [];
    const documents: SaleDocument[] = [];
    beforeAll(async () => {
      emu = await startSapEmulator({ dataFile: root('examples/demo/sap-dataset.json') });
      const source = createSoapErpSource({
        profile: loadProfile('sap-bapi'),
        connection: { baseUrl: emu.url, auth: { type: 'basic', ...SAP_DEMO_USER } },
        company: { id: '1000', name: 'Industrias Demo Levante SL', taxCode: 'B65410011', currency: 'EUR' },
        today: () => '2026-12-03',
      });
      try {
        for await (const d of source.debtors()) debtors.push(d);
        for await (const d of source.documents()) documents.push(d);
      } finally {
        await source.close();
      }
    }, 120_000);
    afterAll(async () => emu?.close());

    it('reads the Odoo demo debtors with their tax ids, countries and requested limits', () => {
      const partners = new Map(odoo.records['res.partner']!.map((p) => [p.id as number, p]));
      const countries = new Map(odoo.records['res.country']!.map((c) => [c.id as number, c.code as string]));
      expect(debtors).toHaveLength(44);
      for (const d of debtors) {
        const p = partners.get(Number(d.erpId) - 100_000)!;
        expect(d.name).toBe(p.name);
        const tax = normalizeTaxId(p.vat || null, countries.get(p.country_id) ?? null);
        expect(d.taxCode).toBe(tax.ok ? tax.value.taxCode : null);
        expect(d.countryCode).toBe(tax.ok ? tax.value.countryCode : countries.get(p.country_id));
        expect(d.requestedCreditLimit?.amount ?? null).toBe(p.x_cesce_requested_limit > 0 ? `${p.x_cesce_requested_limit}.00` : null);
        expect(d.active).toBe(p.active !== false);
      }
      expect(debtors.filter((d) => d.issues.some((i) => i.severity === 'blocking'))).toHaveLength(2);
    });

    it('reads the same posted invoices and credit notes: dates, due dates, amounts, currencies, debtors', () => {
      const moves = odoo.records['account.move']!.filter((m) => m.state === 'posted' && (m.move_type === 'out_invoice' || m.move_type === 'out_refund'));
      expect(documents).toHaveLength(moves.length);
      const key = (kind: string, debtor: string, date: string, due: string | null, amount: string, currency: string) => `${kind}|${debtor}|${date}|${due}|${amount}|${currency}`;
      const currencies = new Map(odoo.records['res.currency']!.map((c) => [c.id as number, c.name as string]));
      const expected = moves
        .map((m) =>
          key(m.move_type === 'out_refund' ? 'credit_note' : 'invoice', kunnrOf(m.commercial_partner_id), m.invoice_date, m.invoice_date_due, (m.amount_total as number).toFixed(2), currencies.get(m.currency_id)!),
        )
        .sort();
      const actual = documents.map((d) => key(d.kind, d.debtorErpId, d.invoiceDate, d.dueDate, d.total.amount, d.total.currency)).sort();
      expect(actual).toEqual(expected);
      // Credit notes point to their invoice (by SAP number), except the rebate without origin.
      const notes = documents.filter((d) => d.kind === 'credit_note');
      expect(notes.filter((d) => d.originErpId !== null)).toHaveLength(17);
      const ids = new Set(documents.map((d) => d.erpId));
      for (const n of notes.filter((d) => d.originErpId !== null)) expect(ids.has(n.originErpId!)).toBe(true);
      // Billing documents are named by their kind in reports.
      for (const n of notes) expect(n.ref).toMatch(/^sap-bapi credit note \d+/);
      expect(documents.find((d) => d.kind === 'invoice')!.ref).toMatch(/^sap-bapi invoice \d+/);
    });
  });
});

describe('the sap-bapi preset through the SOAP ERP source, with the emulator\'s pitfalls', () => {
  const company = { id: '1000', name: 'Test SL', taxCode: 'B65410011', currency: 'EUR' };
  async function read(pitfalls: SapPitfalls, connection: Partial<SoapConnectionOptions> = {}) {
    const emu = await startSapEmulator({ data: sapTestDataset(), pitfalls });
    const source = createSoapErpSource({
      profile: loadProfile('sap-bapi'),
      connection: { baseUrl: emu.url, auth: { type: 'basic', ...SAP_TEST_USER }, ...connection },
      company,
      today: () => '2026-12-03',
    });
    try {
      const debtors: Debtor[] = [];
      const documents: SaleDocument[] = [];
      for await (const d of source.debtors()) debtors.push(d);
      for await (const d of source.documents()) documents.push(d);
      return { debtors, documents, calls: emu.calls };
    } finally {
      await source.close();
      await emu.close();
    }
  }

  it('maps the small dataset: due dates from open and cleared items, credit memo with its origin, single-row tables', async () => {
    const { debtors, documents } = await read({});
    expect(debtors.map((d) => [d.erpId, d.name, d.taxCode, d.countryCode, d.requestedCreditLimit?.amount ?? null, d.requestedPaymentTermDays])).toEqual([
      ['0000100001', 'Peña Ibáñez, S.L.', 'B26123455', 'ES', '25000.00', 60],
      ['0000100002', 'Société Lyonnaise de Distribution SAS', '40303265045', 'FR', null, null],
    ]);
    expect(documents.map((d) => [d.kind, d.number, d.debtorErpId, d.invoiceDate, d.dueDate, d.total.amount, d.originNumber])).toEqual([
      ['invoice', '90000001', '0000100001', '2026-09-01', '2026-10-31', '1210.00', null],
      ['invoice', '90000002', '0000100002', '2026-09-15', '2026-10-15', '500.10', null],
      ['credit_note', '90000003', '0000100001', '2026-09-20', '2026-09-20', '121.00', '90000001'],
    ]);
  });

  it('reads a Latin-1 answer ("Peña Ibáñez, S.L.") and SOAP 1.2 when the connection says so', async () => {
    const { debtors } = await read({ latin1: true, soap12: true }, { soapVersion: '1.2' });
    expect(debtors.map((d) => d.name)).toEqual(['Peña Ibáñez, S.L.', 'Société Lyonnaise de Distribution SAS']);
  });

  it('works with SOAMANAGER releases that return only the tables sent, or leave empty ones out', async () => {
    for (const pitfalls of [{ requireOutputTables: true }, { omitEmptyTables: true }]) {
      const { documents } = await read(pitfalls);
      expect(documents.map((d) => d.dueDate)).toEqual(['2026-10-31', '2026-10-15', '2026-09-20']);
    }
  });

  it('reports a missing due date (nil baseline date) as a blocking issue on that document only', async () => {
    const { documents } = await read({ nilDueDate: ['0090000001'] });
    const [first, ...rest] = documents;
    expect(first?.dueDate).toBeNull();
    expect(first?.issues.some((i) => i.severity === 'blocking' && i.field.startsWith('dueDate'))).toBe(true);
    expect(rest.map((d) => d.dueDate)).toEqual(['2026-10-15', '2026-09-20']);
  });

  it('turns a RETURN row of type E into an error naming the operation and the message', async () => {
    const error = await read({ returnError: { BAPI_BILLINGDOC_GETLIST: 'No authorization for sales organization 1000' } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ErpError);
    expect((error as Error).message).toMatch(/BAPI_BILLINGDOC_GETLIST[\s\S]*E ZCESCE\/001: No authorization for sales organization 1000/);
  });
});
