import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateNavDataset } from './dataset.js';
import { navDatasetFromOdoo, type OdooDatasetLike } from './from-odoo.js';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));
const odooFile = `${root}examples/demo/odoo-dataset.json`;
const navFile = `${root}examples/demo/nav-dataset.json`;
const odoo = JSON.parse(readFileSync(odooFile, 'utf8')) as OdooDatasetLike;
const nav = validateNavDataset(navDatasetFromOdoo(odoo), 'converted demo');

describe('the NAV demo dataset (converted from the Odoo demo)', () => {
  it('is the committed examples/demo/nav-dataset.json (regenerate: UPDATE_DEMO=1 pnpm exec vitest run this file)', () => {
    const text = `${JSON.stringify(navDatasetFromOdoo(odoo), null, 2)}\n`;
    if (process.env.UPDATE_DEMO === '1') writeFileSync(navFile, text);
    expect(readFileSync(navFile, 'utf8')).toBe(text);
  });

  it('holds the Odoo demo customers, posted documents and ledger entries in NAV shape', () => {
    const moves = odoo.records['account.move']!;
    const posted = (type: string) => moves.filter((m) => m.state === 'posted' && m.move_type === type);
    expect(nav.customers).toHaveLength(44);
    expect(nav.postedSalesInvoices.map((d) => d.No).sort()).toEqual(posted('out_invoice').map((m) => m.name).sort());
    expect(nav.postedSalesCreditMemos.map((d) => d.No).sort()).toEqual(posted('out_refund').map((m) => m.name).sort());
    expect(nav.customerLedgerEntries).toHaveLength(posted('out_invoice').length + posted('out_refund').length);
    // drafts and cancelled documents are not posted
    const notPosted = moves.filter((m) => m.state !== 'posted').map((m) => m.name);
    expect(nav.postedSalesInvoices.some((d) => notPosted.includes(d.No) && d.No !== '/')).toBe(false);
  });

  it('bills documents of invoice-address contacts to the parent customer, with the same amounts and dates', () => {
    const partners = new Map(odoo.records['res.partner']!.map((p) => [p.id, p]));
    const move = odoo.records['account.move']!.find((m) => m.state === 'posted' && m.partner_id !== m.commercial_partner_id)!;
    const parent = partners.get(move.commercial_partner_id as number)!;
    const doc = nav.postedSalesInvoices.find((d) => d.No === move.name)!;
    expect(doc.Bill_to_Customer_No).toBe((parent.ref as string | false) || String(parent.id));
    expect(nav.customers.find((c) => c.No === doc.Bill_to_Customer_No)!.Name).toBe(parent.name);
    expect([doc.Document_Date, doc.Due_Date]).toEqual([move.invoice_date, move.invoice_date_due]);
    expect(doc.Amount_Including_VAT).toBe((move.amount_total as number).toFixed(2));
  });

  it('keeps the USD invoice in USD and LCY (EUR) documents with an empty currency', () => {
    expect(nav.postedSalesInvoices.filter((d) => d.Currency_Code === 'USD')).toHaveLength(1);
    expect(nav.postedSalesInvoices.filter((d) => d.Currency_Code !== '' && d.Currency_Code !== 'USD')).toEqual([]);
  });

  it('links credit memos to their invoice, except the one without origin', () => {
    const linked = nav.postedSalesCreditMemos.filter((c) => c.Applies_to_Doc_No !== '');
    expect(linked).toHaveLength(17);
    for (const c of linked) {
      const inv = nav.postedSalesInvoices.find((d) => d.No === c.Applies_to_Doc_No)!;
      expect(inv.Bill_to_Customer_No).toBe(c.Bill_to_Customer_No);
    }
  });

  it('flags the same customers for a classification, and blocks the archived one', () => {
    expect(nav.customers.filter((c) => c.Cesce_Requested_Limit !== '0')).toHaveLength(12);
    expect(nav.customers.filter((c) => c.Blocked === 'All').map((c) => c.Name)).toEqual(['Calzados Vinalopó SL']);
  });

  it('opens ledger entries per payment state: paid and reversed invoices are closed', () => {
    const byDoc = new Map(nav.customerLedgerEntries.map((e) => [e.Document_No, e]));
    for (const m of odoo.records['account.move']!.filter((x) => x.state === 'posted' && String(x.move_type).startsWith('out_'))) {
      const e = byDoc.get(m.name as string)!;
      expect(e.Open).toBe(m.payment_state === 'not_paid' || m.payment_state === 'partial');
    }
  });
});
