import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTaxId, type Debtor, type SaleDocument } from '@cesce-connect/core';
import { clearWsdlCache } from '../../client/soap-caller.js';
import { loadProfile } from '../../profile/load.js';
import { createSoapErpSource } from '../../source.js';
import type { NavPitfalls } from './dataset.js';
import { startNavEmulator, type NavEmulator } from './emulator.js';
import { navFixture } from './fixture.js';

const pkg = fileURLToPath(new URL('../../../', import.meta.url));
const root = fileURLToPath(new URL('../../../../../', import.meta.url));
const presetFile = `${pkg}presets/dynamics-nav.json`;
type Rec = { id: number } & Record<string, unknown>;
const odoo = JSON.parse(readFileSync(`${root}examples/demo/odoo-dataset.json`, 'utf8')) as { records: Record<string, Rec[]> };

let emu: NavEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
  clearWsdlCache();
});

async function read(options: { dataFile?: string; data?: unknown; pitfalls?: NavPitfalls; user: string; password: string; soapVersion?: '1.1' | '1.2' }) {
  emu = await startNavEmulator({ ...(options.dataFile ? { dataFile: options.dataFile } : { data: options.data }), pitfalls: options.pitfalls ?? {} });
  const source = createSoapErpSource({
    profile: loadProfile(presetFile),
    connection: { baseUrl: emu.url, auth: { type: 'basic', username: options.user, password: options.password }, soapVersion: options.soapVersion },
    company: { id: emu.dataset.company.name, name: emu.dataset.company.name, taxCode: null, currency: 'EUR' },
  });
  const debtors: Debtor[] = [];
  const documents: SaleDocument[] = [];
  for await (const d of source.debtors()) debtors.push(d);
  for await (const d of source.documents()) documents.push(d);
  await source.close();
  return { debtors, documents };
}

const demo = { dataFile: `${root}examples/demo/nav-dataset.json`, user: 'CESCE-BOT', password: 'demo-nav-password' };

/** What the Odoo demo holds, in the neutral model's terms (computed from the Odoo file). */
function odooExpectations() {
  const partners = new Map(odoo.records['res.partner']!.map((p) => [p.id, p]));
  const countries = new Map(odoo.records['res.country']!.map((c) => [c.id, String(c.code)]));
  const currencies = new Map(odoo.records['res.currency']!.map((c) => [c.id, String(c.name)]));
  const customerRef = (id: number) => (partners.get(id)!.ref as string | false) || String(id);
  const posted = odoo.records['account.move']!.filter((m) => m.state === 'posted' && (m.move_type === 'out_invoice' || m.move_type === 'out_refund'));
  const names = new Map(posted.map((m) => [m.id, String(m.name)]));
  const docs = posted.map((m) => ({
    kind: m.move_type === 'out_invoice' ? 'invoice' : 'credit_note',
    number: String(m.name),
    customer: customerRef(m.commercial_partner_id as number),
    invoiceDate: m.invoice_date,
    dueDate: m.invoice_date_due,
    total: { currency: currencies.get(m.currency_id as number), amount: (m.amount_total as number).toFixed(2) },
    originNumber: m.reversed_entry_id ? names.get(m.reversed_entry_id as number) : null,
  }));
  const debtorIds = new Set(posted.map((m) => m.commercial_partner_id as number));
  const debtors = [...debtorIds].map((id) => {
    const p = partners.get(id)!;
    const tax = normalizeTaxId((p.vat as string | false) || null, countries.get(p.country_id as number) ?? null);
    return {
      customerReference: customerRef(id),
      name: p.name,
      taxCode: tax.ok ? tax.value.taxCode : null,
      active: p.active !== false,
      requested: typeof p.x_cesce_requested_limit === 'number' && p.x_cesce_requested_limit > 0 ? p.x_cesce_requested_limit.toFixed(2) : null,
    };
  });
  return { docs, debtors };
}

describe('the dynamics-nav preset against the NAV emulator', () => {
  it('is a valid profile (loadProfile)', () => {
    const { profile } = loadProfile(presetFile);
    expect(profile.name).toBe('dynamics-nav');
    expect(Object.keys(profile.services)).toEqual(['customer', 'postedSalesInvoices', 'postedSalesCreditMemos', 'customerLedgerEntries']);
    expect(profile.invoices.paging).toMatchObject({ type: 'bookmark' });
  });

  it('reads the demo company with the same customers and documents as the Odoo demo', async () => {
    const { debtors, documents } = await read(demo);
    const expected = odooExpectations();
    expect(debtors).toHaveLength(44);
    const byRef = new Map(debtors.map((d) => [d.customerReference, d]));
    for (const e of expected.debtors) {
      const d = byRef.get(e.customerReference)!;
      expect({ name: d.name, taxCode: d.taxCode, active: d.active, requested: d.requestedCreditLimit?.amount ?? null }).toEqual({
        name: e.name,
        taxCode: e.taxCode,
        active: e.active,
        requested: e.requested,
      });
    }
    expect(byRef.get('CLI0001')!.requestedPaymentTermDays).not.toBeNull();
    expect(byRef.get('CLI0002')!.address.state).toBe('CS');
    const got = documents.map((d) => ({
      kind: d.kind,
      number: d.number,
      customer: d.debtorErpId,
      invoiceDate: d.invoiceDate,
      dueDate: d.dueDate,
      total: d.total,
      originNumber: d.originNumber,
    }));
    const sort = <T extends { number: string }>(l: T[]) => [...l].sort((a, b) => a.number.localeCompare(b.number));
    expect(sort(got)).toEqual(sort(expected.docs as typeof got));
    const unlinked = documents.filter((d) => d.kind === 'credit_note' && d.originErpId === null);
    expect(unlinked).toHaveLength(1);
    expect(unlinked[0]!.issues.map((i) => i.field)).toEqual(['originErpId (Applies_to_Doc_No)']);
    expect(documents.filter((d) => d.kind === 'invoice').every((d) => d.issues.length === 0)).toBe(true);
  });

  it('falls back on the open customer ledger entries when Due_Date is nil or blank', async () => {
    const { documents } = await read({ ...demo, pitfalls: { nilDueDate: true } });
    const ledger = (JSON.parse(readFileSync(demo.dataFile, 'utf8')) as { customerLedgerEntries: { Document_No: string; Open: boolean }[] }).customerLedgerEntries;
    const open = new Set(ledger.filter((e) => e.Open).map((e) => e.Document_No));
    const due = new Map(odooExpectations().docs.map((d) => [d.number, d.dueDate]));
    const openDocs = documents.filter((d) => open.has(d.number));
    expect(openDocs.length).toBeGreaterThan(100);
    for (const d of openDocs) expect(d.dueDate).toBe(due.get(d.number));
    // closed documents need the cleared entries (profile clearedItems): right date, or a blocking issue on dueDate
    for (const d of documents.filter((x) => !open.has(x.number))) {
      if (d.dueDate !== null) expect(d.dueDate).toBe(due.get(d.number));
      else expect(d.issues.some((i) => i.field.startsWith('dueDate'))).toBe(true);
    }
  });

  it('reads a Latin-1 customer name over SOAP 1.2 and blank dates as missing', async () => {
    const { debtors, documents } = await read({
      data: navFixture(),
      user: 'WS-USER',
      password: 'Secret-123',
      soapVersion: '1.2',
      pitfalls: { latin1: true, soap12: true, blankDates: ['FV-0001'] },
    });
    const pena = debtors.find((d) => d.erpId === '10000')!;
    expect(pena).toMatchObject({ name: 'Peña Ibáñez, S.L.', taxCode: 'B12345674', requestedPaymentTermDays: 30, active: true });
    expect(pena.requestedCreditLimit).toEqual({ currency: 'EUR', amount: '25000.00' });
    expect(debtors.find((d) => d.erpId === '20000')!.active).toBe(false);
    const fv1 = documents.find((d) => d.number === 'FV-0001')!;
    expect(fv1.dueDate).toBe('2026-10-01'); // from the open ledger entry
    expect(documents.find((d) => d.number === 'FV-0002')!.total).toEqual({ currency: 'EUR', amount: '0.12' });
    expect(documents.find((d) => d.number === 'FV-0003')!.total).toEqual({ currency: 'USD', amount: '500.00' });
    expect(documents.find((d) => d.number === 'AB-0001')).toMatchObject({ kind: 'credit_note', originErpId: 'FV-0001', originNumber: 'FV-0001' });
  });

  it('reads documents by id with Read', async () => {
    emu = await startNavEmulator({ data: navFixture() });
    const source = createSoapErpSource({
      profile: loadProfile(presetFile),
      connection: { baseUrl: emu.url, auth: { type: 'basic', username: 'WS-USER', password: 'Secret-123' } },
      company: { id: 'c', name: 'CRONUS España S.A.', taxCode: null, currency: 'EUR' },
    });
    const got: SaleDocument[] = [];
    for await (const d of source.documentsByIds!(['FV-0003', 'AB-0001', 'GONE'])) got.push(d);
    await source.close();
    expect(got.map((d) => [d.kind, d.number]).sort()).toEqual([
      ['credit_note', 'AB-0001'],
      ['invoice', 'FV-0003'],
    ]);
    expect(emu.calls.filter((c) => c.operation === 'Read').length).toBeGreaterThanOrEqual(3);
  });
});
