/** The definition of `cesce retry`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/retry.ts. */
import type { Command } from 'commander';
import type { RetryFlags } from '../actions/retry.js';

export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description('Make rejected or failed items eligible again and run a sync that sends them (never a declared one)')
    .requiredOption('-c, --config <file>', 'config file (the same as for cesce sync)')
    .option('--ledger <file>', 'SQLite ledger file (overrides sync.ledger in the config)')
    .option('--id <key-or-number>', 'the item: its ledger key (from cesce status / ledger export) or its document number, if only one item has it')
    .option('--all-retryable', 'every failed item, and every rejected item whose knowledge-base entry says it may succeed when sent again')
    .option('--dry-run', 'show what the sync would send after the retry; change nothing (works on a copy of the ledger)')
    .option('--json', 'print one JSON object: the items retried and the sync report')
    .option('--verbose', 'show error details such as ERP tracebacks')
    .addHelpText(
      'after',
      `
When to use it:
  Cesce rejected an item (\`cesce status\` lists it with the cause and the fix) and the fix is done:
  the document or customer corrected in the ERP, or the policy or classification put right at
  Cesce. A document changed in the ERP is sent again by the next sync anyway; retry is for the
  rest, and to send it now.

What it does:
  1. a rejected item is marked "to check" (failed) in the ledger, and the rejection is kept in the
     ledger's retries table (\`cesce status\` and \`cesce ledger export\` show it). A failed item
     needs no change: every sync retries it.
  2. it runs \`cesce sync\`: that sync reads the item's document again (also in incremental mode),
     looks it up at Cesce first, and declares it only if Cesce does not hold it. Cesce's new answer
     (declared, or rejected again with its fix) is in the report and in \`cesce status\`.

Which items:
  --id KEY           one item, by its ledger key (e.g. sale:34109150331:133) or its invoice number
                     (e.g. INV/2026/00115) when only one item has it
  --all-retryable    every failed item, plus every rejected item whose knowledge-base entry is
                     marked retryable (e.g. Cesce's 429 and 5xx). Rejections that need a fix first
                     (bad data, policy conditions) are left alone and listed; retry those one by one
                     with --id once fixed.
  Never retried: a declared item (that would declare it twice: correct it at Cesce instead), an item
  being sent or left in flight (the next sync looks it up at Cesce), and a conflict (Cesce holds a
  different sale under its number; every sync checks it again). Asking for one is an error.
  A retry refuses to start while a sync runs on the ledger.

Exit codes: those of \`cesce sync\` for the run it starts (0 all well, 2 rejected or failed again,
1 fatal); 1 also when the item cannot be retried (declared, in flight, conflict, unknown id).

Examples:
  $ cesce status --config cesce.config.json                 # find the key and the fix
  $ cesce retry --config cesce.config.json --id sale:34109150331:133
  $ cesce retry --config cesce.config.json --id INV/2026/00115 --dry-run
  $ cesce retry --config cesce.config.json --all-retryable --json`,
    )
    .action(async (flags: RetryFlags) => {
      const { retryCommand } = await import('../actions/retry.js');
      process.exitCode = await retryCommand(flags);
    });
}
