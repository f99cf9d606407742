/**
 * Acceptance of the Odoo connector across versions: the same demo data served as Odoo 14, 16,
 * 17, 18 and 19 gives the same declarations at Cesce, each version reached over the protocol
 * auto-detection picks for it (JSON-RPC up to 18, JSON-2 on 19). The built CLI runs as its own
 * process against both emulators on 127.0.0.1.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCesceEmulator } from '@cesce-connect/sandbox';
import { startOdooEmulator, type OdooDataset } from '@cesce-connect/connector-odoo/testing';
import { demoCesceClient, demoDir, runCli } from './test-support.js';

const demoConfig = join(demoDir, 'cesce.config.json');
const demo = JSON.parse(readFileSync(join(demoDir, 'odoo-dataset.json'), 'utf8')) as OdooDataset;
const dir = mkdtempSync(join(tmpdir(), 'cesce-odoo-versions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sync = (env: Record<string, string>, ledger: string) => runCli(['sync', '--config', demoConfig, '--ledger', ledger, '--json'], env);

interface Outcome {
  protocols: string[];
  sales: string[];
  partnersWritten: number;
  report: { salesDeclared: number; creditNotesDeclared: number; classificationsRequested: number };
}

async function runOn(version: string): Promise<Outcome> {
  const [cesce, odoo] = await Promise.all([startCesceEmulator(), startOdooEmulator({ dataset: demo, version })]);
  try {
    const run = await sync({ CESCE_BASE_URL: cesce.url, ODOO_URL: odoo.url }, join(dir, `ledger-${version}.sqlite`));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2); // the demo data holds items Cesce rejects on purpose
    const report = JSON.parse(run.stdout);
    const client = demoCesceClient(cesce.url);
    const sales: string[] = [];
    for await (const s of client.sales.list({ pageSize: 500 })) {
      sales.push([s.invoiceNo, s.invoiceDate, s.dueDate, s.amount.amount, s.amount.currency, s.originalInvoiceNo ?? ''].join('|'));
    }
    const protocols = [...new Set(odoo.calls.filter((c) => c.service === 'object').map((c) => c.protocol ?? '?'))];
    const partnersWritten = odoo.records('res.partner').filter((p) => p.x_cesce_status).length;
    return { protocols, sales: sales.sort(), partnersWritten, report };
  } finally {
    await Promise.all([cesce.close(), odoo.close()]);
  }
}

describe('the demo sync on Odoo 14, 16, 17, 18 and 19', () => {
  it('declares the same sales on every version, over the protocol each version calls for', async () => {
    const baseline = await runOn('17.0');
    expect(baseline.protocols).toEqual(['jsonrpc']);
    expect(baseline.report.salesDeclared).toBeGreaterThan(100);
    expect(baseline.report.creditNotesDeclared).toBeGreaterThan(0);
    expect(baseline.sales).toHaveLength(baseline.report.salesDeclared + baseline.report.creditNotesDeclared);
    for (const [version, protocol] of [
      ['14.0', 'jsonrpc'],
      ['16.0', 'jsonrpc'],
      ['18.0', 'jsonrpc'],
      ['19.0', 'json2'],
    ] as const) {
      const outcome = await runOn(version);
      expect({ version, protocols: outcome.protocols }).toEqual({ version, protocols: [protocol] });
      expect({ version, sales: outcome.sales }).toEqual({ version, sales: baseline.sales });
      expect({ version, report: outcome.report }).toMatchObject({
        version,
        report: {
          salesDeclared: baseline.report.salesDeclared,
          creditNotesDeclared: baseline.report.creditNotesDeclared,
          classificationsRequested: baseline.report.classificationsRequested,
        },
      });
      expect({ version, partners: outcome.partnersWritten }).toEqual({ version, partners: baseline.partnersWritten });
    }
  }, 180_000);
});
