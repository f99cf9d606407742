// Reading invoices from Odoo: throughput and peak memory of the connector's streamed read of
// every posted customer invoice/credit note, for 10,000 and 100,000 invoices, against the Odoo
// emulator running as its own process (JSON-RPC, as auto-detection picks for Odoo 17).
import { join } from 'node:path';
import { root, row, runWorker, startEmulator } from '../lib.mjs';

const PAGE = 500;

export const odooRead = {
  name: 'odoo-read',
  description: 'read 10k and 100k invoices (2k and 10k with --quick) from the Odoo emulator (invoices/s, ERP calls, peak memory)',
  async run({ quick }) {
    const sizes = quick ? [2_000, 10_000] : [10_000, 100_000];
    const label = (n) => (n >= 1000 ? `${n / 1000}k` : String(n));
    const results = [];
    for (const n of sizes) {
      const emulator = await startEmulator(['odoo', '--generate', String(n), '--odoo-version', '17.0']);
      try {
        results.push({ n, r: await runWorker(join(root, 'bench/workers/odoo-read.mjs'), [emulator.url, 'auto', String(PAGE)]) });
      } finally {
        await emulator.stop();
      }
    }
    const rows = [];
    for (const { n, r } of results) {
      rows.push(row(`odoo read ${label(n)} invoices (${r.protocol}): throughput`, Math.round(r.documents / (r.ms / 1000)), 'invoices/s'));
      // The generator adds credit notes and other companies' moves: bound by the documents read.
      const bound = Math.ceil(r.documents / PAGE) + 5;
      rows.push(row(`odoo read ${label(n)} invoices: ERP calls`, r.erpCalls, 'calls', `<= ceil(${r.documents}/${PAGE}) + 5 = ${bound}`, r.erpCalls <= bound));
      rows.push(row(`odoo read ${label(n)} invoices: peak memory`, Math.round(r.maxRssMb), 'MB', '< 300 MB', r.maxRssMb < 300));
    }
    if (results.length === 2) {
      const [a, b] = results;
      const ratio = b.r.maxRssMb / a.r.maxRssMb;
      rows.push(row(`odoo read peak memory ${label(b.n)} / ${label(a.n)}`, Number(ratio.toFixed(2)), 'x', '<= 1.5', ratio <= 1.5));
    }
    return rows;
  },
};
