/** What `cesce sync` does; loaded by its definition (../commands/sync.ts) only when the command runs. */
import { resolve } from 'node:path';
import { CesceClient, CesceConnectError, ConfigError, ErpError, LocalRateLimiter, type ErpSource } from '@cesce-connect/core';
import { exitCodeFor, formatReport, isFatal, Ledger, runSync, type ProgressEvent, type SyncReport } from '@cesce-connect/sync';
import { loadConfig, secretsOf } from '../config.js';
import { sourceFromConfig } from '../erp-source.js';
import { createProgress, describeFatal, printFatal } from '../output.js';

const PHASES: Record<ProgressEvent['phase'], string> = {
  reconcile: 'Reconciling interrupted sends',
  read: 'Reading invoices',
  'look-up': 'Looking up classifications',
  classify: 'Requesting classifications',
  adopt: 'Looking up sales already at Cesce',
  declare: 'Declaring sales',
  'credit-notes': 'Declaring credit notes',
  'write-back': 'Writing back to the ERP',
};

export interface SyncFlags {
  config: string;
  dryRun?: boolean;
  json?: boolean;
  ledger?: string;
  concurrency?: string;
  verbose?: boolean;
  forceUnlock?: boolean;
  verifyAtCesce?: boolean;
  full?: boolean;
  watch?: string;
}

/** The outcome of one sync run: its report, or the fatal error that stopped it. */
export interface SyncOutcome {
  exitCode: number;
  report?: SyncReport;
  error?: unknown;
  /** Secret values of the config, to scrub from anything printed about this run. */
  secrets: string[];
}

/** Runs `cesce sync` and prints its outcome (table, or one JSON object with --json). */
export async function syncCommand(flags: SyncFlags): Promise<number> {
  if (flags.watch !== undefined) return watchCommand(flags);
  const json = flags.json ?? false;
  const outcome = await syncOnce(flags, { progress: !json && process.stderr.isTTY === true });
  if (outcome.report) {
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, exitCode: outcome.exitCode, ...outcome.report }, null, 2)}\n`);
    else process.stdout.write(`${formatReport(outcome.report)}\n`);
  } else {
    printFatal(outcome.error, { json, secrets: outcome.secrets, verbose: flags.verbose ?? false });
  }
  return outcome.exitCode;
}

/**
 * One sync run without printing its outcome. Ctrl-C (SIGINT) or SIGTERM during the run stops the
 * process as `cesce sync` always has: the ledger's lock is released and items in flight stay
 * `sending`, looked up at Cesce by the next run (exit 130 / 143).
 */
export async function syncOnce(flags: SyncFlags, options: { progress: boolean }): Promise<SyncOutcome> {
  let secrets: string[] = [];
  let ledger: Ledger | undefined;
  let source: ErpSource | undefined;
  const progress = createProgress(options.progress);
  const onSignal = (signal: NodeJS.Signals) => {
    progress.done();
    process.stderr.write(`\ncesce: stopped by ${signal}; the next run reconciles the items that were in flight with Cesce.\n`);
    try {
      ledger?.releaseLock();
      ledger?.close();
    } catch {
      // the process is ending; a lock left behind is taken over by the next run
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const config = loadConfig(flags.config);
    secrets = secretsOf(config);
    let concurrency = config.sync.concurrency;
    if (flags.concurrency !== undefined) {
      const n = Number(flags.concurrency);
      if (!Number.isInteger(n) || n < 1 || n > 16) throw new TypeError(`--concurrency must be a whole number from 1 to 16, not '${flags.concurrency}'`);
      concurrency = n;
    }
    const client = new CesceClient({
      environment: config.cesce.environment,
      baseUrl: config.cesce.baseUrl,
      contractNo: config.cesce.contractNo,
      credentials: {
        clientId: config.cesce.clientId,
        clientSecret: config.cesce.clientSecret,
        username: config.cesce.username,
        password: config.cesce.password,
      },
      scope: config.cesce.scope,
      timeoutMs: config.cesce.timeoutMs,
      tlsCa: config.cesce.tlsCa,
      // cesce.rateLimit: this process's share of the credential's calls per second.
      rateLimiter: config.cesce.rateLimit ? new LocalRateLimiter(config.cesce.rateLimit) : undefined,
    });
    source = sourceFromConfig(config);
    ledger = new Ledger(flags.ledger ? resolve(flags.ledger) : config.sync.ledger, { readonly: flags.dryRun ?? false });
    // e.g. a ledger readable by other users, made owner-only.
    for (const notice of ledger.notices) process.stderr.write(`cesce: ${notice}\n`);
    if (flags.forceUnlock) ledger.forceUnlock();
    if (config.workers) {
      process.stderr.write('cesce: this config has a workers section: its sales are declared by `cesce worker run`, so this sync requests classifications only (and declares no sale)\n');
    }
    const report = await runSync({
      source,
      client,
      ledger,
      dryRun: flags.dryRun ?? false,
      concurrency,
      fromDate: config.sync.fromDate,
      verifyAtCesce: flags.verifyAtCesce ?? false,
      full: flags.full ?? false,
      // One declarer per contract: a config with a `workers` section belongs to the multi-worker
      // mode, whose workers declare its sales; cesce sync then requests classifications only.
      declareSales: !config.workers,
      onProgress: (e) => progress.update(`${PHASES[e.phase]} ${e.total ? `${e.done}/${e.total}` : e.done}`),
    });
    progress.done();
    return { exitCode: exitCodeFor(report), report, secrets };
  } catch (error) {
    progress.done();
    return { exitCode: 1, error, secrets };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    ledger?.close();
    await source?.close().catch(() => {});
  }
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };
const MIN_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 24 * 3_600_000;
/** Failing runs wait longer each time, up to this (or the interval, when it is longer). */
const BACKOFF_CAP_MS = 15 * 60_000;

/** "30s", "5m", "1h", "1h30m" → milliseconds; a clear error otherwise. */
export function parseInterval(text: string): number {
  const t = text.trim().toLowerCase();
  const parts = [...t.matchAll(/(\d+)([smh])/g)];
  if (!t || parts.length === 0 || parts.map((p) => p[0]).join('') !== t) {
    throw new UsageError(`--watch takes an interval such as 30s, 5m, 1h or 1h30m, not '${text}'`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) throw new UsageError(`--watch must be from 1s to 24h, not '${text}'`);
  return ms;
}

/** A bad command-line value: printed without the pointer to the config file format. */
export class UsageError extends ConfigError {
  constructor(message: string) {
    super('--watch', [{ path: '--watch', message }]);
    this.name = 'UsageError';
    this.message = message;
  }
}

/**
 * Errors a person must fix (credentials, subscription, the policy, the config, a ledger of another
 * environment): the loop keeps going, but says so loudly on every run.
 */
export function needsPerson(error: unknown): boolean {
  if (isFatal(error) || error instanceof ConfigError) return true;
  if (error instanceof ErpError) return error.kind === 'access-denied' || error.kind === 'access';
  if (error instanceof CesceConnectError) return error.code === 'ledger_target' || error.code === 'ledger_invalid' || error.code === 'ledger_open';
  return false;
}

function human(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/**
 * `cesce sync --watch INTERVAL`: a run, a pause, another run, until stopped. A run that fails
 * (ERP or Cesce down) is reported and the loop goes on, waiting longer after each failure in a row
 * (capped); a stop signal during the pause exits 0 at once, during a run it stops like `cesce sync`.
 */
async function watchCommand(flags: SyncFlags): Promise<number> {
  const json = flags.json ?? false;
  let interval: number;
  try {
    interval = parseInterval(flags.watch!);
    if (flags.dryRun) throw new UsageError('--watch cannot be combined with --dry-run: a dry run changes nothing, so repeating it shows the same plan; run --dry-run once instead');
    // A config that cannot be read is not an outage: stop before the first run.
    loadConfig(flags.config);
  } catch (error) {
    printFatal(error, { json, secrets: [], verbose: flags.verbose ?? false });
    return 1;
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (!json) say(`cesce sync --watch ${human(interval)}: a run every ${human(interval)}; Ctrl-C between runs stops at once.`);
  let failures = 0;
  const stop = stopSwitch();
  for (let run = 1; ; run += 1) {
    const started = new Date();
    // --force-unlock applies to the first run only: later runs never take a live run's ledger.
    const outcome = await syncOnce({ ...flags, forceUnlock: run === 1 ? flags.forceUnlock : false }, { progress: false });
    failures = outcome.report ? 0 : failures + 1;
    const wait = failures === 0 ? interval : Math.min(interval * 2 ** (failures - 1), Math.max(interval, BACKOFF_CAP_MS));
    const at = started.toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (outcome.report) {
      const r = outcome.report;
      const counts = {
        declared: r.salesDeclared,
        creditNotes: r.creditNotesDeclared,
        classificationsRequested: r.classificationsRequested,
        adopted: r.adopted,
        rejected: r.rejected.length,
        stillRejected: r.stillRejected.length,
        failed: r.failed.length,
        conflicts: r.conflicts.length,
        skipped: r.skipped.length,
        writeBackErrors: r.writeBack.errors.length,
      };
      if (json) say(JSON.stringify({ time: at, run, ok: true, exitCode: outcome.exitCode, mode: r.mode, durationMs: r.durationMs, ...counts, nextRunInMs: wait }));
      else {
        const problems = counts.rejected + counts.failed + counts.conflicts > 0 ? ` — see \`cesce status\`` : '';
        say(
          `${at} run ${run}: ${r.mode}, ${counts.declared} sales and ${counts.creditNotes} credit notes declared, ` +
            `${counts.classificationsRequested} classifications requested, ${counts.rejected} rejected, ${counts.failed} failed, ` +
            `${counts.conflicts} conflicts, ${counts.skipped} skipped (${(r.durationMs / 1000).toFixed(1)} s)${problems}; next run in ${human(wait)}`,
        );
      }
    } else {
      const d = describeFatal(outcome.error, outcome.secrets, flags.verbose ?? false);
      const person = needsPerson(outcome.error);
      if (json) say(JSON.stringify({ time: at, run, ok: false, exitCode: 1, error: d, needsAttention: person, failuresInARow: failures, nextRunInMs: wait }));
      else {
        const lead = person ? 'ATTENTION, a person must act' : `failed (${failures} in a row; retrying)`;
        say(`${at} run ${run}: ${lead}: ${d.message.replace(/\.$/, '')}${d.hint ? ` — hint: ${d.hint.replace(/\.$/, '')}` : ''}; next run in ${human(wait)}`);
        if (person) process.stderr.write(`cesce: ${d.message}\n${d.hint ? `hint: ${d.hint}\n` : ''}`);
      }
    }
    if (await stop.pause(wait)) {
      stop.dispose();
      if (!json) say(`${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')} stopped between runs.`);
      return 0;
    }
  }
}

/**
 * Stop requests of the watch loop. Installed for the whole loop, before the first line is printed:
 * a signal that arrives between runs (or while a line is being printed) ends the pause at once.
 * During a run, `syncOnce`'s own handlers (registered after these) stop the process as a single
 * sync does.
 */
function stopSwitch(): { readonly stopped: boolean; pause(ms: number): Promise<boolean>; dispose(): void } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const onStop = () => {
    stopped = true;
    wake?.();
  };
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  return {
    get stopped() {
      return stopped;
    },
    /** Waits `ms`; true when a stop was asked before or during the wait. */
    pause(ms) {
      if (stopped) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          wake = undefined;
          resolve(stopped);
        }, ms);
        wake = () => {
          clearTimeout(timer);
          wake = undefined;
          resolve(true);
        };
      });
    },
    dispose() {
      process.off('SIGINT', onStop);
      process.off('SIGTERM', onStop);
    },
  };
}
