import { CesceClient, ConfigError, findEntry, redact, resolveEnvironment, type ErpSource } from '@cesce-connect/core';
import { credentialKey, guardedFetch, PgRateLimiter, planBacklog, queueStatus, runWorker, type PlanReport, type QueueStatus, type WorkerReport } from '@cesce-connect/multi-worker';
import pg from 'pg';
import { loadConfig, secretsOf, type Config } from '../config.js';
import { sourceFromConfig } from '../erp-source.js';
import { createProgress, printFatal } from '../output.js';

export interface WorkerFlags {
  config?: string[] | string;
  json?: boolean;
  concurrency?: string;
  drain?: boolean;
  verbose?: boolean;
  staleAfter?: string;
}

type LoadedConfig = Config & { file: string };

function configFiles(flags: WorkerFlags): string[] {
  const files = flags.config === undefined ? [] : Array.isArray(flags.config) ? flags.config : [flags.config];
  if (files.length === 0) throw new ConfigError('(command line)', [{ path: '--config', message: 'is required: the config file with the cesce, ERP and workers sections' }]);
  return files;
}

/** The config's PostgreSQL connection string, or a clear error naming the config file. */
function postgresUrl(config: LoadedConfig): string {
  const url = config.workers?.postgres;
  if (!url) {
    throw new ConfigError(config.file, [
      { path: 'workers.postgres', message: 'is required for the multi-worker mode: the PostgreSQL connection string, e.g. "env:CESCE_DATABASE_URL" holding postgres://user:password@host:5432/cesce' },
    ]);
  }
  // node-postgres reads URLs only: a libpq key=value string or a typo would otherwise end as a
  // misleading "host name that does not resolve". The value is a secret: never repeat it.
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // not a URL
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new ConfigError(config.file, [
      {
        path: 'workers.postgres',
        message: `is not a PostgreSQL URL: expected postgres://user:password@host:5432/database (key=value strings are not supported; percent-encode special characters of the user and password, e.g. @ as %40, / as %2F, : as %3A)`,
      },
    ]);
  }
  return url;
}

/** Secrets of a config, plus the password inside its PostgreSQL URL. */
function secretsWithDatabase(config: LoadedConfig): string[] {
  const out = secretsOf(config);
  const url = config.workers?.postgres;
  if (url) {
    try {
      const password = decodeURIComponent(new URL(url).password);
      if (password) out.push(password, new URL(url).password);
    } catch {
      // not a URL (a libpq key=value string): the whole value is already a secret
    }
  }
  return out;
}

/** One pool per process; idle connections the server closes are not fatal (the next query reconnects). */
function openPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, application_name: 'cesce-worker' });
  pool.on('error', () => {});
  // A connection checked out when the server goes away (restart, failover) emits 'error' on its
  // client; without a listener that is an uncaught exception and the process dies with a stack
  // trace (graphile-worker's LISTEN connection drops its own listener while releasing). The query
  // in flight on it fails anyway, and is handled where it was sent.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

function clientOf(config: LoadedConfig, pool: pg.Pool | null): CesceClient {
  const c = config.cesce;
  // The limit belongs to the credential: the gateway it is used at and its client id.
  const gateway = resolveEnvironment(c.environment, { baseUrl: c.baseUrl }).baseUrl;
  const client = new CesceClient({
    environment: c.environment,
    baseUrl: c.baseUrl,
    contractNo: c.contractNo,
    credentials: { clientId: c.clientId, clientSecret: c.clientSecret, username: c.username, password: c.password },
    scope: c.scope,
    timeoutMs: c.timeoutMs,
    tlsCa: c.tlsCa,
    // The last lease check runs as each declaration leaves (see guardedFetch).
    fetch: guardedFetch(),
    rateLimiter: c.rateLimit && pool ? new PgRateLimiter(pool, credentialKey(gateway, c.clientId), c.rateLimit) : undefined,
  });
  return client;
}

/** Why PostgreSQL could not be reached, without the password. */
function describeDatabaseError(error: unknown, url: string, secrets: string[]): Error {
  const e = error as { code?: string; message?: string };
  let where = 'the PostgreSQL server';
  try {
    const u = new URL(url);
    where = `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? ` (database ${u.pathname.slice(1)})` : ''}`;
  } catch {
    // libpq key=value string
  }
  const known: Record<string, string> = {
    ECONNREFUSED: 'refused the connection: is the server running, and listening on that address?',
    ENOTFOUND: 'has a host name that does not resolve',
    ETIMEDOUT: 'did not answer in time',
    '28P01': 'refused the password (check workers.postgres)',
    '28000': 'refused the user (check workers.postgres and pg_hba.conf)',
    '3D000': 'has no such database: create it first (createdb), the tables are created by the tool',
  };
  const why = (e.code && known[e.code]) ?? e.message ?? String(error);
  return new Error(String(redact(`cannot use ${where}: ${why}`, secrets)));
}

async function withPool<T>(url: string, max: number, secrets: string[], fn: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = openPool(url, max);
  try {
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      throw describeDatabaseError(error, url, secrets);
    }
    return await fn(pool);
  } finally {
    await pool.end().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// cesce worker plan

export async function workerPlanCommand(flags: WorkerFlags): Promise<number> {
  const json = flags.json ?? false;
  let secrets: string[] = [];
  let source: ErpSource | undefined;
  const progress = createProgress(!json && process.stderr.isTTY === true);
  try {
    const [file, ...rest] = configFiles(flags);
    if (rest.length > 0) throw new ConfigError('(command line)', [{ path: '--config', message: 'plan takes one config (one contract and ERP company) at a time' }]);
    const config = loadConfig(file!);
    secrets = secretsWithDatabase(config);
    const url = postgresUrl(config);
    const report = await withPool(url, 4, secrets, async (pool) => {
      source = sourceFromConfig(config);
      return planBacklog({
        pool,
        source,
        client: clientOf(config, pool),
        fromDate: config.sync.fromDate,
        concurrency: config.sync.concurrency,
        onProgress: (n) => progress.update(`read ${n} documents`),
      });
    });
    progress.done();
    // Like cesce sync: skipped documents are listed but do not fail the run; what needs a person at
    // Cesce (a conflict, a document changed after it was declared) does.
    const exitCode = report.conflicts.length + report.skipped.filter((x) => x.field === 'document').length > 0 ? 2 : 0;
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, exitCode, ...report }, null, 2)}\n`);
    else process.stdout.write(`${formatPlan(report, file!)}\n`);
    return exitCode;
  } catch (error) {
    progress.done();
    printFatal(error, { json, secrets, verbose: flags.verbose ?? false });
    return 1;
  } finally {
    await source?.close().catch(() => {});
  }
}

export function formatPlan(r: PlanReport, file: string): string {
  const lines = [
    `Planned contract ${r.contractNo} from ${r.erp.system} ${r.erp.version} (${r.erp.company}) into the shared ledger in PostgreSQL`,
    `  read        ${r.read.debtors} customers, ${r.read.documents} documents`,
    `  queued      ${r.queued.invoices} invoices, ${r.queued.creditNotes} credit notes (already planned: ${r.alreadyPlanned}; queued again: ${r.requeued}; changed in the ERP since planned, queued with the new data: ${r.refreshed})`,
    ...(r.foundAtCesce > 0 ? [`  found       ${r.foundAtCesce} documents Cesce already holds (declared by cesce sync, the portal or an earlier ledger): recorded, not queued`] : []),
    `  Cesce       ${r.lookups} classification look-ups (${r.cesceLists} sales lists; ${r.requests.cesce} calls, ${r.requests.token} token request${r.requests.token === 1 ? '' : 's'}) in ${(r.durationMs / 1000).toFixed(1)} s`,
  ];
  if (r.conflicts.length > 0) {
    lines.push(`  conflicts   ${r.conflicts.length} documents Cesce holds under the same number with another amount (never sent):`);
    for (const c of r.conflicts) lines.push(`    - ${c.erpRef}: ${c.message}`);
  }
  if (r.skippedCount > 0) {
    lines.push(`  skipped     ${r.skippedCount} documents, not queued:`);
    for (const s of r.skipped) lines.push(`    - ${s.erpRef}${s.field ? ` [${s.field}]` : ''}: ${s.reason}`);
    if (r.skippedCount > r.skipped.length) lines.push(`    ... and ${r.skippedCount - r.skipped.length} more (all of them with --json)`);
  }
  if (r.queued.invoices + r.queued.creditNotes + r.requeued + r.refreshed > 0) {
    lines.push('', `Next: start one or more workers (on any machine that reaches PostgreSQL and Cesce): cesce worker run --config ${file} --drain`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// cesce worker run

export async function workerRunCommand(flags: WorkerFlags): Promise<number> {
  const json = flags.json ?? false;
  let secrets: string[] = [];
  const controller = new AbortController();
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(signal === 'SIGINT' ? 130 : 143); // a second one: stop now
    signalled = signal;
    process.stderr.write(`\ncesce: ${signal}: finishing the declarations in flight, then stopping (again to stop at once; items in flight are looked up at Cesce by the next worker)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress(!json && process.stderr.isTTY === true);
  try {
    const configs = configFiles(flags).map((f) => loadConfig(f));
    secrets = configs.flatMap(secretsWithDatabase);
    const urls = [...new Set(configs.map(postgresUrl))];
    if (urls.length > 1) {
      throw new ConfigError(configs[1]!.file, [{ path: 'workers.postgres', message: 'differs from the first config’s: one worker serves one shared ledger (one PostgreSQL database)' }]);
    }
    const contracts = configs.map((c) => c.cesce.contractNo);
    const twice = contracts.find((c, i) => contracts.indexOf(c) !== i);
    if (twice) throw new ConfigError(configs[contracts.lastIndexOf(twice)]!.file, [{ path: 'cesce.contractNo', message: `contract ${twice} is in two of the configs given: give each contract once` }]);
    let concurrency = configs[0]!.workers?.concurrency ?? 4;
    if (flags.concurrency !== undefined) {
      const n = Number(flags.concurrency);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new TypeError(`--concurrency must be a whole number from 1 to 64, not '${flags.concurrency}'`);
      concurrency = n;
    }
    let staleAfterMs: number | undefined;
    if (flags.staleAfter !== undefined) {
      const s = Number(flags.staleAfter);
      if (!Number.isFinite(s) || s < 1 || s > 3600) throw new TypeError(`--stale-after must be a number of seconds from 1 to 3600, not '${flags.staleAfter}'`);
      staleAfterMs = s * 1000;
    }
    let done = 0;
    const report = await withPool(urls[0]!, concurrency + 4, secrets, (pool) =>
      runWorker({
        pool,
        clients: configs.map((c) => clientOf(c, pool)),
        concurrency,
        drain: flags.drain ?? false,
        staleAfterMs,
        signal: controller.signal,
        onItem: () => progress.update(`settled ${++done} items`),
      }),
    );
    progress.done();
    const exitCode = report.fatal ? 1 : signalled ? (signalled === 'SIGINT' ? 130 : 143) : report.rejected.length + report.conflicts.length > 0 ? 2 : 0;
    if (report.fatal) {
      printFatal(report.fatal, { json, secrets, verbose: flags.verbose ?? false });
      if (!json) process.stderr.write(`${formatWorker(report)}\n`);
      return 1;
    }
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, exitCode, ...report }, null, 2)}\n`);
    else process.stdout.write(`${String(redact(formatWorker(report), secrets))}\n`);
    return exitCode;
  } catch (error) {
    progress.done();
    printFatal(error, { json, secrets, verbose: flags.verbose ?? false });
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function formatWorker(r: WorkerReport): string {
  const total = r.declared.invoices + r.declared.creditNotes;
  const rate = r.durationMs > 0 ? ` (${Math.round((total * 1000) / r.durationMs)}/s)` : '';
  const lines = [
    `Worker ${r.worker}: declared ${r.declared.invoices} invoices and ${r.declared.creditNotes} credit notes in ${(r.durationMs / 1000).toFixed(1)} s${rate}`,
    `  found at Cesce (earlier send arrived, not sent again): ${r.foundAtCesce}; failed, retried later: ${r.failed}; credit notes waiting for their invoice: ${r.waiting}`,
    `  Cesce calls: ${r.requests.cesce}, token requests: ${r.requests.token}${r.releasedWorkers > 0 ? `; released the jobs of ${r.releasedWorkers} dead worker(s)` : ''}`,
  ];
  if (r.leftForLater > 0) lines.push(`  left queued for a later retry (Cesce failing for now): ${r.leftForLater}; the next worker run takes them`);
  if (r.rejected.length > 0) {
    lines.push(`  rejected by Cesce: ${r.rejected.length}`);
    for (const x of r.rejected) {
      const entry = findEntry(x.kbId);
      lines.push(`    - ${x.erpRef}: HTTP ${x.httpStatus} ${x.message} [${x.kbId}]${entry ? `\n      fix: ${entry.fix.en}` : ''}`);
    }
  }
  if (r.conflicts.length > 0) {
    lines.push(`  conflicts with what Cesce holds: ${r.conflicts.length}`);
    for (const x of r.conflicts) lines.push(`    - ${x.erpRef}: ${x.message}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// cesce worker status

export async function workerStatusCommand(flags: WorkerFlags): Promise<number> {
  const json = flags.json ?? false;
  let secrets: string[] = [];
  try {
    const [file] = configFiles(flags);
    const config = loadConfig(file!);
    secrets = secretsWithDatabase(config);
    const status = await withPool(postgresUrl(config), 2, secrets, (pool) => queueStatus(pool, config.cesce.contractNo));
    const attention = status.items.filter((i) => i.state === 'rejected' || i.state === 'failed' || i.state === 'waiting').reduce((n, i) => n + i.count, 0);
    const exitCode = attention > 0 ? 2 : 0;
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, exitCode, ...status }, null, 2)}\n`);
    else process.stdout.write(`${formatStatus(status, config.cesce.contractNo)}\n`);
    return exitCode;
  } catch (error) {
    printFatal(error, { json, secrets, verbose: flags.verbose ?? false });
    return 1;
  }
}

export function formatStatus(s: QueueStatus, contractNo: string): string {
  const count = (state: string) => s.items.find((i) => i.state === state)?.count ?? 0;
  const lines = [
    `Shared ledger, contract ${contractNo}:`,
    `  declared ${count('declared')}, queued ${count('queued')}, sending ${count('sending')}, failed (retried, looked up first) ${count('failed')}, waiting for their invoice ${count('waiting')}, rejected ${count('rejected')}`,
    `  jobs: ${s.jobs.pending} pending, ${s.jobs.running} running, ${s.jobs.failedForGood} failed for good (out of attempts; queued again by the next plan)`,
    `  workers registered: ${s.workers.length}${s.workers
      .map((w) => `\n    - ${w.id} (since ${w.startedAt}, last heartbeat ${Math.max(0, Math.round((Date.now() - Date.parse(w.heartbeatAt)) / 1000))} s ago${Date.now() - Date.parse(w.heartbeatAt) > 30_000 ? ': stopped beating, released by the next worker' : ''})`)
      .join('')}`,
  ];
  if (s.rejected.length > 0) {
    lines.push('  rejected (newest first):');
    for (const r of s.rejected) {
      const entry = r.kbId ? findEntry(r.kbId) : undefined;
      lines.push(`    - ${r.erpRef}: ${r.httpStatus ? `HTTP ${r.httpStatus} ` : ''}${r.message ?? ''}${r.kbId ? ` [${r.kbId}]` : ''}${entry ? `\n      fix: ${entry.fix.en}` : ''}`);
    }
  }
  return lines.join('\n');
}
