/** What `cesce ledger export|exchanges` does; loaded by its definition (../commands/ledger.ts) only when the command runs. */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
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

export interface ExportFlags {
  config?: string;
  ledger?: string;
  format?: string;
  output?: string;
  state?: string;
  excel?: boolean;
}

export interface ExchangesFlags {
  id: string;
  config?: string;
  ledger?: string;
  json?: boolean;
}

export function exchangesCommand(flags: ExchangesFlags): number {
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

export function exportCommand(flags: ExportFlags): number {
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
