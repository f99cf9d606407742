// Multi-worker mode (PostgreSQL): `cesce worker plan` then 1, 2 and 4 `cesce worker run --drain`
// processes at once on 10,000 invoices (+ 1,000 credit notes), each size on a fresh PostgreSQL
// (started from Debian's binaries by @cesce-connect/multi-worker/testing) and fresh emulators
// running as their own processes. Rows: declarations per second for each worker count, duplicates
// at the Cesce emulator (must be 0), and the planner's peak memory for 10k and 100k invoices (it
// streams the ERP read into PostgreSQL, so its memory must not grow with the backlog).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CesceClient } from '@cesce-connect/core';
import { startPostgres } from '@cesce-connect/multi-worker/testing';
import { CONTRACT_NO, generateChaosDataset, initialDataset } from '../../chaos/dataset.mjs';
import { label, row, runCli, startEmulator } from '../lib.mjs';

/** One fresh set-up: dataset files, PostgreSQL, both emulators, and a config using them. */
async function setUp(invoices, creditNotes, seed) {
  const dir = mkdtempSync(join(tmpdir(), 'cesce-bench-mw-'));
  const data = generateChaosDataset({ invoices, creditNotes, rounds: 1, seed });
  const odoo = initialDataset(data.odoo, data.release);
  writeFileSync(join(dir, 'odoo.json'), JSON.stringify(odoo));
  writeFileSync(join(dir, 'cesce.json'), JSON.stringify(data.cesce));
  const database = await startPostgres();
  const odooEmu = await startEmulator(['odoo', '--data', join(dir, 'odoo.json')]);
  const cesceEmu = await startEmulator(['cesce', '--data', join(dir, 'cesce.json')]);
  const user = odoo.users[0];
  const config = join(dir, 'cesce.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      cesce: { environment: 'sandbox', baseUrl: cesceEmu.url, contractNo: CONTRACT_NO, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
      odoo: { url: odooEmu.url, database: odoo.database, username: user.login, password: user.apiKeys?.[0] ?? user.password, companyId: 1 },
      workers: { postgres: 'env:CESCE_BENCH_DATABASE_URL', concurrency: 4 },
    }),
  );
  return {
    config,
    env: { CESCE_BENCH_DATABASE_URL: database.url },
    cesceUrl: cesceEmu.url,
    database,
    async tearDown() {
      await odooEmu.stop();
      await cesceEmu.stop();
      await database.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function parse(run, what) {
  if (run.code !== 0 && run.code !== 2) throw new Error(`${what} exited with ${run.code ?? run.signal}: ${run.stderr.slice(0, 500)}`);
  return JSON.parse(run.stdout);
}

/** Sales the Cesce emulator holds per document (endorsement, number, sign), from its sales list: duplicates are counts above 1. */
async function duplicatesAtCesce(cesceUrl) {
  const client = new CesceClient({ environment: 'sandbox', baseUrl: cesceUrl, contractNo: CONTRACT_NO, credentials: { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' } });
  const seen = new Map();
  for await (const s of client.sales.list({ pageSize: 500 })) {
    const k = `${s.endorsementNo}|${s.invoiceNo}|${s.amount.amount.startsWith('-') ? 'credit' : 'sale'}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of seen.values()) if (n > 1) duplicates += n - 1;
  return { documents: seen.size, duplicates };
}

export const multiWorker = {
  name: 'multi-worker',
  description: 'multi-worker mode on PostgreSQL: 1, 2 and 4 worker processes on 10k invoices (2k with --quick); planner memory 10k vs 100k',
  async run({ quick }) {
    const invoices = quick ? 2_000 : 10_000;
    const creditNotes = invoices / 10;
    const rows = [];
    for (const workers of [1, 2, 4]) {
      const s = await setUp(invoices, creditNotes, 20261204);
      try {
        const plan = parse(await runCli(['worker', 'plan', '--config', s.config, '--json'], { env: s.env }), 'cesce worker plan');
        if (plan.queued.invoices !== invoices) throw new Error(`the plan queued ${plan.queued.invoices} invoices, expected ${invoices}`);
        const t0 = performance.now();
        const runs = await Promise.all([...Array(workers)].map(() => runCli(['worker', 'run', '--config', s.config, '--drain', '--json'], { env: s.env })));
        const ms = performance.now() - t0;
        const reports = runs.map((r) => parse(r, 'cesce worker run'));
        const declared = reports.reduce((n, r) => n + r.declared.invoices + r.declared.creditNotes, 0);
        const cesceCalls = reports.reduce((n, r) => n + r.requests.cesce, 0);
        const check = await duplicatesAtCesce(s.cesceUrl);
        const total = invoices + creditNotes;
        rows.push(row(`multi-worker ${workers} worker${workers > 1 ? 's' : ''} × concurrency 4, ${label(invoices)} invoices + ${label(creditNotes)} credit notes: throughput`, Math.round((declared * 1000) / ms), 'documents/s'));
        rows.push(
          row(
            `multi-worker ${workers} worker${workers > 1 ? 's' : ''}: documents at the Cesce emulator / duplicates`,
            `${check.documents} / ${check.duplicates}`,
            '',
            `${total} / 0`,
            check.documents === total && check.duplicates === 0 && declared === total,
          ),
        );
        rows.push(row(`multi-worker ${workers} worker${workers > 1 ? 's' : ''}: Cesce calls per document`, Number((cesceCalls / total).toFixed(3)), 'calls', '1 (one sales POST each)', cesceCalls === total));
        if (workers === 1) rows.push(row(`multi-worker plan ${label(invoices)} invoices (read ERP, queue in PostgreSQL)`, Math.round((total * 1000) / plan.durationMs), 'documents/s'));
      } finally {
        await s.tearDown();
      }
    }
    // The planner's memory does not grow with the backlog: it streams pages into PostgreSQL.
    const memory = [];
    for (const n of quick ? [2_000, 10_000] : [10_000, 100_000]) {
      const s = await setUp(n, 0, 7);
      try {
        const run = await runCli(['worker', 'plan', '--config', s.config, '--json'], { env: s.env, measureMemory: true });
        const plan = parse(run, 'cesce worker plan');
        if (plan.queued.invoices !== n) throw new Error(`the plan queued ${plan.queued.invoices} invoices, expected ${n}`);
        memory.push({ n, mb: run.memory.maxRssMb });
        rows.push(row(`multi-worker plan ${label(n)} invoices: peak memory`, Math.round(run.memory.maxRssMb), 'MB', '< 300 MB', run.memory.maxRssMb < 300));
      } finally {
        await s.tearDown();
      }
    }
    const [a, b] = memory;
    const ratio = b.mb / a.mb;
    rows.push(row(`multi-worker plan peak memory ${label(b.n)} / ${label(a.n)}`, Number(ratio.toFixed(2)), 'x', '<= 1.5', ratio <= 1.5));
    return rows;
  },
};
