/** The definition of `cesce sync`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/sync.ts. */
import type { Command } from 'commander';
import type { SyncFlags } from '../actions/sync.js';

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
    .option('--watch <interval>', 'keep running: a sync, a pause of INTERVAL (30s, 5m, 1h, 1h30m; 1s to 24h), another sync, until stopped')
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

Continuous operation (--watch INTERVAL):
  Runs a sync, waits INTERVAL, and runs again, until stopped. Each run prints one line (with --json,
  one JSON object per line): its time, then what it declared, rejected, failed and skipped.
  Outages do not stop the loop: a run that cannot reach the ERP or Cesce (down, 5xx, timeouts) is
  reported with its hint, and the next one is tried after INTERVAL, then 2x, 4x... INTERVAL while
  failures continue (at most 15 minutes, or INTERVAL when it is longer); the first good run
  returns to INTERVAL. Wrong credentials, an expired or unknown policy, a refused ERP login or a
  ledger of another Cesce environment need a person: the loop keeps going (the fix may come from
  someone else, and a stopped service declares nothing) but every such run says ATTENTION on
  stdout and stderr (with --json: "needsAttention": true). A config file that cannot be read stops
  the command before the first run (exit 1).
  Ctrl-C or SIGTERM between runs exits 0 at once; during a run it stops like a single sync (the
  ledger is released, exit 130/143, the next run reconciles what was in flight).
  --watch cannot be combined with --dry-run (a dry run changes nothing, so it would print the same
  plan again and again); --force-unlock applies to the first run only.

Multi-worker mode: on a config with a "workers" section the contract's sales are declared by
\`cesce worker run\` (one declarer per contract), so \`cesce sync\` requests classifications only
and declares no sale (see \`cesce worker --help\`).

Exit codes:
  0    finished; nothing rejected, failed or in conflict in this run (earlier rejections are listed)
  1    fatal error (bad config, ERP or Cesce unreachable, wrong credentials, expired policy)
  2    finished, but items were rejected by Cesce, failed, conflict with Cesce, could not be
       written back into the ERP, or a Cesce domain was paused after repeated failures (see the
       report; failures are retried by the next run)

Failures while sending:
  A 429 is sent again after Cesce's Retry-After. A timeout, broken connection or 5xx leaves the
  outcome unknown: the item is looked up at Cesce first and sent again only if Cesce does not
  hold it (up to 3 attempts, with growing pauses). After 5 failures in a row one Cesce service
  (classifications or sales) is paused for the rest of the run; the next run continues. A 4xx is
  never re-sent as it is: it is listed with its cause and fix (cesce status, cesce retry).
  Every request and answer sent for an item is kept, redacted, in the ledger for support.
  130  stopped by Ctrl-C (143: by SIGTERM); the next run reconciles what was in flight
  With --watch: 0 when stopped between runs, 1 for a bad --watch value or an unreadable config,
  130/143 when stopped during a run.

Examples:
  $ cesce sync --config cesce.config.json --dry-run
  $ cesce sync --config cesce.config.json --json > last-run.json
  $ cesce sync --config cesce.config.json --watch 5m            # continuous operation
  $ cesce sync --config cesce.config.json --watch 1h --json >> sync-runs.jsonl
  $ CESCE_BASE_URL=http://127.0.0.1:4010 ODOO_URL=http://127.0.0.1:8069 cesce sync --config examples/demo/cesce.config.json`,
    )
    .action(async (flags: SyncFlags) => {
      const { syncCommand } = await import('../actions/sync.js');
      process.exitCode = await syncCommand(flags);
    });
}
