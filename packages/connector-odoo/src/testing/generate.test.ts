import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { isValidSpanishTaxId } from '@cesce-connect/core';
import { OdooXmlRpcTransport } from '../transport/xmlrpc-transport.js';
import { GENERATED, generateOdooDataset, writeOdooDataset } from './generate.js';
import { loadOdooDataset } from './dataset.js';
import { startOdooEmulator } from './emulator.js';

/** Check-digit verifiers written independently of the generator (sum forms, not the generator's). */
const VALID: Record<string, (n: string) => boolean> = {
  ES: isValidSpanishTaxId,
  PT: (n) => {
    if (!/^\d{9}$/.test(n)) return false;
    const c = 11 - ([...n.slice(0, 8)].reduce((s, d, i) => s + Number(d) * (9 - i), 0) % 11);
    return (c >= 10 ? 0 : c) === Number(n[8]);
  },
  FR: (n) => /^\d{11}$/.test(n) && Number(n.slice(0, 2)) === (12 + 3 * (Number(n.slice(2)) % 97)) % 97,
  IT: (n) => /^\d{11}$/.test(n) && [...n].reduce((s, d, i) => s + (i % 2 === 0 ? Number(d) : [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][Number(d)]!), 0) % 10 === 0,
  DE: (n) => {
    if (!/^\d{9}$/.test(n)) return false;
    let p = 10;
    for (const d of n.slice(0, 8)) p = (2 * ((Number(d) + p) % 10 || 10)) % 11;
    return (11 - p) % 10 === Number(n[8]);
  },
};

describe('generateOdooDataset', () => {
  const ds = generateOdooDataset({ invoices: 3000, seed: 7 });
  const partners = ds.records['res.partner']!;
  const moves = ds.records['account.move']!;
  const byId = new Map(moves.map((m) => [m.id, m]));

  test('deterministic: the same options give the same data, another seed other data', () => {
    expect(generateOdooDataset({ invoices: 3000, seed: 7 })).toEqual(ds);
    expect(generateOdooDataset({ invoices: 3000, seed: 8 }).records['res.partner']).not.toEqual(partners);
    expect(moves).toHaveLength(3000);
  });

  test('customers: Spanish and EU VATs with valid check digits, a few without VAT, invoice addresses, archived ones', () => {
    const customers = partners.filter((p) => p.id >= 100 && p.is_company === true);
    const countries = new Set<string>();
    for (const p of customers) {
      if (p.vat === false) continue;
      const vat = String(p.vat);
      const country = vat.slice(0, 2);
      countries.add(country);
      expect(VALID[country]!(vat.slice(2)), `${p.name}: ${vat}`).toBe(true);
    }
    expect([...countries].sort()).toEqual(['DE', 'ES', 'FR', 'IT', 'PT']);
    expect(customers.filter((p) => p.vat === false).length).toBeGreaterThan(0);
    const children = partners.filter((p) => p.type === 'invoice');
    expect(children.length).toBeGreaterThan(0);
    for (const c of children) expect(partners.some((p) => p.id === c.parent_id && p.is_company === true)).toBe(true);
    const archived = new Set(customers.filter((p) => p.active === false).map((p) => p.id));
    expect(moves.some((m) => archived.has(m.partner_id as number))).toBe(true);
  });

  test('invoices: credit notes linked to an earlier invoice of the same company and partner, a few unlinked; currencies, cents, two companies', () => {
    const refunds = moves.filter((m) => m.move_type === 'out_refund');
    const linked = refunds.filter((m) => typeof m.reversed_entry_id === 'number');
    expect(linked.length).toBeGreaterThan(0);
    expect(refunds.length - linked.length).toBeGreaterThan(0);
    const commercial = (id: unknown) => {
      const p = partners.find((x) => x.id === id)!;
      return typeof p.parent_id === 'number' ? p.parent_id : p.id;
    };
    for (const r of linked) {
      const origin = byId.get(r.reversed_entry_id as number)!;
      expect(origin.move_type).toBe('out_invoice');
      expect(origin.id).toBeLessThan(r.id);
      expect(origin.company_id).toBe(r.company_id);
      expect(commercial(origin.partner_id)).toBe(commercial(r.partner_id));
      expect(r.amount_total_signed as number).toBeLessThan(0);
    }
    expect(new Set(moves.map((m) => m.currency_id))).toEqual(new Set([1, 2, 3]));
    expect(new Set(moves.map((m) => m.company_id))).toEqual(new Set([1, 2]));
    expect(moves.filter((m) => Math.round((m.amount_total as number) * 100) % 100 !== 0).length).toBeGreaterThan(1000);
    for (const m of moves.slice(0, 200)) {
      const cents = (v: unknown) => Math.round((v as number) * 100);
      expect(cents(m.amount_untaxed) + cents(m.amount_tax)).toBe(cents(m.amount_total));
    }
    // Bulk imports: some write_dates are shared by several moves.
    const counts = new Map<unknown, number>();
    for (const m of moves) counts.set(m.write_date, (counts.get(m.write_date) ?? 0) + 1);
    expect([...counts.values()].some((n) => n > 1)).toBe(true);
    // Nothing is stamped in the future of the database's "now": an incremental run after creating
    // an invoice today must see it (its write_date is later than every generated one).
    for (const model of Object.values(ds.records)) {
      for (const r of model) if (typeof r.write_date === 'string') expect(r.write_date <= '2026-11-30 23:59:59').toBe(true);
    }
  });

  test('fields follow the version: term lines, credit_limit per company from 16, invoice_currency_rate from 18', () => {
    const v14 = generateOdooDataset({ invoices: 50, version: '14.0' });
    expect(v14.records['account.payment.term.line']![1]).toMatchObject({ days: 30, option: 'day_after_invoice_date' });
    expect(v14.records['res.partner']!.every((p) => p.credit_limit === undefined || typeof p.credit_limit === 'number')).toBe(true);
    const v16 = generateOdooDataset({ invoices: 50, customers: 40, version: '16.0' });
    expect(v16.records['res.partner']!.some((p) => p.credit_limit && typeof p.credit_limit === 'object')).toBe(true);
    expect(generateOdooDataset({ invoices: 5, version: '18.0' }).records['account.move']![0]!.invoice_currency_rate).toBeGreaterThan(0);
    expect(() => generateOdooDataset({ invoices: 5, version: '13.0' })).toThrow(/14\.0 to 19\.x/);
    expect(() => generateOdooDataset({ invoices: -1 })).toThrow(/whole number/);
  });
});

describe('writeOdooDataset', () => {
  test('streams a file that loads to the same dataset as generateOdooDataset', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'odoo-gen-')), 'ds.json');
    const result = await writeOdooDataset(file, { invoices: 1500, version: '16.0', seed: 3 });
    expect(result.invoices).toBe(1500);
    expect(result.bytes).toBe(readFileSync(file).length);
    expect(loadOdooDataset(file)).toEqual(generateOdooDataset({ invoices: 1500, version: '16.0', seed: 3 }));
  });

  test('served by the emulator: keyset pages over XML-RPC read every posted customer document once', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'odoo-gen-')), 'ds.json');
    await writeOdooDataset(file, { invoices: 2000, seed: 11 });
    const emulator = await startOdooEmulator({ dataFile: file });
    const rpc = new OdooXmlRpcTransport({ url: emulator.url, database: GENERATED.database, username: GENERATED.login, password: GENERATED.password });
    try {
      await rpc.authenticate();
      const domain = [['company_id', '=', 1], ['move_type', 'in', ['out_invoice', 'out_refund']], ['state', '=', 'posted']];
      const expected = await rpc.executeKw<number>('account.move', 'search_count', [domain]);
      const seen: number[] = [];
      let after: { t: string; id: number } | null = null;
      for (;;) {
        const keyset = after ? ['|', ['write_date', '>', after.t], '&', ['write_date', '=', after.t], ['id', '>', after.id]] : [];
        const page: { id: number; write_date: string }[] = await rpc.executeKw('account.move', 'search_read', [[...domain, ...keyset], ['write_date']], {
          limit: 200,
          order: 'write_date asc, id asc',
        });
        if (page.length === 0) break;
        seen.push(...page.map((r) => r.id));
        after = { t: page.at(-1)!.write_date, id: page.at(-1)!.id };
      }
      expect(seen.length).toBe(expected);
      expect(new Set(seen).size).toBe(expected);
      expect(expected).toBeGreaterThan(1400);
    } finally {
      rpc.close();
      await emulator.close();
    }
  });
});
