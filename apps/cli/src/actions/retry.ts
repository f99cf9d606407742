/** What `cesce retry` does; loaded by its definition (../commands/retry.ts) only when the command runs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { openLedgerReadonly } from './ledger.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyRetry, formatReport, Ledger, planRetry, type RetryPlan, type RetryRecord } from '@cesce-connect/sync';
import { loadConfig, secretsOf } from '../config.js';
import { describeFatal, printFatal } from '../output.js';
import { syncOnce, UsageError } from './sync.js';

export interface RetryFlags {
  config: string;
  ledger?: string;
  id?: string;
  allRetryable?: boolean;
  dryRun?: boolean;
  json?: boolean;
  verbose?: boolean;
}

interface ItemOutcome {
  key: string;
  erpRef: string;
  state: string;
  cesceRef: string | null;
  message: string | null;
}

export async function retryCommand(flags: RetryFlags): Promise<number> {
  const json = flags.json ?? false;
  let secrets: string[] = [];
  let copyDir: string | undefined;
  try {
    if ((flags.id === undefined) === !flags.allRetryable) throw new UsageError('give exactly one of --id KEY and --all-retryable (see cesce retry --help)');
    const config = loadConfig(flags.config);
    secrets = secretsOf(config);
    const file = flags.ledger ? resolve(flags.ledger) : config.sync.ledger;
    openLedgerReadonly(file).close(); // a clear error when there is no ledger there (never create one)
    const choice = flags.id !== undefined ? { id: flags.id } : ({ allRetryable: true } as const);

    let plan: RetryPlan;
    let records: RetryRecord[];
    let syncLedger = file;
    if (flags.dryRun) {
      // The retry is applied to a copy, and the sync runs dry on the copy: the real ledger is untouched.
      const real = new Ledger(file, { readonly: true });
      try {
        plan = planRetry(real, choice);
        copyDir = mkdtempSync(join(tmpdir(), 'cesce-retry-'));
        syncLedger = join(copyDir, 'ledger.sqlite');
        real.database.prepare('VACUUM INTO ?').run(syncLedger);
      } finally {
        real.close();
      }
      const copy = new Ledger(syncLedger);
      try {
        copy.database.prepare('DELETE FROM lock').run();
        records = applyRetry(copy, plan);
      } finally {
        copy.close();
      }
    } else {
      const ledger = new Ledger(file);
      try {
        plan = planRetry(ledger, choice);
        records = plan.targets.length > 0 ? applyRetry(ledger, plan) : [];
      } finally {
        ledger.close();
      }
    }

    if (plan.targets.length === 0) {
      const left = plan.leftAlone.map((l) => ({ key: l.key, erpRef: l.erpRef, kbId: l.kbId }));
      if (json) process.stdout.write(`${JSON.stringify({ ok: true, exitCode: 0, dryRun: flags.dryRun ?? false, retried: [], leftAlone: left }, null, 2)}\n`);
      else {
        const lines = ['cesce retry: nothing to retry (no failed item, and no rejected item whose knowledge-base entry is retryable).'];
        if (left.length > 0) {
          lines.push(`Left alone: ${left.length} rejected item(s) that need a fix first (see cesce status); once fixed, retry each with --id:`);
          for (const l of left) lines.push(`  ${l.erpRef} [${l.key}]${l.kbId ? ` ${l.kbId}` : ''}`);
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      return 0;
    }

    if (!json) {
      const lines = [`cesce retry: ${flags.dryRun ? 'would make' : 'made'} ${records.length} item(s) eligible again${flags.dryRun ? ' (dry run, on a copy of the ledger)' : ''}:`];
      for (const r of records) lines.push(`  ${plan.targets.find((t) => t.key === r.key)?.erpRef ?? r.key} [${r.key}] was ${r.previousState}${r.kbId ? ` (${r.kbId})` : ''}`);
      if (plan.leftAlone.length > 0) lines.push(`  left alone: ${plan.leftAlone.length} rejected item(s) that need a fix first (retry each with --id once fixed)`);
      lines.push(`Running ${flags.dryRun ? 'a dry ' : 'a '}sync...`, '');
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    const outcome = await syncOnce(
      { config: flags.config, ledger: syncLedger, dryRun: flags.dryRun ?? false, json, verbose: flags.verbose ?? false },
      { progress: !json && process.stderr.isTTY === true },
    );
    const after = outcomes(syncLedger, records, plan);
    if (json) {
      const sync = outcome.report ? { ok: true, ...outcome.report } : { ok: false, error: describeFatal(outcome.error, outcome.secrets, flags.verbose ?? false) };
      process.stdout.write(`${JSON.stringify({ ok: !!outcome.report, exitCode: outcome.exitCode, dryRun: flags.dryRun ?? false, retried: records, leftAlone: plan.leftAlone, items: after, sync }, null, 2)}\n`);
    } else {
      if (outcome.report) process.stdout.write(`${formatReport(outcome.report)}\n`);
      else printFatal(outcome.error, { json: false, secrets: outcome.secrets, verbose: flags.verbose ?? false });
      if (!flags.dryRun) {
        const lines = ['', 'Retried items now:'];
        for (const o of after) {
          const now =
            o.state === 'declared'
              ? `declared (Cesce reference ${o.cesceRef ?? '?'})`
              : o.state === 'rejected'
                ? `rejected again: ${o.message ?? ''} (see cesce status for the fix)`
                : o.state === 'absent'
                  ? 'not sent by this run (see Skipped above); it is planned again by every sync'
                  : `${o.state}${o.message ? `: ${o.message}` : ''} (the next sync retries it)`;
          lines.push(`  ${o.erpRef} [${o.key}]: ${now}`);
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      }
    }
    return outcome.exitCode;
  } catch (error) {
    printFatal(error, { json, secrets, verbose: flags.verbose ?? false });
    return 1;
  } finally {
    if (copyDir) rmSync(copyDir, { recursive: true, force: true });
  }
}

/** What the ledger says of each retried item after the sync. */
function outcomes(file: string, records: RetryRecord[], plan: RetryPlan): ItemOutcome[] {
  let ledger: Ledger | undefined;
  try {
    ledger = new Ledger(file, { readonly: true });
    return records.map((r) => {
      const item = ledger!.get(r.key);
      const erpRef = item?.erpRef ?? plan.targets.find((t) => t.key === r.key)?.erpRef ?? r.key;
      return { key: r.key, erpRef, state: item?.state ?? 'absent', cesceRef: item?.cesceRef ?? null, message: item?.lastError ?? null };
    });
  } catch {
    return [];
  } finally {
    ledger?.close();
  }
}
