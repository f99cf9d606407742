/**
 * End to end: customer names, references, addresses and invoice numbers with accents, emoji,
 * quotes, commas, newlines and SQL-like text go from Odoo (the Odoo emulator, XML-RPC) through
 * the built `cesce sync` to Cesce (the Cesce emulator, HTTP) exactly as written, are kept intact in
 * Odoo when the results are written back, and are recognised again from the ledger on the next
 * run (nothing declared twice). Malformed invoices (an impossible date, no customer) are reported
 * naming the record and the field while every other invoice is declared.
 * (`pnpm test` builds first; run `pnpm build` before running this file alone.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCesceEmulator } from '@cesce-connect/sandbox';
import { startOdooEmulator } from '@cesce-connect/connector-odoo/testing';
import { demoCesceClient, demoDir, runCli } from './test-support.js';

type Dataset = { records: Record<string, Record<string, unknown>[]> } & Record<string, unknown>;
const demo = (): Dataset => JSON.parse(readFileSync(join(demoDir, 'odoo-dataset.json'), 'utf8')) as Dataset;

/** Text as customers write it (each ≤ 40 characters: Cesce's limit for an invoice number). */
const NEW_CUSTOMER = 'Peña & Hijos, S.L. 🦜 "La Ñ" \'de\' Zoë';
const NEW_CUSTOMER_STREET = "Carrer d'Avall, 3\nBajo — «izq.»";
const RENAMED_CUSTOMER = "Cerámicas '; DROP TABLE res_partner;--";
const CUSTOMER_REF = 'CLI-ñ,"002"; 👩‍👩‍👧';
const INVOICE_NUMBERS: Record<number, string> = {
  1: 'FAC/2026/Ñ-001 "comillas", \'x\' 🦜',
  2: "'; DROP TABLE sales;--",
  8: 'INV,2026\nsegunda línea ü',
};
/** Invoices made malformed in the ERP: the field each must be reported on. */
const MALFORMED: Record<number, { field: string; change: Record<string, unknown> }> = {
  10: { field: 'invoice_date', change: { invoice_date: '2026-02-30' } },
  12: { field: 'partner_id', change: { partner_id: false, commercial_partner_id: false } },
};
const NEW_PARTNER_ID = 950;
const NEW_PARTNER_VAT = 'B12345674';

function nastyDataset(): Dataset {
  const data = demo();
  const partners = data.records['res.partner']!;
  const template = partners.find((p) => p.id === 14)!;
  partners.push({
    ...template,
    id: NEW_PARTNER_ID,
    name: NEW_CUSTOMER,
    vat: NEW_PARTNER_VAT,
    street: NEW_CUSTOMER_STREET,
    city: 'València',
    ref: false,
    x_cesce_requested_limit: 25000,
  });
  const p18 = partners.find((p) => p.id === 18)!;
  Object.assign(p18, { name: RENAMED_CUSTOMER, ref: CUSTOMER_REF });
  for (const m of data.records['account.move']!) {
    const id = m.id as number;
    if (INVOICE_NUMBERS[id]) m.name = INVOICE_NUMBERS[id];
  }
  return data;
}

const dir = mkdtempSync(join(tmpdir(), 'cesce-unicode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function syncOn(dataset: Dataset, name: string, malformed: boolean) {
  const cesce = await startCesceEmulator({});
  const odoo = await startOdooEmulator({ dataset: dataset as never });
  // As an Odoo user (or a module) might leave them; the dataset loader itself refuses them.
  if (malformed) for (const [id, { change }] of Object.entries(MALFORMED)) odoo.update('account.move', Number(id), change);
  const ledger = join(dir, `${name}.sqlite`);
  const env = { CESCE_BASE_URL: cesce.url, ODOO_URL: odoo.url };
  const args = ['sync', '--config', join(demoDir, 'cesce.config.json'), '--ledger', ledger, '--json'];
  const run = await runCli(args, env);
  return { cesce, odoo, run, again: () => runCli(args, env) };
}

/** Odoo ids of the invoices and credit notes that got a Cesce reference written back. */
function declaredIds(odoo: Awaited<ReturnType<typeof startOdooEmulator>>): number[] {
  return odoo
    .records('account.move')
    .filter((m) => typeof m.x_cesce_sale_ref === 'string' && m.x_cesce_sale_ref !== '')
    .map((m) => m.id as number)
    .sort((a, b) => a - b);
}

describe('names and numbers with accents, emoji, quotes, commas, newlines and SQL-like text', () => {
  it('reach Cesce intact, stay intact in Odoo, and malformed invoices are reported by record and field while the rest is declared', async () => {
    const [nasty, baseline] = await Promise.all([syncOn(nastyDataset(), 'nasty', true), syncOn(nastyDataset(), 'baseline', false)]);
    try {
      expect(nasty.run.stderr).toBe('');
      const report = JSON.parse(nasty.run.stdout);
      expect(report.ok).toBe(true);

      // Cesce holds the invoice numbers and the customer reference exactly as in Odoo.
      const client = demoCesceClient(nasty.cesce.url);
      const sales = [];
      for await (const s of client.sales.list({ pageSize: 500 })) sales.push(s);
      for (const [id, number] of Object.entries(INVOICE_NUMBERS)) {
        const sale = sales.filter((s) => s.invoiceNo === number);
        expect(sale, `invoice ${id} declared once as ${JSON.stringify(number)}`).toHaveLength(1);
        // Partner 18 (the renamed customer) is the customer of invoice 1.
        if (id === '1') expect(sale[0]!.customerReference).toBe(CUSTOMER_REF);
        // Written back: Odoo's invoice keeps its number and gets the reference of that very sale.
        const move = nasty.odoo.records('account.move').find((m) => m.id === Number(id))!;
        expect(move.name).toBe(number);
        expect(move.x_cesce_sale_ref).toBe(sale[0]!.saleCesceReferenceNo);
      }

      // The new customer's classification request carries its name and address as written.
      const requested = await client.classifications.query({ taxCode: NEW_PARTNER_VAT, countryCode: 'ES' });
      expect(requested.map((c) => c.companyName)).toContain(NEW_CUSTOMER);
      const partner = nasty.odoo.records('res.partner').find((p) => p.id === NEW_PARTNER_ID)!;
      expect(partner.name).toBe(NEW_CUSTOMER);
      expect(partner.street).toBe(NEW_CUSTOMER_STREET);
      expect(typeof partner.x_cesce_status === 'string' && partner.x_cesce_status.length > 0).toBe(true);
      const renamed = nasty.odoo.records('res.partner').find((p) => p.id === 18)!;
      expect([renamed.name, renamed.ref]).toEqual([RENAMED_CUSTOMER, CUSTOMER_REF]);
      // The report names records with their text intact too.
      expect(report.classifications.map((c: { erpRef: string }) => c.erpRef)).toContain(`res.partner,18 ${RENAMED_CUSTOMER}`);

      // Malformed invoices: skipped, naming the record and the field; every other invoice is declared.
      for (const [id, { field }] of Object.entries(MALFORMED)) {
        const skipped = report.skipped.filter((s: { erpRef: string }) => s.erpRef.startsWith(`account.move,${id} `));
        expect(skipped, `invoice ${id}`).toEqual([expect.objectContaining({ field, reason: expect.stringMatching(/\S/) })]);
      }
      const expected = declaredIds(baseline.odoo).filter((id) => !(id in MALFORMED));
      expect(declaredIds(baseline.odoo)).toEqual(expect.arrayContaining(Object.keys(MALFORMED).map(Number)));
      expect(declaredIds(nasty.odoo)).toEqual(expected);

      // The next run finds every one of them in the ledger: nothing is declared twice.
      const second = await nasty.again();
      const again = JSON.parse(second.stdout);
      expect([again.salesDeclared, again.creditNotesDeclared]).toEqual([0, 0]);
      const after = [];
      for await (const s of client.sales.list({ pageSize: 500 })) after.push(s);
      expect(after).toHaveLength(sales.length);
    } finally {
      await Promise.all([nasty.cesce.close(), nasty.odoo.close(), baseline.cesce.close(), baseline.odoo.close()]);
    }
  });
});
