/** The definition of `cesce ledger export|exchanges`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/ledger.ts. */
import type { Command } from 'commander';
import type { ExchangesFlags, ExportFlags } from '../actions/ledger.js';

export function registerLedger(program: Command): void {
  const ledger = program.command('ledger').description('Look into the ledger (what was sent to Cesce): export its items, show what was exchanged with Cesce for one');
  ledger
    .command('export')
    .description('Write every ledger item (declarations, classification requests, rejections) as CSV or JSON')
    .option('-c, --config <file>', 'config file: the ledger is its sync.ledger (only that setting is read)')
    .option('--ledger <file>', 'the SQLite ledger file itself (overrides the config)')
    .requiredOption('--format <format>', 'csv or json')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--state <state>', 'only items in this state: sending, declared, rejected or failed')
    .option('--excel', "CSV for a spreadsheet set to Spanish: byte-order mark, ';' between fields, decimal comma in amounts")
    .addHelpText(
      'after',
      `
One row (CSV) or object (JSON) per ledger item, oldest first, with these fields:
  key                 the ledger key (sale:CONTRACT:ERPID or classification:CONTRACT:ERPID),
                      also what \`cesce retry --id\` takes
  kind, state         invoice | credit_note | classification; sending | declared | rejected | failed
  erp_id, erp_ref     the ERP record (e.g. account.move,133 INV/2026/00115); debtor_erp_id its customer
  invoice_no, invoice_month (as stored, YYYYMM), invoice_date, due_date (YYYY-MM-DD)
  amount, currency    what was sent, as an exact decimal ("-597.51" for a credit note), never rounded
  original_invoice_no the invoice a credit note corrects
  endorsement_no, cesce_ref   the suplemento, and Cesce's sale reference or request number
  attempts, http_status, kb_id, last_error   the last answer (kb_id: see \`cesce explain KB_ID\`)
  written_back        whether the result was written back into the ERP
  retries             how many times \`cesce retry\` made it eligible again
  created_at, updated_at      timestamps as stored (ISO 8601, UTC)
  payload_hash, request_json  the request body sent to Cesce (it holds no credentials)

CSV follows RFC 4180: a header line, comma-separated, CRLF line ends, UTF-8 without BOM; fields with
commas, quotes, line breaks or edge spaces are quoted ("" for a quote), an empty field is null.
Names with accents, emoji or quotes come back exactly as stored. --excel writes the CSV the way a
spreadsheet set to Spanish opens it by double-click: a UTF-8 byte-order mark, ';' between fields
and a decimal comma in amounts (quoting as above). JSON is an array of objects
(numbers for attempts, http_status and retries; true/false for written_back; amounts as strings).
The ledger is opened read-only: exporting while a sync runs is safe.

Exit codes: 0 written; 1 error (no ledger, bad option, file not writable).

Examples:
  $ cesce ledger export --config cesce.config.json --format csv --output ledger.csv
  $ cesce ledger export --config cesce.config.json --format csv --excel --output ledger.csv
  $ cesce ledger export --config cesce.config.json --format json --state rejected
  $ cesce ledger export --ledger .cesce/ledger.sqlite --format csv | head`,
    )
    .action(async (flags: ExportFlags) => {
      const { exportCommand } = await import('../actions/ledger.js');
      process.exitCode = exportCommand(flags);
    });
  ledger
    .command('exchanges')
    .description('Show the requests sent to Cesce for one item and Cesce’s answers (the audit trail), for support')
    .requiredOption('--id <id>', 'the ledger key (as in cesce status / ledger export), the ERP reference or the invoice number')
    .option('-c, --config <file>', 'config file: the ledger is its sync.ledger (only that setting is read)')
    .option('--ledger <file>', 'the SQLite ledger file itself (overrides the config)')
    .option('--json', 'print the item and its exchanges as one JSON object')
    .addHelpText(
      'after',
      `
Every request cesce sync sent to Cesce for the item (the create, and the look-ups that checked
whether an unanswered send had arrived) is kept with Cesce's answer, oldest first: time, operation,
method and URL, HTTP status (none when no answer came, with the reason), duration, and both bodies.
Nothing secret is kept: no header (so no token), no client secret or password; bodies longer than
16 KB are cut. Ledgers written before the audit trail existed show no exchanges.

Exit codes: 0 shown; 1 error (no ledger, no such item, several items match).

Examples:
  $ cesce ledger exchanges --config cesce.config.json --id INV/2026/00115
  $ cesce ledger exchanges --ledger .cesce/ledger.sqlite --id sale:34109150331:133 --json`,
    )
    .action(async (flags: ExchangesFlags) => {
      const { exchangesCommand } = await import('../actions/ledger.js');
      process.exitCode = exchangesCommand(flags);
    });
}
