// `cesce sync` end to end: the built CLI as its own process against the Odoo and Cesce emulators
// (each its own process, `cesce emulate …`), over a dataset of the chaos harness (chaos/dataset.mjs:
// the demo company, every invoice posted and declarable). Measures, all in this run:
//   - a first sync of N invoices (invoices/s, spawn to exit), and the same Cesce emulator's raw
//     capacity for the same sales POSTs with autocannon at the sync's concurrency (a fresh emulator
//     on the same seed, each body a new declaration): the ratio sync / raw;
//   - the requests it makes per declared invoice: sales POSTs, classification look-ups and other
//     Cesce calls, token requests, ERP calls (counted by the emulators: GET /_emulator/requests of
//     the Cesce emulator, GET /_emulator/calls of the Odoo emulator);
//   - the sync process's peak memory (getrusage maxRSS, bench/workers/max-rss.cjs) for N and 10·N;
//   - an incremental run with nothing new on the 10·N declared invoices: time and requests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiUrl, resolveEnvironment } from '@cesce-connect/core';
import { CONTRACT_NO, generateChaosDataset, initialDataset } from '../../chaos/dataset.mjs';
import { getJson, label, root, row, runCli, runWorker, startEmulator } from '../lib.mjs';

const SEED = 20261204;
const CONCURRENCY = 4; // sync.concurrency's default, written into the config explicitly
const ODOO_PAGE_SIZE = 200;
/** ERP reads besides the pages of documents (see the ERP reads row). */
const ERP_CONSTANT = 15; // the Odoo connector's DEFAULT_PAGE_SIZE (odoo.pageSize unset)
const CLIENT = { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' };

/** The dataset files for N invoices (no credit notes: every document is an invoice to declare). */
function writeDataset(dir, invoices) {
  const dataset = generateChaosDataset({ invoices, creditNotes: 0, rounds: 1, seed: SEED });
  const files = { odoo: join(dir, `odoo-${invoices}.json`), cesce: join(dir, `cesce-${invoices}.json`) };
  writeFileSync(files.odoo, JSON.stringify(initialDataset(dataset.odoo, dataset.release)));
  writeFileSync(files.cesce, JSON.stringify(dataset.cesce));
  return { files, odoo: dataset.odoo, debtors: dataset.debtors };
}

function writeConfig(file, { cesceUrl, odooUrl, odoo, ledger, overlapMinutes }) {
  const user = odoo.users[0];
  writeFileSync(
    file,
    JSON.stringify({
      cesce: { environment: 'sandbox', baseUrl: cesceUrl, contractNo: CONTRACT_NO, ...CLIENT, timeoutMs: 30_000 },
      odoo: {
        url: odooUrl,
        database: odoo.database,
        username: user.login,
        password: user.apiKeys?.[0] ?? user.password,
        companyId: 1,
        ...(overlapMinutes === undefined ? {} : { overlapMinutes }),
      },
      sync: { ledger, concurrency: CONCURRENCY },
    }),
  );
}

/** Both emulators' counters now. */
async function counters(cesce, odoo) {
  const [c, o] = await Promise.all([getJson(`${cesce.url}/_emulator/requests`), getJson(`${odoo.url}/_emulator/calls`)]);
  return { cesce: c, odoo: o };
}

/** after − before of the counters: { cesce: { total, byOperation }, odoo: { total, byMethod } }. */
function delta(before, after) {
  const sub = (a, b) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - (b[k] ?? 0)]).filter(([, v]) => v !== 0));
  return {
    cesce: { total: after.cesce.total - before.cesce.total, byOperation: sub(after.cesce.byOperation, before.cesce.byOperation) },
    odoo: { total: after.odoo.total - before.odoo.total, byMethod: sub(after.odoo.byMethod, before.odoo.byMethod) },
  };
}

/** Runs `cesce sync --config FILE --json`; fails unless it exits 0 with a report. */
async function sync(config, what) {
  const run = await runCli(['sync', '--config', config, '--json'], { measureMemory: true });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    report = null;
  }
  if (run.code !== 0 || !report) {
    throw new Error(`${what}: cesce sync exited with ${run.code ?? run.signal}${report ? `: ${JSON.stringify(report.error ?? report.failed?.slice(0, 3))}` : ''}\n${run.stderr.trim().slice(-2000)}`);
  }
  return { ...run, report };
}

/** The sales POSTs a sync made (its audit trail in the ledger), for the raw load generator. */
function sentDeclarations(ledgerFile) {
  const Database = createRequire(join(root, 'packages/sync/package.json'))('better-sqlite3');
  const db = new Database(ledgerFile, { readonly: true, fileMustExist: true });
  try {
    const sales = db.prepare(`SELECT url, request_body AS body FROM exchanges WHERE operation = 'sales.create' AND status BETWEEN 200 AND 299 ORDER BY id`).all();
    if (sales.length === 0) throw new Error(`${ledgerFile}: the ledger's audit trail holds no successful sales.create`);
    // The token request is not part of any item's audit trail: its URL is the client's own.
    const tokenUrl = apiUrl(resolveEnvironment('sandbox', { baseUrl: new URL(sales[0].url).origin }), 'oauth2', 'token');
    return { tokenPath: new URL(tokenUrl).pathname, salesPath: new URL(sales[0].url).pathname, bodies: sales.map((s) => s.body) };
  } finally {
    db.close();
  }
}

/** A first sync of `n` invoices; with `then`, more work on the same emulators and ledger afterwards. */
async function firstSync(dir, n, then) {
  const data = writeDataset(dir, n);
  const [odoo, cesce] = await Promise.all([startEmulator(['odoo', '--data', data.files.odoo]), startEmulator(['cesce', '--data', data.files.cesce])]);
  try {
    const ledger = join(dir, `ledger-${n}.sqlite`);
    const config = join(dir, `sync-${n}.config.json`);
    writeConfig(config, { cesceUrl: cesce.url, odooUrl: odoo.url, odoo: data.odoo, ledger });
    const before = await counters(cesce, odoo);
    const run = await sync(config, `first sync of ${label(n)} invoices`);
    const calls = delta(before, await counters(cesce, odoo));
    const declared = run.report.salesDeclared + run.report.creditNotesDeclared;
    if (declared !== n) throw new Error(`first sync of ${label(n)} invoices declared ${declared}, not ${n}: ${JSON.stringify(run.report.skipped.slice(0, 3))}`);
    const extra = then ? await then({ config, cesce, odoo, ledger, data }) : undefined;
    return { n, run, calls, declared, ledger, data, extra };
  } finally {
    await Promise.all([odoo.stop(), cesce.stop()]);
  }
}

/** autocannon against a fresh Cesce emulator (same seed) with the bodies the sync sent. */
async function rawCapacity(dir, first) {
  const sent = sentDeclarations(first.ledger);
  const bodiesFile = join(dir, 'raw-bodies.json');
  writeFileSync(bodiesFile, JSON.stringify({ ...sent, form: { grant_type: 'password', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret } }));
  const cesce = await startEmulator(['cesce', '--data', first.data.files.cesce]);
  try {
    const r = await runWorker(join(root, 'bench/workers/raw-declare.mjs'), [cesce.url, bodiesFile, String(CONCURRENCY)]);
    const counts = await getJson(`${cesce.url}/_emulator/requests`);
    const created = counts.byOperation['sales.create'] ?? 0;
    if (r.ok !== sent.bodies.length || r.non2xx > 0 || r.errors > 0 || created !== sent.bodies.length) {
      throw new Error(`raw load: ${r.ok} of ${sent.bodies.length} POSTs answered 2xx (${r.non2xx} non-2xx, ${r.errors} errors; the emulator counted ${created} sales.create)`);
    }
    return r;
  } finally {
    await cesce.stop();
  }
}

export const syncSuite = {
  name: 'sync',
  description: 'cesce sync end to end: 10k invoices vs raw Cesce emulator capacity, requests per invoice, peak memory 10k/100k, incremental run on 100k (2k/10k with --quick)',
  async run({ quick }) {
    const [small, large] = quick ? [2_000, 10_000] : [10_000, 100_000];
    const q = quick ? ' (quick)' : '';
    const dir = mkdtempSync(join(tmpdir(), 'cesce-bench-sync-'));
    try {
      // 1. First sync of the small set, then the raw capacity of a fresh emulator for the same POSTs.
      const first = await firstSync(dir, small);
      const raw = await rawCapacity(dir, first);
      // 3./4. First sync of the large set (peak memory), then on the same emulators and ledger an
      // incremental run with nothing new.
      // The write-back changes every declared invoice in the ERP (its write_date moves), so the run
      // right after re-reads them once; the steady state is the run after that. Odoo's re-read
      // window before the watermark (odoo.overlapMinutes, default 10) is set to 0 for both: it
      // stands for runs more than 10 minutes after the last change, as a scheduled sync would be.
      const big = await firstSync(dir, large, async ({ config, cesce, odoo, ledger, data }) => {
        writeConfig(config, { cesceUrl: cesce.url, odooUrl: odoo.url, odoo: data.odoo, ledger, overlapMinutes: 0 });
        const b1 = await counters(cesce, odoo);
        const after = await sync(config, `incremental sync right after the first sync of ${label(large)} invoices`);
        const c1 = delta(b1, await counters(cesce, odoo));
        const b2 = await counters(cesce, odoo);
        const run = await sync(config, `incremental sync on ${label(large)} declared invoices`);
        return { run, calls: delta(b2, await counters(cesce, odoo)), after: { run: after, calls: c1 } };
      });

      const rows = [];
      // Other processes compete for the CPU: the figures above depend on it, so say how busy it was.
      rows.push(row(`sync suite${q}: machine load average (1 min) at the end, ${cpus().length} CPUs`, Number(loadavg()[0].toFixed(2)), ''));
      const s = label(small);
      const L = label(large);
      // 1. Throughput.
      const syncRate = first.declared / (first.run.ms / 1000);
      const ratio = syncRate / raw.perSecond;
      rows.push(row(`sync ${s} invoices${q}: declared per second (spawn to exit, concurrency ${CONCURRENCY})`, Math.round(syncRate), 'invoices/s'));
      rows.push(row(`sync ${s} invoices${q}: wall clock (inside the run: ${Math.round(first.run.report.durationMs)} ms)`, Math.round(first.run.ms), 'ms'));
      rows.push(row(`raw Cesce emulator${q}: ${raw.ok} sales POSTs, autocannon, ${CONCURRENCY} connections`, Math.round(raw.perSecond), 'POST/s'));
      rows.push(row(`sync ${s}${q} / raw Cesce emulator capacity`, Number(ratio.toFixed(3)), 'x', '>= 0.70', ratio >= 0.7));

      // 2. Requests per declared invoice (counted by the emulators).
      const ops = first.calls.cesce.byOperation;
      const posts = ops['sales.create'] ?? 0;
      rows.push(row(`sync ${s}${q}: sales POSTs per new document (${posts} / ${first.declared})`, Number((posts / first.declared).toFixed(4)), 'POST/doc', 'exactly 1', posts === first.declared));
      const lookups = ops['classifications.query'] ?? 0;
      rows.push(row(`sync ${s}${q}: classification look-ups (${first.data.debtors} customers invoiced)`, lookups, 'calls', `<= ${first.data.debtors}`, lookups <= first.data.debtors));
      const others = Object.entries(ops).filter(([k]) => !['sales.create', 'classifications.query', 'token'].includes(k));
      rows.push(row(`sync ${s}${q}: other Cesce calls (${others.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`, others.reduce((a, [, v]) => a + v, 0), 'calls'));
      const tokens = ops.token ?? 0;
      const lifetimes = Math.max(1, Math.ceil(first.run.ms / 1000 / raw.expiresIn));
      rows.push(row(`sync ${s}${q}: token requests (run ${Math.round(first.run.ms / 1000)} s, token lifetime ${raw.expiresIn} s)`, tokens, 'requests', `<= ${lifetimes}`, tokens <= lifetimes));
      const reported = first.run.report.requests;
      if (reported.cesce + reported.token !== first.calls.cesce.total) {
        throw new Error(`the sync reports ${reported.cesce} Cesce calls + ${reported.token} token requests, the emulator counted ${first.calls.cesce.total}`);
      }
      // ERP reads: one call per page of documents, plus a constant: log-in and version (2), the
      // company, its currency and country (3), fields_get of partners, moves and payment-term lines
      // (3), and the customers with their states and payment terms (one page each here).
      const erpBound = Math.ceil(first.declared / ODOO_PAGE_SIZE) + ERP_CONSTANT;
      const erpWrites = Object.entries(first.calls.odoo.byMethod).filter(([k]) => k.endsWith('.write')).reduce((a, [, v]) => a + v, 0);
      const erpReads = first.calls.odoo.total - erpWrites;
      rows.push(
        row(
          `sync ${s}${q}: ERP reads (${first.calls.odoo.byMethod['account.move.search_read'] ?? 0} pages of documents, the rest log-in, metadata, customers)`,
          erpReads,
          'calls',
          `<= ceil(${first.declared}/${ODOO_PAGE_SIZE}) + ${ERP_CONSTANT} = ${erpBound}`,
          erpReads <= erpBound,
        ),
      );
      const moveWrites = first.calls.odoo.byMethod['account.move.write'] ?? 0;
      rows.push(row(`sync ${s}${q}: ERP write-backs per declared invoice (each gets its own Cesce reference)`, Number((moveWrites / first.declared).toFixed(4)), 'writes/doc', '1', moveWrites === first.declared));

      // 3. Peak memory.
      for (const f of [first, big]) {
        const m = f.run.memory;
        if (!m) throw new Error(`no memory figures from the sync of ${label(f.n)} invoices (bench/workers/max-rss.cjs)`);
        rows.push(row(`sync ${label(f.n)} invoices${q}: peak memory (max RSS)`, Math.round(m.maxRssMb), 'MB', '< 300 MB', m.maxRssMb < 300));
        rows.push(row(`sync ${label(f.n)} invoices${q}: of which JS heap at most (peak heap used; external ${Math.round(m.peakExternalMb)} MB)`, Math.round(m.peakHeapUsedMb), 'MB'));
      }
      const memRatio = big.run.memory.maxRssMb / first.run.memory.maxRssMb;
      rows.push(row(`sync peak memory ${L} / ${s}${q}`, Number(memRatio.toFixed(2)), 'x', '<= 1.5', memRatio <= 1.5));
      rows.push(row(`sync ${L} invoices${q}: declared per second (spawn to exit)`, Math.round(big.declared / (big.run.ms / 1000)), 'invoices/s'));

      // 4. Incremental run with nothing new.
      const inc = big.extra;
      const incRequests = inc.calls.cesce.total + inc.calls.odoo.total;
      const newWork = inc.run.report.salesDeclared + inc.run.report.creditNotesDeclared;
      if (newWork !== 0) throw new Error(`the incremental run on ${L} declared invoices declared ${newWork} documents`);
      const after = inc.after;
      rows.push(
        row(
          `incremental sync right after the first ${L}${q}: wall clock (re-reads the ${after.run.report.read.documents} documents its write-back changed; ERP ${after.calls.odoo.total} calls)`,
          Math.round(after.run.ms),
          'ms',
        ),
      );
      rows.push(row(`incremental sync, nothing new, ${L} declared${q}: wall clock (read ${inc.run.report.read.documents} documents, ${inc.run.report.mode})`, Math.round(inc.run.ms), 'ms', '< 2000 ms', inc.run.ms < 2000));
      rows.push(
        row(
          `incremental sync, nothing new, ${L} declared${q}: requests (Cesce ${inc.calls.cesce.total - (inc.calls.cesce.byOperation.token ?? 0)} + token ${inc.calls.cesce.byOperation.token ?? 0} + ERP ${inc.calls.odoo.total})`,
          incRequests,
          'requests',
          '< 10',
          incRequests < 10,
        ),
      );
      process.stderr.write(
        `bench: sync details: first ${s}: Cesce ${JSON.stringify(first.calls.cesce.byOperation)}, ERP ${JSON.stringify(first.calls.odoo.byMethod)}; ` +
          `memory ${s} ${JSON.stringify(first.run.memory)}, ${L} ${JSON.stringify(big.run.memory)}; ` +
          `incremental: Cesce ${JSON.stringify(inc.calls.cesce.byOperation)}, ERP ${JSON.stringify(inc.calls.odoo.byMethod)}, inside ${inc.run.report.durationMs} ms; raw ${JSON.stringify(raw)}\n`,
      );
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
