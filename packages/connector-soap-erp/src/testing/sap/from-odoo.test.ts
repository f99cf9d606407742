import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sapDatasetFromOdoo } from './from-odoo.js';

const ODOO = fileURLToPath(new URL('../../../../../examples/demo/odoo-dataset.json', import.meta.url));
const SAP = fileURLToPath(new URL('../../../../../examples/demo/sap-dataset.json', import.meta.url));

describe('the SAP demo dataset (examples/demo/sap-dataset.json)', () => {
  const odoo = JSON.parse(readFileSync(ODOO, 'utf8'));
  const converted = sapDatasetFromOdoo(odoo);
  const text = `${JSON.stringify(converted, null, 2)}\n`;
  if (process.env.UPDATE_DEMO === '1') writeFileSync(SAP, text);

  it('is the converter output on the committed Odoo demo (regenerate: UPDATE_DEMO=1 pnpm exec vitest run packages/connector-soap-erp/src/testing/sap/from-odoo.test.ts)', () => {
    expect(readFileSync(SAP, 'utf8')).toBe(text);
  });

  it('holds the same debtors and posted documents as the Odoo demo', () => {
    const moves = odoo.records['account.move'] as Array<Record<string, unknown>>;
    const posted = moves.filter((m) => m.state === 'posted' && (m.move_type === 'out_invoice' || m.move_type === 'out_refund'));
    expect(converted.customers).toHaveLength(44);
    const live = converted.billingDocuments.filter((b) => (b.SD_DOC_CAT === 'M' || b.SD_DOC_CAT === 'O') && b.CANCELLED !== 'X');
    expect(live).toHaveLength(posted.length);
    expect(live.filter((b) => b.SD_DOC_CAT === 'O')).toHaveLength(posted.filter((m) => m.move_type === 'out_refund').length);
    // 17 of the 18 credit notes point to their invoice; the volume rebate has no origin, as in Odoo.
    expect(live.filter((b) => b.SD_DOC_CAT === 'O' && b.REF_BILL_DOC)).toHaveLength(17);
    // Every live document has one FI item whose baseline date + net days is Odoo's due date.
    const byDoc = new Map(converted.arItems.map((a) => [a.BILL_DOC, a]));
    for (const [i, b] of live.entries()) {
      const m = posted[i]!;
      const item = byDoc.get(b.BILLINGDOC)!;
      expect(b.BILL_DATE).toBe(m.invoice_date);
      const due = new Date(Date.UTC(+item.BLINE_DATE!.slice(0, 4), +item.BLINE_DATE!.slice(5, 7) - 1, +item.BLINE_DATE!.slice(8, 10) + Number(item.NETTERMS)));
      expect(due.toISOString().slice(0, 10)).toBe(m.invoice_date_due);
      expect(Number(item.AMT_DOCCUR)).toBe(m.amount_total);
      expect(item.CLEAR_DATE !== undefined).toBe(['paid', 'in_payment', 'reversed'].includes(String(m.payment_state)));
    }
    // Cancelled invoices are cancelled billing documents with their cancellation (VBTYP N), no FI item.
    expect(converted.billingDocuments.filter((b) => b.CANCELLED === 'X')).toHaveLength(4);
    expect(converted.billingDocuments.filter((b) => b.SD_DOC_CAT === 'N')).toHaveLength(4);
  });
});
