/**
 * Acceptance of the SOAP ERP connector: `cesce sync` with the `sap-bapi` preset against the SAP
 * emulator and with the `dynamics-nav` preset against the NAV emulator declares the same sales to
 * Cesce as the Odoo demo (the same customers and invoices, in each ERP's shape; document numbers
 * are each ERP's own). The built CLI runs as its own process; every server is on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CesceClient } from '@cesce-connect/core';
import { startCesceEmulator } from '@cesce-connect/sandbox';
import { startOdooEmulator } from '@cesce-connect/connector-odoo/testing';
import { startSoapErpEmulator } from '@cesce-connect/connector-soap-erp/testing';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const cli = join(root, 'apps/cli/dist/cesce.js');
const demo = join(root, 'examples/demo');
const dir = mkdtempSync(join(tmpdir(), 'cesce-soap-erp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sync(config: string, env: Record<string, string>, ledger: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'sync', '--config', join(demo, config), '--ledger', ledger, '--json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

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
    const client = new CesceClient({
      environment: 'sandbox',
      baseUrl: cesce.url,
      contractNo: '34109150331',
      credentials: { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
    });
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
