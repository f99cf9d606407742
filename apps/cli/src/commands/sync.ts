import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CesceClient, type ErpSource } from '@cesce-connect/core';
import { exitCodeFor, formatReport, Ledger, runSync, type ProgressEvent } from '@cesce-connect/sync';
import { loadConfig, secretsOf } from '../config.js';
import { sourceFromConfig } from '../erp-source.js';
import { createProgress, printFatal } from '../output.js';

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

interface SyncFlags {
  config: string;
  dryRun?: boolean;
  json?: boolean;
  ledger?: string;
  concurrency?: string;
  verbose?: boolean;
  forceUnlock?: boolean;
  verifyAtCesce?: boolean;
  full?: boolean;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('Declare the ERP’s invoices and credit notes to Cesce and request classifications for flagged customers')
    .requiredOption('-c, --config <file>', 'config file (JSON): cesce, odoo and sync sections')
    .option('--dry-run', 'read the ERP and Cesce and show what would be sent; send and write nothing')
    .option('--json', 'print one JSON object with the outcome instead of the table')
    .option('--ledger <file>', 'SQLite ledger file (overrides sync.ledger in the config)')
    .option('--concurrency <n>', 'Cesce calls in flight at once (1-16; overrides sync.concurrency)')
    .option('--verbose', 'show error details such as ERP tracebacks')
    .option('--full', 'read every posted document, not only those changed since the last run (and restart the incremental reads from there)')
    .option('--verify-at-cesce', 'look every document up at Cesce before declaring it (after restoring the ledger from a backup)')
    .option('--force-unlock', 'take over the ledger from a run that is gone (its machine restarted); never while it still runs')
    .addHelpText(
      'after',
      `
What it does:
  1. reconciles items an interrupted run left half-sent (asks Cesce before re-sending anything)
  2. requests a classification (credit limit) for customers flagged with a requested limit
  3. declares posted invoices of customers with an active classification
  4. declares credit notes after the invoice they correct
  5. writes status, granted limit, Cesce sale references and Cesce's rejections (with cause and
     fix) back into the ERP, each rejection once

Incremental and full runs:
  The first run on an ERP database reads every posted document (full) and remembers where it
  stopped (a watermark on the ERP's last-modified stamp, kept in the ledger per database). Later
  runs read only the documents changed since, plus those earlier runs left open (waiting for a
  classification or for their invoice, failed, rejected, skipped for bad data), so an item is
  declared as soon as it can be even if nobody edits it. Use --full to read everything again, e.g.
  after restoring the ERP database from a backup; a changed sync.fromDate also reads in full.
  Connectors that cannot read by change always read in full.

Config file (JSON; values may reference the environment as "env:NAME"):
  {
    "cesce": { "environment": "sandbox|pre|pro|custom", "baseUrl": "optional URL",
               "contractNo": "34109150331", "clientId": "env:CESCE_CLIENT_ID",
               "clientSecret": "env:CESCE_CLIENT_SECRET",
               "username": "PRE/PRO only", "password": "env:CESCE_PASSWORD" },
    "odoo":  { "url": "https://erp.example.com", "database": "db", "username": "cesce-bot",
               "password": "env:ODOO_API_KEY", "companyId": 1,
               "protocol": "auto", "fieldsPreset": "x_cesce", "writeNativeCreditLimit": false },
    "sync":  { "ledger": ".cesce/ledger.sqlite", "concurrency": 4, "fromDate": "2026-01-01" }
  }
  The ERP section is either "odoo" (run \`cesce odoo setup\` once first) or "soapErp" for SAP BAPIs,
  Dynamics NAV/BC pages or any SOAP ERP with a profile:
    "soapErp": { "profile": "sap-bapi | dynamics-nav | my-profile.yaml",
                 "baseUrl": "https://sap.example.com:44300",
                 "auth": { "type": "basic", "username": "CESCE_RFC", "password": "env:SAP_PASSWORD" },
                 "company": { "id": "1000", "name": "Industrias Demo Levante SL", "currency": "EUR" } }
  (auth types: none, basic, wsse, ntlm, bearer, certificate; see packages/connector-soap-erp/README.md)

The ledger remembers what was declared: keep it, one per Cesce environment. A new ledger first
records the sales Cesce already holds instead of declaring them again.

Exit codes:
  0    finished; nothing rejected, failed or in conflict in this run (earlier rejections are listed)
  1    fatal error (bad config, ERP or Cesce unreachable, wrong credentials, expired policy)
  2    finished, but items were rejected by Cesce, failed, conflict with Cesce, or could not be
       written back into the ERP (see the report; failures are retried by the next run)
  130  stopped by Ctrl-C (143: by SIGTERM); the next run reconciles what was in flight

Examples:
  $ cesce sync --config cesce.config.json --dry-run
  $ cesce sync --config cesce.config.json --json > last-run.json
  $ CESCE_BASE_URL=http://127.0.0.1:4010 ODOO_URL=http://127.0.0.1:8069 cesce sync --config examples/demo/cesce.config.json`,
    )
    .action(async (flags: SyncFlags) => {
      process.exitCode = await syncCommand(flags);
    });
}

export async function syncCommand(flags: SyncFlags): Promise<number> {
  const json = flags.json ?? false;
  let secrets: string[] = [];
  let ledger: Ledger | undefined;
  let source: ErpSource | undefined;
  const progress = createProgress(!json && process.stderr.isTTY === true);
  // Ctrl-C or a stop from a scheduler: leave cleanly. Items in flight stay `sending` in the ledger
  // and are looked up at Cesce by the next run before anything is sent again.
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
    });
    source = sourceFromConfig(config);
    ledger = new Ledger(flags.ledger ? resolve(flags.ledger) : config.sync.ledger, { readonly: flags.dryRun ?? false });
    if (flags.forceUnlock) ledger.forceUnlock();
    const report = await runSync({
      source,
      client,
      ledger,
      dryRun: flags.dryRun ?? false,
      concurrency,
      fromDate: config.sync.fromDate,
      verifyAtCesce: flags.verifyAtCesce ?? false,
      full: flags.full ?? false,
      onProgress: (e) => progress.update(`${PHASES[e.phase]} ${e.total ? `${e.done}/${e.total}` : e.done}`),
    });
    progress.done();
    const exitCode = exitCodeFor(report);
    if (json) process.stdout.write(`${JSON.stringify({ ok: true, exitCode, ...report }, null, 2)}\n`);
    else process.stdout.write(`${formatReport(report)}\n`);
    return exitCode;
  } catch (error) {
    progress.done();
    printFatal(error, { json, secrets, verbose: flags.verbose ?? false });
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    ledger?.close();
    await source?.close().catch(() => {});
  }
}
