/**
 * Acceptance of the SOAP ERP connector: `cesce sync` with the `sap-bapi` preset against the SAP
 * emulator and with the `dynamics-nav` preset against the NAV emulator declares the same sales to
 * Cesce as the Odoo demo (the same customers and invoices, in each ERP's shape; document numbers
 * are each ERP's own). The built CLI runs as its own process; every server is on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCesceEmulator } from '@cesce-connect/sandbox';
import { startOdooEmulator } from '@cesce-connect/connector-odoo/testing';
import { startSoapErpEmulator } from '@cesce-connect/connector-soap-erp/testing';
import { demoCesceClient, demoDir, runCli } from './test-support.js';

const demo = demoDir;
const dir = mkdtempSync(join(tmpdir(), 'cesce-soap-erp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sync = (config: string, env: Record<string, string>, ledger: string) => runCli(['sync', '--config', join(demo, config), '--ledger', ledger, '--json'], env);

interface Outcome {
  /** Each sale Cesce holds: the debtor (tax code, or the seeded suplemento), dates, signed amount. */
  sales: string[];
  report: { salesDeclared: number; creditNotesDeclared: number; classificationsRequested: number; rejected: unknown[] };
}

async function declare(erp: 'odoo' | 'sap' | 'nav'): Promise<Outcome> {
  const cesce = await startCesceEmulator();
  const server =
    erp === 'odoo'
      ? await startOdooEmulator({ dataFile: join(demo, 'odoo-dataset.json') })
      : await startSoapErpEmulator({ preset: erp === 'sap' ? 'sap-bapi' : 'dynamics-nav', dataFile: join(demo, `${erp}-dataset.json`) });
  try {
    const env = { CESCE_BASE_URL: cesce.url, ODOO_URL: server.url, SAP_URL: server.url, NAV_URL: server.url };
    const config = erp === 'odoo' ? 'cesce.config.json' : `cesce.${erp}.config.json`;
    const run = await sync(config, env, join(dir, `${erp}.sqlite`));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2); // the demo data holds items Cesce rejects on purpose
    const report = JSON.parse(run.stdout);
    const client = demoCesceClient(cesce.url);
    // Suplementos of classifications granted in this run are numbered in request order, which
    // differs between ERPs: name those by the debtor's tax code.
    const debtorOf = new Map<string, string>();
    for (const c of report.classifications as { taxCode: string; endorsementNo: string | null }[]) if (c.endorsementNo) debtorOf.set(c.endorsementNo, c.taxCode);
    const sales: string[] = [];
    for await (const s of client.sales.list({ pageSize: 500 })) {
      const debtor = debtorOf.get(s.endorsementNo) ?? `suplemento ${s.endorsementNo}`;
      sales.push([debtor, s.invoiceDate, s.dueDate, s.amount.amount, s.amount.currency, s.originalInvoiceNo ? 'credit' : ''].join('|'));
    }
    return { sales: sales.sort(), report };
  } finally {
    await Promise.all([cesce.close(), server.close()]);
  }
}

describe('cesce sync with the SOAP ERP presets', () => {
  it('declares the same demo sales from SAP (BAPIs) and from Dynamics NAV (pages) as from Odoo', async () => {
    const odoo = await declare('odoo');
    expect(odoo.report.salesDeclared).toBeGreaterThan(100);
    for (const erp of ['sap', 'nav'] as const) {
      const outcome = await declare(erp);
      expect({ erp, sales: outcome.sales }).toEqual({ erp, sales: odoo.sales });
      expect({ erp, report: outcome.report }).toMatchObject({
        erp,
        report: {
          salesDeclared: odoo.report.salesDeclared,
          creditNotesDeclared: odoo.report.creditNotesDeclared,
          classificationsRequested: odoo.report.classificationsRequested,
        },
      });
      expect(outcome.report.rejected).toHaveLength(odoo.report.rejected.length);
    }
  }, 180_000);
});
