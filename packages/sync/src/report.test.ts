import { describe, expect, it } from 'vitest';
import { emptyReport, formatReport, type SyncReport } from './report.js';

function report(over: Partial<SyncReport>): SyncReport {
  const erp = { system: 'odoo', version: '17.0 over JSON-RPC', company: 'Industrias Demo Levante SL', url: 'http://127.0.0.1:8069' };
  return { ...emptyReport({ dryRun: false, contractNo: '34109150331', erp, writeBackSupported: true }), durationMs: 10, ...over };
}

describe('formatReport', () => {
  it('keeps a large first run readable: skipped items grouped by reason, bounded, with the count of what is left out', () => {
    const skipped = [];
    // 150 customers without a classification, 30 invoices each: 4,500 skipped documents.
    for (let c = 0; c < 150; c++) {
      for (let i = 0; i < 30; i++) {
        skipped.push({ kind: 'invoice' as const, erpRef: `account.move,${c * 100 + i}`, reason: `customer res.partner,${c} has no Cesce classification` });
      }
    }
    const text = formatReport(report({ skipped }));
    expect(text).toContain('Skipped (4500), by reason:');
    expect(text).toContain('  customer res.partner,0 has no Cesce classification: 30 items');
    expect(text).toMatch(/account\.move,19,\s+… and 10 more/);
    expect(text).not.toMatch(/account\.move,20(,|$)/m);
    expect(text).toContain('  … 50 more reasons (1500 items): see --json');
    expect(text).not.toContain('res.partner,100 has no');
    // Bounded: ten times as many skipped documents print no more lines.
    const more = [];
    for (let c = 0; c < 1500; c++) for (let i = 0; i < 30; i++) more.push({ kind: 'invoice' as const, erpRef: `account.move,${c * 100 + i}`, reason: `customer res.partner,${c} has no Cesce classification` });
    expect(formatReport(report({ skipped: more })).split('\n').length).toBe(text.split('\n').length);
  });

  it('lists a single skipped document on one line with its reason', () => {
    const text = formatReport(report({ skipped: [{ kind: 'credit_note', erpRef: 'account.move,7 RINV/1', reason: 'credit note has no origin invoice' }] }));
    expect(text).toContain('  account.move,7 RINV/1: credit note has no origin invoice');
  });

  it('names the field at fault when the reason does not', () => {
    const text = formatReport(report({ skipped: [{ kind: 'invoice', erpRef: 'sap-bapi invoice 0090000001', reason: 'the document has no invoice date', field: 'invoiceDate (BILL_DATE)' }] }));
    expect(text).toContain('  sap-bapi invoice 0090000001: the document has no invoice date [invoiceDate (BILL_DATE)]');
  });
});
