import { hostname } from 'node:os';
import { addDecimal, CesceConnectError, findEntry, fromCesceDate, fromCesceDecimal } from '@cesce-connect/core';
import { CONFLICT_KB_ID, type ItemKind, type ItemState, type ItemRow, type Ledger, type LedgerItem, type StoredExchange } from './ledger.js';

/**
 * Operator queries over a ledger: what is declared, pending and rejected (`cesce status`), every
 * item as rows (`cesce ledger export`), and making chosen items eligible again (`cesce retry`).
 * Amounts are summed exactly, as decimal strings, per currency.
 */

export type Lang = 'en' | 'es';

/** Amounts per currency, e.g. `{ EUR: "12345.67" }` (exact decimal strings). */
export type Amounts = Record<string, string>;

export interface Tally {
  /** Declared sales and credit notes (classifications are counted apart). */
  declared: { count: number; amounts: Amounts };
  /** `sending` (in flight or interrupted) and `failed` (outcome unknown): the next run settles them. */
  pending: { count: number; amounts: Amounts };
  rejected: { count: number; amounts: Amounts };
}

export interface RejectedEntry {
  key: string;
  kind: ItemKind;
  erpRef: string;
  invoiceNo: string | null;
  month: string | null;
  customer: string;
  amount: string | null;
  currency: string | null;
  httpStatus: number | null;
  message: string;
  kbId: string | null;
  cause: string;
  fix: string;
  /** True when the knowledge base says the same request may succeed later (`cesce retry --all-retryable` picks it). */
  retryable: boolean;
  since: string;
  /** Earlier `cesce retry` of this item (most recent first). */
  retriedBefore: RetryRecord[];
}

export interface PendingEntry {
  key: string;
  kind: ItemKind;
  state: 'sending' | 'failed';
  erpRef: string;
  customer: string;
  amount: string | null;
  currency: string | null;
  httpStatus: number | null;
  lastError: string | null;
  since: string;
  note: string;
}

export interface RunEntry {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  dryRun: boolean;
  /** `finished`, `failed` (stopped by an error: `error`), `running` (holds the lock now) or `interrupted` (killed). */
  outcome: 'finished' | 'failed' | 'running' | 'interrupted';
  error: string | null;
  counts: { declared: number; creditNotes: number; classificationsRequested: number; rejected: number; failed: number; skipped: number; conflicts: number } | null;
}

export interface LedgerStatus {
  ledger: string;
  contracts: string[];
  filters: { month: string | null; customer: string | null };
  byState: Record<ItemState, number>;
  totals: Tally;
  classifications: { requested: number; rejected: number; pending: number };
  months: ({ month: string } & Tally)[];
  customers: ({ debtorErpId: string; customer: string } & Tally)[];
  rejected: RejectedEntry[];
  pending: PendingEntry[];
  runs: RunEntry[];
  lock: { pid: number; host: string; since: string } | null;
}

export interface RetryRecord {
  key: string;
  retriedAt: string;
  previousState: string;
  httpStatus: number | null;
  kbId: string | null;
  message: string | null;
  attempts: number;
}


interface SentBody {
  amount?: string;
  currencyCode?: string;
  invoiceDate?: string;
  dueDate?: string;
  taxCode?: string;
  customerReference?: string;
  companyName?: string;
  originalInvoiceNo?: string;
}

function bodyOf(row: ItemRow): SentBody {
  if (!row.request_json) return {};
  try {
    const parsed = JSON.parse(row.request_json) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as SentBody) : {};
  } catch {
    return {};
  }
}

/** The amount sent for a sale or credit note (negative for credit notes), exact; null for classifications. */
function amountOf(row: ItemRow): { amount: string; currency: string } | null {
  if (row.kind === 'classification') return null;
  const body = bodyOf(row);
  if (!body.amount || !body.currencyCode) return null;
  try {
    return { amount: fromCesceDecimal(body.amount), currency: body.currencyCode };
  } catch {
    return null;
  }
}

function safeDate(text: string | undefined): string | null {
  try {
    return fromCesceDate(text);
  } catch {
    return text ?? null;
  }
}

/** "202610" → "2026-10". */
function monthOf(row: ItemRow): string | null {
  const m = row.invoice_month;
  return m && /^\d{6}$/.test(m) ? `${m.slice(0, 4)}-${m.slice(4)}` : m;
}

function hasTable(ledger: Ledger, name: string): boolean {
  return !!ledger.database.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name);
}

const RETRIES_SCHEMA = `CREATE TABLE IF NOT EXISTS retries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  retried_at TEXT NOT NULL,
  previous_state TEXT NOT NULL,
  http_status INTEGER,
  kb_id TEXT,
  message TEXT,
  attempts INTEGER NOT NULL,
  request_json TEXT
);
CREATE INDEX IF NOT EXISTS retries_key ON retries (key);`;

function retriesOf(ledger: Ledger): Map<string, RetryRecord[]> {
  const out = new Map<string, RetryRecord[]>();
  if (!hasTable(ledger, 'retries')) return out;
  const rows = ledger.database
    .prepare('SELECT key, retried_at, previous_state, http_status, kb_id, message, attempts FROM retries ORDER BY id DESC')
    .all() as { key: string; retried_at: string; previous_state: string; http_status: number | null; kb_id: string | null; message: string | null; attempts: number }[];
  for (const r of rows) {
    const list = out.get(r.key) ?? [];
    list.push({ key: r.key, retriedAt: r.retried_at, previousState: r.previous_state, httpStatus: r.http_status, kbId: r.kb_id, message: r.message, attempts: r.attempts });
    out.set(r.key, list);
  }
  return out;
}

const CONFLICT_TEXTS = {
  cause: { en: 'Cesce holds a different sale under this document number.', es: 'Cesce tiene otra venta distinta con este número de documento.' },
  fix: {
    en: 'Correct the document in the ERP, or have the sale corrected at Cesce; every run checks it again.',
    es: 'Corrija el documento en el ERP o pida a Cesce que corrija la venta; cada ejecución lo vuelve a comprobar.',
  },
};

/** Cause and fix of a rejection from the knowledge base, in the language asked. */
export function explainRejection(kbId: string | null, lang: Lang = 'en'): { cause: string; fix: string; retryable: boolean } {
  if (kbId === CONFLICT_KB_ID) return { cause: CONFLICT_TEXTS.cause[lang], fix: CONFLICT_TEXTS.fix[lang], retryable: false };
  const entry = kbId ? findEntry(kbId) : undefined;
  if (!entry) return { cause: '', fix: '', retryable: false };
  return { cause: entry.cause[lang], fix: entry.fix[lang], retryable: entry.retryable };
}

function emptyTally(): Tally {
  return { declared: { count: 0, amounts: {} }, pending: { count: 0, amounts: {} }, rejected: { count: 0, amounts: {} } };
}

function addTo(bucket: { count: number; amounts: Amounts }, money: { amount: string; currency: string } | null): void {
  bucket.count += 1;
  if (money) bucket.amounts[money.currency] = addDecimal(bucket.amounts[money.currency] ?? '0', money.amount);
}

function tally(t: Tally, row: ItemRow, money: { amount: string; currency: string } | null): void {
  if (row.state === 'declared') addTo(t.declared, money);
  else if (row.state === 'rejected') addTo(t.rejected, money);
  else addTo(t.pending, money);
}

/** Customer names are known from classification requests; otherwise the tax code the sale was sent with. */
function customerNames(rows: ItemRow[], recorded: Map<string, { name: string; taxCode: string | null }>): Map<string, { name: string; taxCode: string | null; reference: string | null }> {
  const names = new Map<string, { name: string; taxCode: string | null; reference: string | null }>();
  // Names the sync recorded from the ERP come first; then those of classification requests.
  for (const [erpId, d] of recorded) names.set(erpId, { name: d.name, taxCode: d.taxCode, reference: null });
  for (const row of rows) {
    if (!row.debtor_erp_id) continue;
    const body = bodyOf(row);
    const known = names.get(row.debtor_erp_id);
    const fromClassification = row.kind === 'classification' ? (body.companyName ?? null) : null;
    if (recorded.has(row.debtor_erp_id)) {
      if (known && !known.reference && body.customerReference) known.reference = body.customerReference;
      continue;
    }
    if (!known || (fromClassification && !known.name.startsWith(fromClassification))) {
      const taxCode = body.taxCode ?? known?.taxCode ?? null;
      names.set(row.debtor_erp_id, {
        name: fromClassification ?? known?.name ?? `customer ${row.debtor_erp_id}${taxCode ? ` (${taxCode})` : ''}`,
        taxCode,
        reference: body.customerReference ?? known?.reference ?? null,
      });
    }
  }
  return names;
}

export interface StatusOptions {
  /** Only items of this invoice month, `YYYY-MM` (classifications have none and are left out). */
  month?: string | undefined;
  /** Only this customer: its ERP id, tax code, customer reference, or part of its name (any case). */
  customer?: string | undefined;
  lang?: Lang | undefined;
  /** How many of the last runs to list (default 5). */
  runs?: number | undefined;
}

/** Everything `cesce status` shows, read from the ledger without writing to it. */
export function ledgerStatus(ledger: Ledger, options: StatusOptions = {}): LedgerStatus {
  const lang = options.lang ?? 'en';
  if (options.month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(options.month)) {
    throw new CesceConnectError('usage', `--month must be a month as YYYY-MM (e.g. 2026-10), not '${options.month}'.`);
  }
  const db = ledger.database;
  const all = db.prepare('SELECT * FROM items ORDER BY created_at, key').all() as ItemRow[];
  const names = customerNames(all, ledger.debtorNames());
  const customerOf = (row: ItemRow) => (row.debtor_erp_id ? (names.get(row.debtor_erp_id)?.name ?? `customer ${row.debtor_erp_id}`) : '');
  let rows = all;
  if (options.month) rows = rows.filter((r) => monthOf(r) === options.month);
  if (options.customer) {
    const wanted = options.customer.trim().toLowerCase();
    const matches = (id: string | null) => {
      if (!id) return false;
      const n = names.get(id);
      return id.toLowerCase() === wanted || n?.taxCode?.toLowerCase() === wanted || n?.reference?.toLowerCase() === wanted || !!n?.name.toLowerCase().includes(wanted);
    };
    rows = rows.filter((r) => matches(r.debtor_erp_id));
  }
  const retries = retriesOf(ledger);

  const byState: Record<ItemState, number> = { sending: 0, declared: 0, rejected: 0, failed: 0 };
  const totals = emptyTally();
  const classifications = { requested: 0, rejected: 0, pending: 0 };
  const months = new Map<string, Tally>();
  const customers = new Map<string, Tally>();
  const rejected: RejectedEntry[] = [];
  const pending: PendingEntry[] = [];
  for (const row of rows) {
    byState[row.state] += 1;
    const money = amountOf(row);
    if (row.kind === 'classification') {
      if (row.state === 'declared') classifications.requested += 1;
      else if (row.state === 'rejected') classifications.rejected += 1;
      else classifications.pending += 1;
    } else {
      tally(totals, row, money);
      const month = monthOf(row) ?? '(no month)';
      if (!months.has(month)) months.set(month, emptyTally());
      tally(months.get(month)!, row, money);
      if (row.debtor_erp_id) {
        if (!customers.has(row.debtor_erp_id)) customers.set(row.debtor_erp_id, emptyTally());
        tally(customers.get(row.debtor_erp_id)!, row, money);
      }
    }
    if (row.state === 'rejected') {
      const kb = explainRejection(row.kb_id, lang);
      rejected.push({
        key: row.key,
        kind: row.kind,
        erpRef: row.erp_ref,
        invoiceNo: row.invoice_no,
        month: monthOf(row),
        customer: customerOf(row),
        amount: money?.amount ?? null,
        currency: money?.currency ?? null,
        httpStatus: row.http_status,
        message: row.last_error ?? '',
        kbId: row.kb_id,
        cause: kb.cause,
        fix: kb.fix,
        retryable: kb.retryable,
        since: row.updated_at,
        retriedBefore: retries.get(row.key) ?? [],
      });
    } else if (row.state === 'sending' || row.state === 'failed') {
      pending.push({
        key: row.key,
        kind: row.kind,
        state: row.state,
        erpRef: row.erp_ref,
        customer: customerOf(row),
        amount: money?.amount ?? null,
        currency: money?.currency ?? null,
        httpStatus: row.http_status,
        lastError: row.last_error,
        since: row.updated_at,
        note:
          row.state === 'failed'
            ? 'retried by the next run (looked up at Cesce first, so it is never declared twice)'
            : 'in flight, or left by an interrupted run: the next run looks it up at Cesce before sending anything',
      });
    }
  }

  const lockRow = hasTable(ledger, 'lock')
    ? (db.prepare('SELECT pid, host, acquired_at FROM lock WHERE id = 1').get() as { pid: number; host: string; acquired_at: string } | undefined)
    : undefined;
  const lock = lockRow ? { pid: lockRow.pid, host: lockRow.host, since: lockRow.acquired_at } : null;
  const runRows = hasTable(ledger, 'runs')
    ? (db.prepare('SELECT id, started_at, finished_at, dry_run, summary_json FROM runs ORDER BY id DESC LIMIT ?').all(options.runs ?? 5) as {
        id: number;
        started_at: string;
        finished_at: string | null;
        dry_run: number;
        summary_json: string | null;
      }[])
    : [];
  const lastId = runRows[0]?.id;
  const runs: RunEntry[] = runRows.map((r) => ({
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    dryRun: r.dry_run === 1,
    outcome: r.finished_at ? (errorOf(r.summary_json) ? 'failed' : 'finished') : lock && r.id === lastId ? 'running' : 'interrupted',
    error: errorOf(r.summary_json),
    counts: errorOf(r.summary_json) ? null : countsOf(r.summary_json),
  }));

  return {
    ledger: ledger.file,
    contracts: [...new Set(all.map((r) => r.contract_no))].sort(),
    filters: { month: options.month ?? null, customer: options.customer ?? null },
    byState,
    totals,
    classifications,
    months: [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, t]) => ({ month, ...t })),
    customers: [...customers.entries()]
      .map(([debtorErpId, t]) => ({ debtorErpId, customer: names.get(debtorErpId)?.name ?? `customer ${debtorErpId}`, ...t }))
      .sort((a, b) => a.customer.localeCompare(b.customer)),
    rejected,
    pending,
    runs,
    lock,
  };
}

function errorOf(summaryJson: string | null): string | null {
  if (!summaryJson) return null;
  try {
    const s = JSON.parse(summaryJson) as { error?: unknown };
    return typeof s.error === 'string' ? s.error : null;
  } catch {
    return null;
  }
}

function countsOf(summaryJson: string | null): RunEntry['counts'] {
  if (!summaryJson) return null;
  try {
    const s = JSON.parse(summaryJson) as Record<string, unknown>;
    const n = (v: unknown) => (typeof v === 'number' ? v : Array.isArray(v) ? v.length : 0);
    return {
      declared: n(s.salesDeclared),
      creditNotes: n(s.creditNotesDeclared),
      classificationsRequested: n(s.classificationsRequested),
      rejected: n(s.rejected),
      failed: n(s.failed),
      skipped: n(s.skipped),
      conflicts: n(s.conflicts),
    };
  } catch {
    return null;
  }
}

/** True when the status holds something a person should look at (exit code 2 of `cesce status`). */
export function needsAttention(status: LedgerStatus): boolean {
  return status.rejected.length > 0 || status.pending.some((p) => p.state === 'failed');
}

// ---------------------------------------------------------------------------------------------
// Export

export const EXPORT_COLUMNS = [
  'key',
  'contract_no',
  'kind',
  'state',
  'erp_id',
  'erp_ref',
  'debtor_erp_id',
  'invoice_no',
  'invoice_month',
  'invoice_date',
  'due_date',
  'amount',
  'currency',
  'original_invoice_no',
  'endorsement_no',
  'cesce_ref',
  'attempts',
  'http_status',
  'kb_id',
  'last_error',
  'written_back',
  'retries',
  'created_at',
  'updated_at',
  'payload_hash',
  'request_json',
] as const;

export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | null>;

/** Every ledger item (optionally of one state), oldest first, with the amount and dates it was sent with. */
export function exportItems(ledger: Ledger, options: { state?: ItemState | undefined } = {}): ExportRow[] {
  const db = ledger.database;
  const rows = (
    options.state ? db.prepare('SELECT * FROM items WHERE state = ? ORDER BY created_at, key').all(options.state) : db.prepare('SELECT * FROM items ORDER BY created_at, key').all()
  ) as ItemRow[];
  const retries = retriesOf(ledger);
  // A classification's result is written to its customer; those writes are kept per customer key.
  const writtenCustomers = new Set(
    (db.prepare(`SELECT key FROM writebacks WHERE pending_json IS NULL AND written_at IS NOT NULL AND key LIKE 'classification:%'`).all() as { key: string }[]).map((w) => w.key),
  );
  return rows.map((r) => {
    const body = bodyOf(r);
    const money = amountOf(r);
    return {
      key: r.key,
      contract_no: r.contract_no,
      kind: r.kind,
      state: r.state,
      erp_id: r.erp_id,
      erp_ref: r.erp_ref,
      debtor_erp_id: r.debtor_erp_id,
      invoice_no: r.invoice_no,
      invoice_month: r.invoice_month,
      invoice_date: r.kind === 'classification' ? null : safeDate(body.invoiceDate),
      due_date: r.kind === 'classification' ? null : safeDate(body.dueDate),
      amount: money?.amount ?? null,
      currency: money?.currency ?? null,
      original_invoice_no: body.originalInvoiceNo ?? null,
      endorsement_no: r.endorsement_no,
      cesce_ref: r.cesce_ref,
      attempts: r.attempts,
      http_status: r.http_status,
      kb_id: r.kb_id,
      last_error: r.last_error,
      written_back: r.written_back === 1 || (r.kind === 'classification' && writtenCustomers.has(r.key)),
      retries: retries.get(r.key)?.length ?? 0,
      created_at: r.created_at,
      updated_at: r.updated_at,
      payload_hash: r.payload_hash,
      request_json: r.request_json,
    };
  });
}

/** One CSV field per RFC 4180: quoted when it holds a comma, a quote, CR or LF (quotes doubled). */
function csvField(value: string | number | boolean | null, separator = ','): string {
  if (value === null) return '';
  const text = String(value);
  return text.includes(separator) || /["\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvOptions {
  /**
   * For spreadsheets set to Spanish (and most of continental Europe): a UTF-8 byte-order mark so
   * accents read right, `;` between fields, and amounts with a decimal comma (`-597,51`).
   */
  excel?: boolean | undefined;
}

/** RFC 4180 CSV: a header line, CRLF line ends, UTF-8. Null is an empty field. */
export function toCsv(rows: readonly ExportRow[], options: CsvOptions = {}): string {
  const separator = options.excel ? ';' : ',';
  const lines = [EXPORT_COLUMNS.join(separator)];
  for (const row of rows) {
    lines.push(
      EXPORT_COLUMNS.map((c) => {
        const value = row[c];
        return csvField(options.excel && c === 'amount' && typeof value === 'string' ? value.replace('.', ',') : value, separator);
      }).join(separator),
    );
  }
  return `${options.excel ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------
// Retry

export interface RetryTarget {
  key: string;
  kind: ItemKind;
  erpRef: string;
  state: 'rejected' | 'failed';
  kbId: string | null;
  message: string | null;
}

/** Ledger items that cannot be retried, and why, for `--all-retryable` to report. */
export interface RetryPlan {
  targets: RetryTarget[];
  /** Rejected items left alone by --all-retryable (their KB entry says the same request fails again). */
  leftAlone: { key: string; erpRef: string; kbId: string | null }[];
}

function retryError(message: string, hint?: string): CesceConnectError {
  return new CesceConnectError('retry_refused', message, hint ? { hint } : {});
}

/** The item `--id` names: its ledger key, its ERP reference or its document number, if only one matches. */
function findById(ledger: Ledger, id: string): ItemRow {
  const db = ledger.database;
  const exact = db.prepare('SELECT * FROM items WHERE key = ?').get(id) as ItemRow | undefined;
  if (exact) return exact;
  // The ERP reference ends with the document number ("account.move,133 INV/2026/00115"): compared
  // as text, so % and _ in an id are characters, not wildcards.
  const found = db
    .prepare('SELECT * FROM items WHERE invoice_no = ? OR erp_ref = ? OR (length(erp_ref) > length(?) AND substr(erp_ref, -length(?) - 1) = ?) ORDER BY key')
    .all(id, id, id, id, ` ${id}`) as ItemRow[];
  if (found.length === 0) {
    throw retryError(`No ledger item has the key, ERP reference or document number '${id}' (ledger ${ledger.file}).`, 'List the items with `cesce status` or `cesce ledger export`; --id takes the key shown there (e.g. sale:34109150331:133) or the invoice number.');
  }
  if (found.length > 1) {
    throw retryError(`'${id}' matches ${found.length} ledger items (${found.map((f) => f.key).join(', ')}).`, 'Give the ledger key of the one to retry with --id.');
  }
  return found[0]!;
}

function checkRetryable(row: ItemRow): RetryTarget {
  if (row.state === 'declared') {
    throw retryError(
      `${row.erp_ref} (${row.key}) is already declared to Cesce${row.cesce_ref ? ` (Cesce reference ${row.cesce_ref})` : ''}: retrying it would declare it twice.`,
      'A declared sale is corrected at Cesce, not sent again.',
    );
  }
  if (row.state === 'sending') {
    throw retryError(
      `${row.erp_ref} (${row.key}) is being sent, or was in flight when a run stopped: its outcome at Cesce is not known yet.`,
      'Run `cesce sync`: it looks the item up at Cesce first and sends it again only if Cesce does not have it.',
    );
  }
  if (row.state === 'rejected' && row.kb_id === CONFLICT_KB_ID) {
    throw retryError(
      `${row.erp_ref} (${row.key}) is held back because Cesce holds a different sale under its number; it is not sent blindly.`,
      'Correct the document in the ERP or have the sale corrected at Cesce; every `cesce sync` looks it up at Cesce again.',
    );
  }
  return { key: row.key, kind: row.kind, erpRef: row.erp_ref, state: row.state as 'rejected' | 'failed', kbId: row.kb_id, message: row.last_error };
}

/**
 * Which items a retry makes eligible: the one `id` names, or (`allRetryable`) every failed item
 * plus every rejected item whose knowledge-base entry is retryable. Declared, in-flight and
 * conflicting items are never retried (an `id` naming one throws, saying why).
 */
export function planRetry(ledger: Ledger, choice: { id: string } | { allRetryable: true }): RetryPlan {
  if ('id' in choice) return { targets: [checkRetryable(findById(ledger, choice.id))], leftAlone: [] };
  const rows = ledger.database.prepare(`SELECT * FROM items WHERE state IN ('failed', 'rejected') ORDER BY created_at, key`).all() as ItemRow[];
  const targets: RetryTarget[] = [];
  const leftAlone: RetryPlan['leftAlone'] = [];
  for (const row of rows) {
    if (row.state === 'failed' || (row.kb_id !== CONFLICT_KB_ID && explainRejection(row.kb_id).retryable)) targets.push(checkRetryable(row));
    else leftAlone.push({ key: row.key, erpRef: row.erp_ref, kbId: row.kb_id });
  }
  return { targets, leftAlone };
}

/**
 * Makes the planned items eligible for the next sync, under the ledger's lock (refused while a
 * sync runs). A rejected item becomes `failed` ("outcome to check"): the next sync re-reads its
 * document even in incremental mode, looks it up at Cesce first (so nothing is ever declared
 * twice), and then plans it again like a new document. Each retry is kept in the `retries` table
 * with the rejection it replaces. Failed items are left as they are (the next sync retries them).
 */
export function applyRetry(ledger: Ledger, plan: RetryPlan): RetryRecord[] {
  const db = ledger.database;
  ledger.acquireLock();
  try {
    db.exec(RETRIES_SCHEMA);
    const now = new Date().toISOString();
    const records: RetryRecord[] = [];
    const insert = db.prepare('INSERT INTO retries (key, retried_at, previous_state, http_status, kb_id, message, attempts, request_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const reopen = db.prepare(`UPDATE items SET state = 'failed', last_error = ?, updated_at = ? WHERE key = ? AND state = 'rejected'`);
    db.transaction(() => {
      for (const t of plan.targets) {
        const row = db.prepare('SELECT * FROM items WHERE key = ?').get(t.key) as ItemRow | undefined;
        if (!row || (row.state !== 'rejected' && row.state !== 'failed')) continue; // changed since the plan
        insert.run(row.key, now, row.state, row.http_status, row.kb_id, row.last_error, row.attempts, row.request_json);
        if (row.state === 'rejected') {
          const was = `HTTP ${row.http_status ?? '?'}${row.kb_id ? ` [${row.kb_id}]` : ''} ${row.last_error ?? ''}`.trim();
          reopen.run(`retry asked by the operator on ${now} (was rejected: ${was})`, now, row.key);
        }
        records.push({ key: row.key, retriedAt: now, previousState: row.state, httpStatus: row.http_status, kbId: row.kb_id, message: row.last_error, attempts: row.attempts });
      }
    })();
    return records;
  } finally {
    ledger.releaseLock();
  }
}

/** Who holds the ledger's lock, if anyone (a sync in progress, or one that died on another machine). */
export function lockHolder(ledger: Ledger): { pid: number; host: string; since: string; thisHost: boolean } | null {
  if (!hasTable(ledger, 'lock')) return null;
  const row = ledger.database.prepare('SELECT pid, host, acquired_at FROM lock WHERE id = 1').get() as { pid: number; host: string; acquired_at: string } | undefined;
  return row ? { pid: row.pid, host: row.host, since: row.acquired_at, thisHost: row.host === hostname() } : null;
}

/**
 * One item and its audit trail (the redacted request/response pairs sent to Cesce for it), for
 * support: `id` is the ledger key, the ERP reference or the document number, if only one matches.
 */
export function itemExchanges(ledger: Ledger, id: string): { item: LedgerItem; exchanges: StoredExchange[] } {
  const row = findById(ledger, id);
  const item = ledger.get(row.key)!;
  return { item, exchanges: ledger.exchanges(row.key) };
}
