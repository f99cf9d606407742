/** The definition of `cesce status`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/status.ts. */
import type { Command } from 'commander';
import type { StatusFlags } from '../actions/status.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('What the ledger says: declared, pending and rejected (with cause and fix), per month and per customer')
    .option('-c, --config <file>', 'config file: the ledger is its sync.ledger (only that setting is read)')
    .option('--ledger <file>', 'the SQLite ledger file itself (overrides the config)')
    .option('--json', 'print one JSON object instead of the text')
    .option('--month <YYYY-MM>', 'only documents of this invoice month')
    .option('--customer <id-or-name>', "only this customer: its ERP id, tax code, customer reference, or part of its name")
    .option('--lang <lang>', 'language of causes and fixes: en or es', 'en')
    .option('--runs <n>', 'how many of the last runs to list', '5')
    .addHelpText(
      'after',
      `
What it shows (read from the ledger only; nothing is sent, nothing is written, and it works while a
sync runs):
  totals       sales and credit notes declared (count, and the net amount sent, per currency),
               pending (being sent, or failed and retried by the next run) and rejected by Cesce
  per month    the same per invoice month; per customer, the same per customer
  rejected     every item Cesce refused: HTTP status, Cesce's message, the knowledge-base entry
               with its cause and fix (\`cesce explain KB_ID\` tells more), and whether an earlier
               \`cesce retry\` made it eligible again
  failed       items whose outcome is unknown (network, timeout, 5xx): the next sync looks them up
               at Cesce first and sends them again only if Cesce does not have them
  runs         the last runs: when, dry or not, what each declared, rejected and failed; a run that
               holds the ledger now is shown as running (with its process id and host)
Amounts are summed exactly (no rounding); a credit note counts negative.

Customer names come from classification requests; a customer never requested shows as its ERP id
and tax code.

Exit codes (for monitoring):
  0  nothing rejected and nothing failed (within --month / --customer)
  1  error (no ledger at that path, bad option, unreadable config)
  2  something is rejected or failed: look at the list, fix the data, then \`cesce retry\`

Examples:
  $ cesce status --config cesce.config.json
  $ cesce status --config cesce.config.json --month 2026-10 --lang es
  $ cesce status --config cesce.config.json --customer B98163694 --json
  $ cesce status --ledger .cesce/ledger.sqlite || echo "needs attention"`,
    )
    .action(async (flags: StatusFlags) => {
      const { statusCommand } = await import('../actions/status.js');
      process.exitCode = statusCommand(flags);
    });
}
