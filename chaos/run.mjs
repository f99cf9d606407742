#!/usr/bin/env node
/**
 * Chaos harness: many rounds of the real `cesce sync` process against the Odoo and Cesce emulators
 * (real processes), with the Cesce emulator injecting seeded random faults (5xx before and after
 * processing, hangs past the client's timeout, connection resets, 429 bursts, tokens that expire
 * early) and some rounds' sync SIGKILLed at a random moment. Then the faults are turned off (the
 * Cesce emulator restarts on the same state file) and sync runs until it finishes clean.
 *
 * Oracle: the same dataset synced once against a fault-free Cesce emulator with a fresh ledger.
 * Checks: no document declared twice, none missing, none extra, every credit note declared after
 * its invoice, and the ledger agrees with the emulator. Exit 1 when any of them fails.
 *
 * Usage: node chaos/run.mjs [--rounds N] [--kills K] [--invoices N] [--credit-notes N] [--seed S]
 *                           [--concurrency N] [--timeout-ms MS] [--keep] [--json] [--quiet]
 * Build first (pnpm build): it runs apps/cli/dist/cesce.js.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CONTRACT_NO, generateChaosDataset, initialDataset, seededRandom } from './dataset.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'apps/cli/dist/cesce.js');

export const DEFAULTS = { rounds: 24, kills: 6, invoices: 3000, creditNotes: undefined, concurrency: 4, timeoutMs: 1500, roundTimeoutMs: 180_000 };

const HELP = `Usage: node chaos/run.mjs [options]    (pnpm test:chaos; build first)

Runs the real \`cesce sync\` many times against the Odoo emulator and a Cesce emulator that injects
seeded random faults, SIGKILLs the sync in some rounds, then checks that every document was
declared exactly once (against an oracle run without faults) and that the ledger agrees.

Options:
  --rounds N         chaos rounds (default ${DEFAULTS.rounds}); new documents are posted before each
  --kills K          rounds whose sync is SIGKILLed at a random moment: after a seeded number of its
                     Cesce calls (default ${DEFAULTS.kills}; a kill the sync ended before moves to the next round)
  --invoices N       invoices in the generated dataset (default ${DEFAULTS.invoices})
  --credit-notes N   credit notes (default: a tenth of the invoices)
  --seed S           seed of the dataset, the faults and the kill moments (default: from the clock);
                     printed at the start and the end: give it again to replay a failing run
  --concurrency N    sync concurrency (default ${DEFAULTS.concurrency})
  --timeout-ms MS    the sync's Cesce timeout (default ${DEFAULTS.timeoutMs}); hangs last this + 1000 ms
  --keep             keep the work folder (datasets, ledgers, emulator state files, sync logs)
  --json             print the result as JSON on the last line
  --quiet            no per-round lines

Exit code: 0 when duplicates, missing, extra, amount mismatches, order violations, ledger
mismatches and stuck rounds are all 0 and the kills reached K; 1 otherwise.`;

function parseArgs(argv) {
  const o = { ...DEFAULTS, seed: undefined, keep: false, json: false, quiet: false };
  const num = (name, v, min) => {
    const n = Number(v);
    if (v === undefined || !Number.isSafeInteger(n) || n < min) throw new TypeError(`${name} must be a whole number ≥ ${min}, not '${v ?? ''}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return { help: true };
    else if (a === '--rounds') o.rounds = num(a, argv[++i], 1);
    else if (a === '--kills') o.kills = num(a, argv[++i], 0);
    else if (a === '--invoices') o.invoices = num(a, argv[++i], 1);
    else if (a === '--credit-notes') o.creditNotes = num(a, argv[++i], 0);
    else if (a === '--seed') o.seed = num(a, argv[++i], 0);
    else if (a === '--concurrency') o.concurrency = num(a, argv[++i], 1);
    else if (a === '--timeout-ms') o.timeoutMs = num(a, argv[++i], 100);
    else if (a === '--keep') o.keep = true;
    else if (a === '--json') o.json = true;
    else if (a === '--quiet') o.quiet = true;
    else throw new TypeError(`unknown option '${a}' (see --help)`);
  }
  if (o.kills > o.rounds) throw new TypeError(`--kills (${o.kills}) cannot exceed --rounds (${o.rounds})`);
  o.seed ??= Date.now() % 2_147_483_647;
  return o;
}

/** The chaos faults of the Cesce emulator for a run (README of @cesce-connect/sandbox, "Chaos faults"). */
export function chaosFaults(seed, timeoutMs) {
  return {
    chaos: {
      seed,
      error5xx: { rate: 0.04, afterProcessing: 0.5 },
      hang: { rate: 0.006, ms: timeoutMs + 1000, afterProcessing: 0.5 },
      reset: { rate: 0.01, afterProcessing: 0.5 },
      burst429: { rate: 0.004, length: 4, retryAfterSeconds: 1 },
      earlyTokenExpiry: { rate: 0.8, afterSeconds: 1.5 },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Processes

/** A running emulator: its URL (first stdout line) and how to stop it. */
function startEmulator(args, name, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'emulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      log?.(d);
    });
    const lines = createInterface({ input: child.stdout });
    const onExit = (code) => reject(new Error(`${name} emulator exited early (code ${code}): ${stderr.trim()}`));
    child.once('exit', onExit);
    lines.once('line', (url) => {
      child.off('exit', onExit);
      const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      resolve({
        url: url.trim(),
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

/**
 * Runs `cesce sync`; SIGKILLs it once `killWhen()` (polled every 10 ms) says so, if given, and
 * after `timeoutMs` in any case (a stuck round).
 */
function runSync(configFile, { killWhen, timeoutMs, logFile }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, 'sync', '--config', configFile, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let killed = false;
    let stuck = false;
    let polling = false;
    const killTimer =
      killWhen === undefined
        ? undefined
        : setInterval(() => {
            if (polling) return;
            polling = true;
            killWhen()
              .then((now) => {
                if (now && child.exitCode === null && child.signalCode === null) {
                  killed = true;
                  child.kill('SIGKILL');
                }
              })
              .catch(() => {})
              .finally(() => (polling = false));
          }, 10);
    const stuckTimer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) {
        stuck = true;
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearInterval(killTimer);
      clearTimeout(stuckTimer);
      if (logFile) writeFileSync(logFile, `exit ${code ?? signal}\n--- stdout\n${stdout}\n--- stderr\n${stderr}\n`);
      let report;
      try {
        report = JSON.parse(stdout);
      } catch {
        report = undefined;
      }
      resolve({ code, signal, killed, stuck, elapsedMs: Date.now() - started, report, stderr });
    });
  });
}

/** The chaos emulator's fault counts (GET /_emulator/faults). */
async function fetchStats(url) {
  const res = await fetch(`${url}/_emulator/faults`);
  if (!res.ok) throw new Error(`GET ${url}/_emulator/faults answered ${res.status}`);
  return res.json();
}

// ---------------------------------------------------------------------------------------------
// Odoo: posting the documents of a round (draft → posted) over JSON-RPC, as a user of Odoo would

async function odooCall(url, service, method, args) {
  const res = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service, method, args } }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`Odoo ${service}.${method}: ${body.error.data?.message ?? body.error.message}`);
  return body.result;
}

async function postDocuments(url, odoo, ids) {
  if (ids.length === 0) return;
  const user = odoo.users[0];
  const uid = await odooCall(url, 'common', 'login', [odoo.database, user.login, user.password]);
  await odooCall(url, 'object', 'execute_kw', [odoo.database, uid, user.password, 'account.move', 'write', [ids, { state: 'posted' }]]);
}

// ---------------------------------------------------------------------------------------------
// Reading the results

/** The sales of the contract in an emulator state file, in creation order. */
function salesOf(stateFile) {
  const state = JSON.parse(readFileSync(stateFile, 'utf8'));
  const policy = state.data.policies.find((p) => p.contractNo === CONTRACT_NO);
  return policy?.sales ?? [];
}

const isNegative = (amount) => String(amount).trim().startsWith('-');
/** A declared document: debtor, number and sign (an invoice and its credit note may share nothing else). */
const docKey = (s) => `${s.endorsementNo}|${s.invoiceNo}|${isNegative(s.amount) ? 'credit' : 'sale'}`;

function ledgerItems(file) {
  const require = createRequire(join(ROOT, 'packages/sync/package.json'));
  const Database = require('better-sqlite3');
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT key, kind, state, cesce_ref AS cesceRef, invoice_no AS invoiceNo FROM items WHERE kind IN ('invoice', 'credit_note')").all();
  } finally {
    db.close();
  }
}

/** Compares the chaos run's sales with the oracle's, and the ledger with the emulator. */
export function compare({ expected, actual, seedRefs, ledger }) {
  const count = (sales) => {
    const m = new Map();
    for (const s of sales) m.set(docKey(s), [...(m.get(docKey(s)) ?? []), s]);
    return m;
  };
  const want = count(expected);
  const got = count(actual);
  const problems = [];
  let duplicates = 0;
  let missing = 0;
  let extra = 0;
  let amountMismatches = 0;
  for (const [key, sales] of got) {
    if (sales.length > 1) {
      duplicates += sales.length - 1;
      problems.push(`duplicate: ${key} declared ${sales.length} times (saleCesceReferenceNo ${sales.map((s) => s.saleCesceReferenceNo).join(', ')})`);
    }
    const w = want.get(key);
    if (!w) {
      extra += 1;
      problems.push(`extra: ${key} (saleCesceReferenceNo ${sales[0].saleCesceReferenceNo}) is not in the oracle's declarations`);
    } else if (w[0].amount !== sales[0].amount) {
      amountMismatches += 1;
      problems.push(`amount: ${key} declared ${sales[0].amount}, the oracle ${w[0].amount}`);
    }
  }
  for (const key of want.keys()) {
    if (!got.has(key)) {
      missing += 1;
      problems.push(`missing: ${key} (declared by the oracle, not by the chaos run)`);
    }
  }
  // Order: a credit note's sale is created after its invoice's (the emulator's reference numbers grow).
  let orderViolations = 0;
  const refNo = (s) => BigInt(s.saleCesceReferenceNo);
  for (const s of actual) {
    if (!isNegative(s.amount)) continue;
    const invoice = actual.find((i) => !isNegative(i.amount) && i.endorsementNo === s.endorsementNo && i.invoiceNo === s.originalInvoiceNo);
    if (!invoice || refNo(invoice) > refNo(s)) {
      orderViolations += 1;
      problems.push(`order: credit note ${s.invoiceNo} (${s.saleCesceReferenceNo}) ${invoice ? `declared before its invoice ${invoice.invoiceNo} (${invoice.saleCesceReferenceNo})` : `has no declared invoice ${s.originalInvoiceNo}`}`);
    }
  }
  // Ledger ⇔ emulator: every declared item's reference exists there; every sale the sync made is a declared item.
  let ledgerMismatches = 0;
  const refs = new Set(actual.map((s) => s.saleCesceReferenceNo));
  const declared = new Set();
  for (const item of ledger) {
    if (item.state === 'declared') {
      declared.add(item.cesceRef);
      if (!refs.has(item.cesceRef)) {
        ledgerMismatches += 1;
        problems.push(`ledger: ${item.key} (${item.invoiceNo}) is declared with reference ${item.cesceRef}, unknown to the emulator`);
      }
    } else {
      ledgerMismatches += 1;
      problems.push(`ledger: ${item.key} (${item.invoiceNo}) is left ${item.state} after the clean run`);
    }
  }
  for (const s of actual) {
    if (seedRefs.has(s.saleCesceReferenceNo) || declared.has(s.saleCesceReferenceNo)) continue;
    ledgerMismatches += 1;
    problems.push(`ledger: sale ${s.saleCesceReferenceNo} (${s.invoiceNo}) at the emulator is no declared ledger item`);
  }
  return { duplicates, missing, extra, amountMismatches, orderViolations, ledgerMismatches, problems };
}

// ---------------------------------------------------------------------------------------------

function writeConfig(file, { cesceUrl, odooUrl, odoo, ledger, concurrency, timeoutMs }) {
  const user = odoo.users[0];
  writeFileSync(
    file,
    JSON.stringify(
      {
        cesce: { environment: 'sandbox', baseUrl: cesceUrl, contractNo: CONTRACT_NO, clientId: 'demo-client-id', clientSecret: 'demo-client-secret', timeoutMs },
        odoo: { url: odooUrl, database: odoo.database, username: user.login, password: user.apiKeys?.[0] ?? user.password, companyId: 1 },
        sync: { ledger, concurrency },
      },
      null,
      2,
    ),
  );
}

const pct = (n) => `${n}`.padStart(6);

/** One line on what a sync run did (from its --json output), or why it failed. */
function describeReport(run) {
  const r = run.report;
  if (!r) {
    const lines = run.stderr.trim().split('\n');
    return (lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '').trim().slice(0, 200);
  }
  if (r.ok === false) return `fatal: ${r.error?.code ?? ''} ${String(r.error?.message ?? '').slice(0, 200)}`;
  const failed = (r.failed ?? []).map((f) => /HTTP (\d+)|\((UND_ERR\w+|\w*[Tt]imeout\w*)\)/.exec(f.message ?? '')?.slice(1).find(Boolean) ?? 'other');
  const byCause = Object.entries(failed.reduce((m, c) => ({ ...m, [c]: (m[c] ?? 0) + 1 }), {})).map(([c, n]) => `${c}×${n}`).join(' ');
  return [
    `declared ${r.salesDeclared ?? '?'}+${r.creditNotesDeclared ?? '?'}cn`,
    `reconciled ${r.reconciled?.confirmed ?? 0} confirmed/${r.reconciled?.resent ?? 0} resent`,
    `failed ${failed.length}${byCause ? ` (${byCause})` : ''}`,
    (r.rejected ?? []).length ? `rejected ${(r.rejected ?? []).length}` : '',
    (r.conflicts ?? []).length ? `conflicts ${(r.conflicts ?? []).length}` : '',
    `calls ${r.requests?.cesce ?? '?'}`,
  ]
    .filter(Boolean)
    .join(', ');
}

/**
 * Runs the harness. Returns the result (figures, problems, seed); `log` receives the progress lines.
 */
export async function runChaos(options, log = (line) => console.log(line)) {
  const o = { ...DEFAULTS, ...options };
  const seed = o.seed;
  const work = mkdtempSync(join(tmpdir(), 'cesce-chaos-'));
  const random = seededRandom(seed ^ 0x5bd1e995);
  const emulators = [];
  const started = Date.now();
  try {
    log(`chaos: seed ${seed}, ${o.rounds} rounds, ${o.kills} kills, ${o.invoices} invoices; work folder ${work}`);
    const dataset = generateChaosDataset({ invoices: o.invoices, creditNotes: o.creditNotes, rounds: o.rounds, seed });
    const files = {
      final: join(work, 'odoo-final.json'),
      initial: join(work, 'odoo-initial.json'),
      cesceSeed: join(work, 'cesce-seed.json'),
      faults: join(work, 'faults.json'),
    };
    writeFileSync(files.final, JSON.stringify(dataset.odoo));
    writeFileSync(files.initial, JSON.stringify(initialDataset(dataset.odoo, dataset.release)));
    writeFileSync(files.cesceSeed, JSON.stringify(dataset.cesce));
    writeFileSync(files.faults, JSON.stringify(chaosFaults(seed, o.timeoutMs), null, 2));
    const seedRefs = new Set(
      (dataset.cesce.policies.find((p) => p.contractNo === CONTRACT_NO)?.sales ?? []).map((s) => s.saleCesceReferenceNo),
    );
    const roundTimeoutMs = o.roundTimeoutMs;

    // 1. Oracle: every document posted, no faults, a fresh emulator and ledger.
    const oracleState = join(work, 'oracle-cesce-state.json');
    const oracleStarted = Date.now();
    const [oOdoo, oCesce] = await Promise.all([
      startEmulator(['odoo', '--data', files.final], 'Odoo (oracle)'),
      startEmulator(['cesce', '--data', files.cesceSeed, '--state', oracleState], 'Cesce (oracle)'),
    ]);
    emulators.push(oOdoo, oCesce);
    const oracleConfig = join(work, 'oracle.config.json');
    writeConfig(oracleConfig, { cesceUrl: oCesce.url, odooUrl: oOdoo.url, odoo: dataset.odoo, ledger: join(work, 'oracle-ledger.sqlite'), concurrency: o.concurrency, timeoutMs: 30_000 });
    const oracleRun = await runSync(oracleConfig, { timeoutMs: roundTimeoutMs, logFile: join(work, 'oracle-sync.log') });
    await Promise.all([oOdoo.stop(), oCesce.stop()]);
    if (oracleRun.code !== 0 && oracleRun.code !== 2) throw new Error(`the oracle sync failed (exit ${oracleRun.code ?? oracleRun.signal}): ${oracleRun.stderr.trim().slice(0, 500)}`);
    const expected = salesOf(oracleState);
    log(`oracle: ${expected.length - seedRefs.size} declarations (exit ${oracleRun.code}) in ${Date.now() - oracleStarted} ms`);
    if (expected.length === seedRefs.size) throw new Error('the oracle run declared nothing: the dataset has no declarable document');

    // 2. Chaos rounds.
    const chaosState = join(work, 'chaos-cesce-state.json');
    const ledger = join(work, 'chaos-ledger.sqlite');
    const odooEmu = await startEmulator(['odoo', '--data', files.initial], 'Odoo');
    emulators.push(odooEmu);
    let cesceEmu = await startEmulator(['cesce', '--data', files.cesceSeed, '--state', chaosState, '--faults', files.faults], 'Cesce (chaos)');
    emulators.push(cesceEmu);
    const config = join(work, 'chaos.config.json');
    writeConfig(config, { cesceUrl: cesceEmu.url, odooUrl: odooEmu.url, odoo: dataset.odoo, ledger, concurrency: o.concurrency, timeoutMs: o.timeoutMs });

    // Kill rounds: K distinct rounds (seeded); a kill that lands after the sync ended moves on.
    // Not the last two rounds: a kill that misses (the sync ended first, or stopped on a fault
    // before sending) moves to the next round, which must still have documents to send.
    const order = Array.from({ length: Math.max(o.kills, o.rounds - 2) }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const killRounds = new Set(order.slice(0, o.kills));
    let owed = 0;
    let kills = 0;
    let stuckRounds = 0;
    const exitCodes = {};
    let typicalCalls = 20;
    /** Items a killed or faulted run left `sending`, looked up at Cesce by the next run. */
    const reconciled = { confirmed: 0, resent: 0 };
    const rounds = [];
    // Up to 10 extra rounds (no new documents) when kills are still owed at the end.
    for (let r = 0; r < o.rounds || (owed > 0 && r < o.rounds + 10); r++) {
      const ids = [...dataset.release].filter(([, round]) => round === r).map(([id]) => id);
      // Round 0's documents are posted in the initial dataset already.
      if (r > 0) await postDocuments(odooEmu.url, dataset.odoo, ids);
      if (killRounds.has(r)) owed += 1;
      const u = random();
      // The kill moment: after a seeded number of the sync's Cesce calls (the emulator counts
      // them), so that it lands while sending (sometimes while reconciling or looking up).
      let killAfterCalls;
      let killWhen;
      if (owed > 0) {
        // Never more calls than the round surely makes: one create per document posted for it.
        const sure = r > 0 && ids.length > 0 ? ids.length : typicalCalls;
        killAfterCalls = 1 + Math.floor(u * Math.max(1, Math.min(typicalCalls * 0.9, sure)));
        const base = (await fetchStats(cesceEmu.url)).requestsInScope;
        killWhen = async () => (await fetchStats(cesceEmu.url)).requestsInScope - base >= killAfterCalls;
      }
      const run = await runSync(config, { killWhen, timeoutMs: roundTimeoutMs, logFile: join(work, `round-${String(r + 1).padStart(3, '0')}.log`) });
      if (run.killed) {
        kills += 1;
        owed -= 1;
      } else if (run.report?.requests?.cesce > 0) typicalCalls = Math.round((typicalCalls + run.report.requests.cesce) / 2);
      if (run.stuck) stuckRounds += 1;
      reconciled.confirmed += run.report?.reconciled?.confirmed ?? 0;
      reconciled.resent += run.report?.reconciled?.resent ?? 0;
      const outcome = run.killed ? 'SIGKILL' : run.stuck ? 'STUCK (killed)' : `exit ${run.code ?? run.signal}`;
      exitCodes[outcome] = (exitCodes[outcome] ?? 0) + 1;
      const detail = run.killed ? ` killed after ${killAfterCalls} Cesce calls` : ` ${describeReport(run)}`;
      rounds.push({ round: r + 1, posted: ids.length, outcome, elapsedMs: run.elapsedMs, killAfterCalls: run.killed ? killAfterCalls : undefined });
      if (!o.quiet) log(`round ${String(r + 1).padStart(3)}: posted ${pct(ids.length)}  ${outcome.padEnd(14)} ${String(run.elapsedMs).padStart(6)} ms${detail}`);
    }

    // 3. Faults off: restart the Cesce emulator on the same state file, then sync until clean.
    const faultStats = await fetchStats(cesceEmu.url);
    await cesceEmu.stop();
    // Same port: the ledger belongs to one Cesce base URL.
    cesceEmu = await startEmulator(['cesce', '--data', files.cesceSeed, '--state', chaosState, '--port', new URL(cesceEmu.url).port], 'Cesce (no faults)');
    emulators.push(cesceEmu);
    writeConfig(config, { cesceUrl: cesceEmu.url, odooUrl: odooEmu.url, odoo: dataset.odoo, ledger, concurrency: o.concurrency, timeoutMs: 30_000 });
    const remaining = [...dataset.release].filter(([, round]) => round >= o.rounds).map(([id]) => id);
    await postDocuments(odooEmu.url, dataset.odoo, remaining);
    let clean;
    for (let i = 1; i <= 5; i++) {
      clean = await runSync(config, { timeoutMs: roundTimeoutMs, logFile: join(work, `clean-${i}.log`) });
      if (!o.quiet) log(`clean run ${i}: exit ${clean.code ?? clean.signal}, ${clean.elapsedMs} ms`);
      if (clean.code === oracleRun.code || clean.code === 0) break;
    }
    await cesceEmu.stop();
    await odooEmu.stop();

    // 4. Compare.
    const actual = salesOf(chaosState);
    const figures = compare({ expected, actual, seedRefs, ledger: ledgerItems(ledger) });
    const cleanFailed = clean.code !== 0 && clean.code !== oracleRun.code ? 1 : 0;
    const result = {
      seed,
      rounds: rounds.length,
      kills,
      killsWanted: o.kills,
      invoices: dataset.counts.invoices,
      creditNotes: dataset.counts.creditNotes,
      expectedDeclarations: expected.length - seedRefs.size,
      declarations: actual.length - seedRefs.size,
      faults: faultStats.injected,
      faultRequests: faultStats.requestsInScope,
      exitCodes,
      reconciled,
      stuckRounds,
      cleanRunFailed: cleanFailed,
      duplicates: figures.duplicates,
      missing: figures.missing,
      extra: figures.extra,
      amountMismatches: figures.amountMismatches,
      orderViolations: figures.orderViolations,
      ledgerMismatches: figures.ledgerMismatches,
      problems: figures.problems,
      roundLog: rounds,
      elapsedMs: Date.now() - started,
      workFolder: work,
    };
    result.ok =
      result.duplicates === 0 &&
      result.missing === 0 &&
      result.extra === 0 &&
      result.amountMismatches === 0 &&
      result.orderViolations === 0 &&
      result.ledgerMismatches === 0 &&
      result.stuckRounds === 0 &&
      result.cleanRunFailed === 0 &&
      result.kills >= o.kills;
    if (o.outputsDir) {
      // What the tool produced (each sync's stdout and stderr, the ledgers), e.g. for the test
      // suite's secret scan; not the inputs (configs, datasets) nor the emulators' state.
      mkdirSync(o.outputsDir, { recursive: true });
      for (const f of readdirSync(work)) if (/\.log$|ledger\.sqlite(-wal|-shm)?$/.test(f)) copyFileSync(join(work, f), join(o.outputsDir, f));
    }
    if (!o.keep && result.ok) rmSync(work, { recursive: true, force: true });
    else result.kept = true;
    return result;
  } finally {
    for (const e of emulators) await e.stop().catch(() => {});
  }
}

export function formatTable(r) {
  const faults = Object.entries(r.faults).map(([k, v]) => `${k} ${v}`).join(', ');
  const rows = [
    ['seed', r.seed],
    ['rounds', r.rounds],
    ['kills (SIGKILL)', `${r.kills}${r.kills < r.killsWanted ? ` (wanted ${r.killsWanted})` : ''}`],
    ['documents', `${r.invoices} invoices, ${r.creditNotes} credit notes`],
    ['declarations (oracle / chaos)', `${r.expectedDeclarations} / ${r.declarations}`],
    ['faults injected', `${Object.values(r.faults).reduce((a, b) => a + b, 0)} of ${r.faultRequests} calls: ${faults}`],
    ['round outcomes', Object.entries(r.exitCodes).map(([k, v]) => `${k} ×${v}`).join(', ')],
    ['interrupted sends reconciled', `${r.reconciled.confirmed} found at Cesce, ${r.reconciled.resent} resent`],
    ['duplicates (must be 0)', r.duplicates],
    ['missing (must be 0)', r.missing],
    ['extra (must be 0)', r.extra],
    ['amount mismatches (must be 0)', r.amountMismatches],
    ['order violations (must be 0)', r.orderViolations],
    ['ledger mismatches (must be 0)', r.ledgerMismatches],
    ['stuck rounds (must be 0)', r.stuckRounds],
    ['final clean run failed (must be 0)', r.cleanRunFailed],
    ['elapsed', `${Math.round(r.elapsedMs / 100) / 10} s`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`chaos: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  if (o.help) {
    console.log(HELP);
    return;
  }
  let result;
  try {
    result = await runChaos(o);
  } catch (error) {
    console.error(`chaos: ${error.message}\nReplay: node chaos/run.mjs --seed ${o.seed} --rounds ${o.rounds} --kills ${o.kills} --invoices ${o.invoices}`);
    process.exitCode = 1;
    return;
  }
  console.log(`\n${formatTable(result)}`);
  if (result.problems.length > 0) {
    console.log(`\nProblems (${result.problems.length}; first 30):`);
    for (const p of result.problems.slice(0, 30)) console.log(`  ${p}`);
  }
  const replay = `node chaos/run.mjs --seed ${result.seed} --rounds ${o.rounds} --kills ${o.kills} --invoices ${o.invoices}${o.creditNotes !== undefined ? ` --credit-notes ${o.creditNotes}` : ''}`;
  console.log(result.ok ? `\nchaos: OK (replay: ${replay})` : `\nchaos: FAILED — replay: ${replay}; files kept in ${result.workFolder}`);
  if (o.json) console.log(JSON.stringify({ ...result, roundLog: undefined }));
  process.exitCode = result.ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
