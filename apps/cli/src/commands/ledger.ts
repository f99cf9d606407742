import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { CesceConnectError, ConfigError } from '@cesce-connect/core';
import { exportItems, itemExchanges, Ledger, toCsv, type ItemState } from '@cesce-connect/sync';
import { readJsonFile } from '../config.js';
import { printFatal } from '../output.js';
import { UsageError } from './sync.js';

/**
 * The ledger file of a config (`sync.ledger`, relative to the config file; default
 * `.cesce/ledger.sqlite`), or `--ledger`. Reads only that setting, so the read-only commands work
 * without the ERP and Cesce settings' environment variables.
 */
export function ledgerFileOf(flags: { config?: string | undefined; ledger?: string | undefined }): string {
  if (flags.ledger) return resolve(flags.ledger);
  if (!flags.config) throw new UsageError('give the config file (--config FILE) or the ledger itself (--ledger FILE)');
  const file = flags.config;
  const raw = readJsonFile(file);
  const sync = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).sync : undefined;
  const setting = sync && typeof sync === 'object' ? (sync as Record<string, unknown>).ledger : undefined;
  let ledger: string = typeof setting === 'string' ? setting : '.cesce/ledger.sqlite';
  if ((setting !== undefined && typeof setting !== 'string') || ledger.trim() === '') throw new ConfigError(file, [{ path: 'sync.ledger', message: 'expected the ledger file name (a string)' }]);
  if (ledger.startsWith('env:')) {
    const name = ledger.slice(4);
    const value = process.env[name];
    if (!value) throw new ConfigError(file, [{ path: 'sync.ledger', message: `refers to the environment variable ${name}, which is not set` }]);
    ledger = value;
  }
  return isAbsolute(ledger) ? ledger : resolve(dirname(resolve(file)), ledger);
}

/** Opens an existing ledger for reading only (works while a sync runs); a missing file is a clear error. */
export function openLedgerReadonly(file: string): Ledger {
  if (!existsSync(file)) {
    throw new CesceConnectError('ledger_missing', `There is no ledger at ${file}.`, {
      hint: 'Run `cesce sync` first (it creates the ledger), or point at the right file with --ledger or sync.ledger in the config.',
    });
  }
  return new Ledger(file, { readonly: true });
}

const STATES: readonly ItemState[] = ['sending', 'declared', 'rejected', 'failed'];

interface ExportFlags {
  config?: string;
  ledger?: string;
  format?: string;
  output?: string;
  state?: string;
  excel?: boolean;
}

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
    .action((flags: ExportFlags) => {
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
    .action((flags: ExchangesFlags) => {
      process.exitCode = exchangesCommand(flags);
    });
}

interface ExchangesFlags {
  id: string;
  config?: string;
  ledger?: string;
  json?: boolean;
}

function exchangesCommand(flags: ExchangesFlags): number {
  let ledger: Ledger | undefined;
  try {
    ledger = openLedgerReadonly(ledgerFileOf(flags));
    const { item, exchanges } = itemExchanges(ledger, flags.id);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ item, exchanges }, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `${item.key}  ${item.erpRef}  ${item.state}${item.cesceRef ? ` (Cesce reference ${item.cesceRef})` : ''}${item.kbId ? ` [${item.kbId}]` : ''}`,
      exchanges.length === 0 ? '  no exchanges kept for this item (sent by a version without the audit trail, or never sent)' : `  ${exchanges.length} exchange${exchanges.length === 1 ? '' : 's'}:`,
    ];
    for (const e of exchanges) {
      lines.push('', `  ${e.at}  ${e.operation}  ${e.method.toUpperCase()} ${e.url}  → ${e.status ?? `no answer${e.error ? ` (${e.error})` : ''}`} in ${e.durationMs} ms`);
      if (e.requestBody) lines.push(`    request:  ${e.requestBody}`);
      if (e.responseBody) lines.push(`    response: ${e.responseBody}`);
      if (e.error && e.status !== null) lines.push(`    error:    ${e.error}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    printFatal(error, { json: flags.json ?? false, secrets: [] });
    return 1;
  } finally {
    ledger?.close();
  }
}

function exportCommand(flags: ExportFlags): number {
  let ledger: Ledger | undefined;
  try {
    const format = (flags.format ?? '').toLowerCase();
    if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, not '${flags.format}'`);
    if (flags.state !== undefined && !STATES.includes(flags.state as ItemState)) {
      throw new UsageError(`--state must be one of ${STATES.join(', ')}, not '${flags.state}'`);
    }
    ledger = openLedgerReadonly(ledgerFileOf(flags));
    const rows = exportItems(ledger, { state: flags.state as ItemState | undefined });
    if (flags.excel && format !== 'csv') throw new UsageError('--excel applies to --format csv only');
    const text = format === 'csv' ? toCsv(rows, { excel: flags.excel ?? false }) : `${JSON.stringify(rows, null, 2)}\n`;
    if (flags.output) {
      try {
        writeFileSync(flags.output, text, { mode: 0o600 });
        // An existing file keeps its mode on write: tax ids and amounts must not stay readable by others.
        chmodSync(flags.output, 0o600);
      } catch (error) {
        throw new CesceConnectError('output', `Cannot write ${resolve(flags.output)}: ${(error as Error).message}.`);
      }
      process.stderr.write(`cesce: ${rows.length} ledger items written to ${flags.output} (${format}).\n`);
    } else process.stdout.write(text);
    return 0;
  } catch (error) {
    printFatal(error, { json: false, secrets: [] });
    return 1;
  } finally {
    ledger?.close();
  }
}
