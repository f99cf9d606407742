/**
 * Acceptance of incremental sync against the Odoo emulator: after a first run, invoices created
 * in Odoo are declared by the next run and nothing else is; an invoice whose write_date equals
 * the stored watermark (same transaction, committed later) is not missed; a second company's
 * invoices never appear. The built CLI runs as its own process; both emulators on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCesceEmulator } from '@cesce-connect/sandbox';
import { startOdooEmulator, type OdooDataset, type OdooDatasetRecord } from '@cesce-connect/connector-odoo/testing';
import { demoCesceClient, demoDir, runCli } from './test-support.js';

const demoConfig = join(demoDir, 'cesce.config.json');
const demo = JSON.parse(readFileSync(join(demoDir, 'odoo-dataset.json'), 'utf8')) as OdooDataset;
const dir = mkdtempSync(join(tmpdir(), 'cesce-incremental-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sync = (env: Record<string, string>, ledger: string) => runCli(['sync', '--config', demoConfig, '--ledger', ledger, '--json'], env);

describe('incremental sync against Odoo', () => {
  it('declares only the invoices created after the last run, including one stamped exactly at the watermark', async () => {
    // A second company with an invoice of its own, visible to the bot user.
    const dataset = structuredClone(demo);
    dataset.users[0]!.companyIds = [1, 2];
    const companies = dataset.records['res.company']!;
    companies.push({ ...structuredClone(companies[0]!), id: 2, name: 'Demo Portugal Lda', partner_id: false, vat: 'PT501964843' });
    const [cesce, odoo] = await Promise.all([startCesceEmulator(), startOdooEmulator({ dataset })]);
    try {
      const env = { CESCE_BASE_URL: cesce.url, ODOO_URL: odoo.url };
      const ledger = join(dir, 'ledger.sqlite');
      const first = await sync(env, ledger);
      expect(first.stderr).toBe('');
      const r1 = JSON.parse(first.stdout);
      expect(r1.read).toMatchObject({ mode: 'full' });
      expect(r1.read.stored).not.toBeNull();
      const watermark = r1.read.stored as { updatedAt: string; erpId: string };

      // Invoices created in Odoo after the run: copies of a declared invoice, new numbers.
      const moves = odoo.records('account.move');
      const template = moves.find((m) => typeof m.x_cesce_sale_ref === 'string' && m.x_cesce_sale_ref && m.move_type === 'out_invoice')!;
      const maxId = Math.max(...moves.map((m) => m.id));
      const stampOf = (iso: string) => iso.replace('T', ' ').replace(/Z$/, '').slice(0, 19);
      const fresh = (id: number, name: string, writeDate: string, companyId = 1): OdooDatasetRecord => {
        const { x_cesce_sale_ref: _ref, x_cesce_sale_state: _state, ...rest } = template;
        return odoo.insert('account.move', {
          ...rest,
          id,
          name,
          payment_reference: name,
          company_id: companyId,
          invoice_date: '2026-11-30',
          invoice_date_due: '2027-01-29',
          create_date: writeDate,
          write_date: writeDate,
        });
      };
      // Same write_date as the watermark (the same transaction, committed after the first read).
      fresh(maxId + 1, 'INV/2026/90001', stampOf(watermark.updatedAt));
      fresh(maxId + 2, 'INV/2026/90002', '2026-12-02 08:00:00');
      fresh(maxId + 3, 'PT/2026/00001', '2026-12-02 08:00:00', 2);

      const second = await sync(env, ledger);
      expect(second.stderr).toBe('');
      const r2 = JSON.parse(second.stdout);
      expect(r2.read).toMatchObject({ mode: 'incremental', changedSince: watermark });
      expect(r2.salesDeclared).toBe(2);
      expect(r2.creditNotesDeclared).toBe(0);
      expect(r2.classificationsRequested).toBe(0);

      const client = demoCesceClient(cesce.url);
      const numbers: string[] = [];
      for await (const s of client.sales.list({ pageSize: 500 })) numbers.push(s.invoiceNo);
      expect(numbers.filter((n) => n === 'INV/2026/90001')).toHaveLength(1);
      expect(numbers.filter((n) => n === 'INV/2026/90002')).toHaveLength(1);
      expect(numbers).not.toContain('PT/2026/00001');
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers).toHaveLength(r1.salesDeclared + r1.creditNotesDeclared + 2);
      // Every account.move call of both runs was scoped to company 1.
      for (const call of odoo.calls.filter((c) => c.service === 'object')) {
        expect(call.kwargs?.context).toMatchObject({ allowed_company_ids: [1] });
      }

      // A third run finds nothing new to declare.
      const third = JSON.parse((await sync(env, ledger)).stdout);
      expect(third.read.mode).toBe('incremental');
      expect(third.salesDeclared + third.creditNotesDeclared).toBe(0);
    } finally {
      await Promise.all([cesce.close(), odoo.close()]);
    }
  }, 120_000);
});
