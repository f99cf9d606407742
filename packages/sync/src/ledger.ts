import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { CesceConnectError, type ChangeWatermark, type Exchange } from '@cesce-connect/core';

/**
 * The ledger: the memory of what was sent to Cesce, in a SQLite file. Every Cesce call that
 * creates something is bracketed by two writes: `sending` before, the outcome after. A run that
 * dies in between leaves `sending` rows, which the next run reconciles against Cesce before
 * anything is re-sent.
 */
export type ItemKind = 'classification' | 'invoice' | 'credit_note';
export type ItemState = 'sending' | 'declared' | 'rejected' | 'failed';

export interface LedgerItem {
  key: string;
  contractNo: string;
  kind: ItemKind;
  erpId: string;
  erpRef: string;
  debtorErpId: string | null;
  state: ItemState;
  payloadHash: string;
  /** The request body sent (no secrets in it). */
  requestJson: string | null;
  /** saleCesceReferenceNo for sales, requestNo for classifications. */
  cesceRef: string | null;
  endorsementNo: string | null;
  invoiceNo: string | null;
  invoiceMonth: string | null;
  attempts: number;
  httpStatus: number | null;
  kbId: string | null;
  lastError: string | null;
  writtenBack: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An `items` row as SQLite returns it (also read by the operator queries). */
export interface ItemRow {
  key: string;
  contract_no: string;
  kind: ItemKind;
  erp_id: string;
  erp_ref: string;
  debtor_erp_id: string | null;
  state: ItemState;
  payload_hash: string;
  request_json: string | null;
  cesce_ref: string | null;
  endorsement_no: string | null;
  invoice_no: string | null;
  invoice_month: string | null;
  attempts: number;
  http_status: number | null;
  kb_id: string | null;
  last_error: string | null;
  written_back: number;
  created_at: string;
  updated_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  key TEXT PRIMARY KEY,
  contract_no TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('classification','invoice','credit_note')),
  erp_id TEXT NOT NULL,
  erp_ref TEXT NOT NULL,
  debtor_erp_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('sending','declared','rejected','failed')),
  payload_hash TEXT NOT NULL,
  request_json TEXT,
  cesce_ref TEXT,
  endorsement_no TEXT,
  invoice_no TEXT,
  invoice_month TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER,
  kb_id TEXT,
  last_error TEXT,
  written_back INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS items_state ON items (contract_no, state);
CREATE TABLE IF NOT EXISTS writebacks (
  key TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  written_at TEXT,
  pending_json TEXT
);
CREATE TABLE IF NOT EXISTS lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS watermarks (
  contract_no TEXT NOT NULL,
  scope TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  erp_id TEXT NOT NULL,
  from_date TEXT,
  stored_at TEXT NOT NULL,
  PRIMARY KEY (contract_no, scope)
);
CREATE TABLE IF NOT EXISTS open_documents (
  contract_no TEXT NOT NULL,
  scope TEXT NOT NULL,
  erp_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  since TEXT NOT NULL,
  PRIMARY KEY (contract_no, scope, erp_id)
);
CREATE TABLE IF NOT EXISTS exchanges (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  item_key TEXT NOT NULL,
  at TEXT NOT NULL,
  operation TEXT NOT NULL,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  status INTEGER,
  duration_ms INTEGER NOT NULL,
  request_body TEXT,
  response_body TEXT,
  error TEXT
);
CREATE INDEX IF NOT EXISTS exchanges_item ON exchanges (item_key, id);
CREATE TABLE IF NOT EXISTS debtors (
  contract_no TEXT NOT NULL,
  erp_id TEXT NOT NULL,
  name TEXT NOT NULL,
  tax_code TEXT,
  PRIMARY KEY (contract_no, erp_id)
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  dry_run INTEGER NOT NULL,
  summary_json TEXT
);
`;

function toItem(r: ItemRow): LedgerItem {
  return {
    key: r.key,
    contractNo: r.contract_no,
    kind: r.kind,
    erpId: r.erp_id,
    erpRef: r.erp_ref,
    debtorErpId: r.debtor_erp_id,
    state: r.state,
    payloadHash: r.payload_hash,
    requestJson: r.request_json,
    cesceRef: r.cesce_ref,
    endorsementNo: r.endorsement_no,
    invoiceNo: r.invoice_no,
    invoiceMonth: r.invoice_month,
    attempts: r.attempts,
    httpStatus: r.http_status,
    kbId: r.kb_id,
    lastError: r.last_error,
    writtenBack: r.written_back === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** `kb_id` of items held back because Cesce holds a different declaration under the same number. */
export const CONFLICT_KB_ID = 'cesce-connect-conflict';

export function itemKey(contractNo: string, kind: ItemKind, erpId: string): string {
  return `${kind === 'classification' ? 'classification' : 'sale'}:${contractNo}:${erpId}`;
}

export interface SendingInput {
  contractNo: string;
  kind: ItemKind;
  erpId: string;
  erpRef: string;
  debtorErpId: string | null;
  payloadHash: string;
  requestJson: string;
  endorsementNo?: string | null;
  invoiceNo?: string | null;
  invoiceMonth?: string | null;
}

/** Where the last completed read of one ERP database stopped, and the `sync.fromDate` it read with. */
export interface StoredWatermark extends ChangeWatermark {
  fromDate: string | null;
  storedAt: string;
}

/** What a run read from one ERP database (`scope`), recorded when its read phase completes. */
export interface ReadRecord {
  /** Every document read: open until a later `settle` says otherwise. */
  read: readonly string[];
  /** Open documents asked for by id that the ERP no longer returns (cancelled, deleted): closed. */
  gone: readonly string[];
  /** A full read: open documents it did not see are closed. */
  full: boolean;
  /** The new watermark; null keeps the stored one. */
  watermark: ChangeWatermark | null;
  fromDate: string | null;
}

/** A request/response pair with Cesce kept with a ledger item (redacted, bodies cut to 16 KB). */
export interface StoredExchange extends Exchange {
  id: number;
  itemKey: string;
}

/** Owner-only (rw-------): the ledger holds what was declared, and the audit trail of each call. */
export const LEDGER_FILE_MODE = 0o600;

export interface LedgerOptions {
  /** Open for reading only (dry runs): nothing is created or written; a missing file reads as empty. */
  readonly?: boolean;
}

export class Ledger {
  private readonly db: Database.Database;
  readonly readonly: boolean;

  constructor(
    readonly file: string,
    options: LedgerOptions = {},
  ) {
    this.readonly = options.readonly ?? false;
    if (this.readonly) {
      // A dry run must not leave a ledger behind: read an existing one, or an empty one in memory,
      // but fail on a path the real run could not use either.
      const exists = existsSync(file);
      try {
        if (!exists) assertCreatable(file);
        this.db = exists ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(':memory:');
      } catch (error) {
        throw new CesceConnectError('ledger_open', `Cannot open the ledger ${file}: ${(error as Error).message}.`, {
          hint: 'The ledger must be a file in a writable folder (--ledger or sync.ledger).',
        });
      }
      this.db.pragma('busy_timeout = 5000');
      if (!exists) this.db.exec(SCHEMA);
      this.checkSchema();
      return;
    }
    try {
      if (file !== ':memory:') {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        createOwnerOnly(file);
      }
      this.db = new Database(file);
    } catch (error) {
      throw new CesceConnectError('ledger_open', `Cannot open the ledger ${file}: ${(error as Error).message}.`, {
        hint: 'The ledger must be a file in a writable folder (--ledger or sync.ledger).',
      });
    }
    this.db.pragma('busy_timeout = 5000');
    this.checkSchema();
    // Only a file known to be a ledger (or new) has its permissions changed.
    if (file !== ':memory:') this.notices.push(...tightenToOwner(file));
    // Two runs started together may both create the file: switching to WAL and creating the
    // tables can answer SQLITE_BUSY without waiting, so those steps are retried for a while.
    retryWhileBusy(() => {
      this.db.pragma('journal_mode = WAL');
      // NORMAL: a commit reaches the WAL (safe from a killed process) and is flushed to disk by the
      // next durable write. The writes made before a Cesce call are durable (see `durably`).
      this.db.pragma('synchronous = NORMAL');
    });
    // All tables appear at once (one transaction), so no run ever sees half a ledger.
    retryWhileBusy(() =>
      this.db
        .transaction(() => {
          this.db.exec(SCHEMA);
          this.stmt(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1')`).run();
        })
        .immediate(),
    );
  }

  /**
   * What opening the ledger changed that the user should know, e.g. permissions tightened to
   * owner-only on an existing file. The CLI prints them as warnings.
   */
  readonly notices: string[] = [];

  /** Fails clearly on a file that is not a SQLite database or not a cesce ledger. */
  private checkSchema(): void {
    let tables: string[];
    try {
      tables = (this.stmt(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    } catch (error) {
      this.db.close();
      throw new CesceConnectError('ledger_invalid', `${this.file} is not a cesce ledger (${(error as Error).message}).`, {
        hint: 'Point --ledger (or sync.ledger) at a new file, or at the ledger of earlier runs.',
      });
    }
    if (tables.length > 0 && !tables.includes('items')) {
      this.db.close();
      throw new CesceConnectError('ledger_invalid', `${this.file} is a SQLite database but not a cesce ledger (no items table).`, {
        hint: 'Point --ledger (or sync.ledger) at a new file, or at the ledger of earlier runs.',
      });
    }
  }

  /**
   * Ties the ledger to one Cesce target (environment and base URL) per contract, so declarations
   * made to one environment are never taken as the truth about another. `checkTarget` refuses a
   * different target; the target is recorded with the first item sent (`markSending`).
   */
  checkTarget(contractNo: string, target: string): void {
    const row = this.stmt('SELECT value FROM meta WHERE key = ?').get(`target:${contractNo}`) as { value: string } | undefined;
    if (row && row.value !== target) {
      throw new CesceConnectError(
        'ledger_target',
        `The ledger ${this.file} records declarations of contract ${contractNo} made to ${row.value}; this run targets ${target}.`,
        {
          hint: 'A ledger belongs to one Cesce environment. Use another ledger (--ledger) for this one; a new ledger first adopts the sales Cesce already holds, so nothing is declared twice.',
        },
      );
    }
    this.target = { contractNo, value: target };
  }

  private target: { contractNo: string; value: string } | undefined;

  /**
   * Whether a run has finished looking up, at Cesce, the sales it would declare for this contract.
   * Until one has, every run does (a new ledger, or one whose first run was interrupted).
   */
  adoptionDone(contractNo: string): boolean {
    return !!this.stmt('SELECT 1 FROM meta WHERE key = ?').get(`adoption-done:${contractNo}`);
  }

  markAdoptionDone(contractNo: string): void {
    this.stmt('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(`adoption-done:${contractNo}`, this.now());
  }

  /** Records a sale found at Cesce (declared before this ledger knew of it) as declared. */
  recordAdopted(input: SendingInput, cesceRef: string): void {
    this.markSending(input);
    this.markDeclared(itemKey(input.contractNo, input.kind, input.erpId), cesceRef);
  }

  /** Hash of the last classification write-back that reached the ERP for this key. */
  writtenHash(key: string): string | undefined {
    return (this.stmt('SELECT hash FROM writebacks WHERE key = ? AND pending_json IS NULL').get(key) as { hash: string } | undefined)?.hash;
  }

  recordWritten(key: string, hash: string): void {
    this.stmt(
        `INSERT INTO writebacks (key, hash, written_at, pending_json) VALUES (?, ?, ?, NULL)
         ON CONFLICT (key) DO UPDATE SET hash = excluded.hash, written_at = excluded.written_at, pending_json = NULL`,
      )
      .run(key, hash, this.now());
  }

  /** Keeps a write-back the ERP refused, to retry it on the next run even if nothing else changes. */
  recordWritePending(key: string, hash: string, update: unknown): void {
    this.stmt(
        `INSERT INTO writebacks (key, hash, written_at, pending_json) VALUES (?, ?, NULL, ?)
         ON CONFLICT (key) DO UPDATE SET hash = excluded.hash, pending_json = excluded.pending_json`,
      )
      .run(key, hash, JSON.stringify(update));
  }

  pendingWrites(prefix: string): { key: string; hash: string; update: unknown }[] {
    const rows = this.stmt(`SELECT key, hash, pending_json FROM writebacks WHERE pending_json IS NOT NULL AND key LIKE ? ORDER BY key`).all(`${prefix}%`) as {
      key: string;
      hash: string;
      pending_json: string;
    }[];
    return rows.map((r) => ({ key: r.key, hash: r.hash, update: JSON.parse(r.pending_json) as unknown }));
  }

  /** Drops a queued write-back that no longer applies (e.g. a rejection of a sale declared since). */
  dropWrite(key: string): void {
    this.stmt('DELETE FROM writebacks WHERE key = ?').run(key);
  }

  /** Read-only ledgers of older versions lack the tables added since: they read as empty. */
  private hasTable(name: string): boolean {
    return !!this.stmt(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name);
  }

  watermark(contractNo: string, scope: string): StoredWatermark | undefined {
    if (!this.hasTable('watermarks')) return undefined;
    const row = this.stmt('SELECT updated_at, erp_id, from_date, stored_at FROM watermarks WHERE contract_no = ? AND scope = ?').get(contractNo, scope) as
      | { updated_at: string; erp_id: string; from_date: string | null; stored_at: string }
      | undefined;
    return row ? { updatedAt: row.updated_at, erpId: row.erp_id, fromDate: row.from_date, storedAt: row.stored_at } : undefined;
  }

  /** Documents of earlier runs that are not settled yet (not declared and written back). */
  openDocuments(contractNo: string, scope: string): { erpId: string; reason: string; since: string }[] {
    if (!this.hasTable('open_documents')) return [];
    return this.stmt('SELECT erp_id AS erpId, reason, since FROM open_documents WHERE contract_no = ? AND scope = ? ORDER BY since, erp_id').all(contractNo, scope) as {
      erpId: string;
      reason: string;
      since: string;
    }[];
  }

  /**
   * Ends a read phase in one transaction: every document read is open (so a run that dies later
   * leaves them to the next one) and the watermark moves past them.
   */
  recordRead(contractNo: string, scope: string, record: ReadRecord): void {
    const now = this.now();
    const open = this.stmt(
      `INSERT INTO open_documents (contract_no, scope, erp_id, reason, since) VALUES (?, ?, ?, 'read', ?)
       ON CONFLICT (contract_no, scope, erp_id) DO NOTHING`,
    );
    const close = this.stmt('DELETE FROM open_documents WHERE contract_no = ? AND scope = ? AND erp_id = ?');
    this.db
      .transaction(() => {
        if (record.full) {
          const read = new Set(record.read);
          for (const { erpId } of this.openDocuments(contractNo, scope)) if (!read.has(erpId)) close.run(contractNo, scope, erpId);
        }
        for (const erpId of record.gone) close.run(contractNo, scope, erpId);
        for (const erpId of record.read) open.run(contractNo, scope, erpId, now);
        if (record.watermark) {
          this.stmt(
              `INSERT INTO watermarks (contract_no, scope, updated_at, erp_id, from_date, stored_at) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (contract_no, scope) DO UPDATE SET updated_at = excluded.updated_at, erp_id = excluded.erp_id,
                 from_date = excluded.from_date, stored_at = excluded.stored_at`,
            )
            .run(contractNo, scope, record.watermark.updatedAt, record.watermark.erpId, record.fromDate, now);
        }
      })
      .immediate();
  }

  /** After a run: closes the settled documents and says why the others stay open. */
  settle(contractNo: string, scope: string, settled: readonly string[], open: ReadonlyMap<string, string>): void {
    const close = this.stmt('DELETE FROM open_documents WHERE contract_no = ? AND scope = ? AND erp_id = ?');
    const reason = this.stmt('UPDATE open_documents SET reason = ? WHERE contract_no = ? AND scope = ? AND erp_id = ?');
    this.db.transaction(() => {
      for (const erpId of settled) close.run(contractNo, scope, erpId);
      for (const [erpId, why] of open) reason.run(why, contractNo, scope, erpId);
    })();
  }

  /** Records an item that must not be sent as it is (e.g. Cesce holds a different sale under its number). */
  recordConflict(input: SendingInput, message: string): void {
    this.markSending(input);
    this.markRejected(itemKey(input.contractNo, input.kind, input.erpId), 0, CONFLICT_KB_ID, message);
  }

  private now(): string {
    return new Date().toISOString();
  }

  get(key: string): LedgerItem | undefined {
    const row = this.stmt('SELECT * FROM items WHERE key = ?').get(key) as ItemRow | undefined;
    return row ? toItem(row) : undefined;
  }

  all(contractNo?: string): LedgerItem[] {
    const rows = (
      contractNo
        ? this.stmt('SELECT * FROM items WHERE contract_no = ? ORDER BY created_at, key').all(contractNo)
        : this.stmt('SELECT * FROM items ORDER BY created_at, key').all()
    ) as ItemRow[];
    return rows.map(toItem);
  }

  inState(contractNo: string, state: ItemState, kind?: ItemKind): LedgerItem[] {
    if (kind) {
      return (this.stmt('SELECT * FROM items WHERE contract_no = ? AND state = ? AND kind = ? ORDER BY key').all(contractNo, state, kind) as ItemRow[]).map(toItem);
    }
    return (this.stmt('SELECT * FROM items WHERE contract_no = ? AND state = ? ORDER BY key').all(contractNo, state) as ItemRow[]).map(toItem);
  }

  /** Written (and flushed) before a Cesce call that creates something. */
  markSending(input: SendingInput): void {
    this.markSendingMany([input]);
  }

  /**
   * Several items marked `sending` in one transaction flushed to disk once (the engine marks the
   * next few sales ahead of their calls: one flush for a batch instead of one per sale).
   */
  markSendingMany(inputs: readonly SendingInput[]): void {
    if (inputs.length === 0) return;
    this.assertLockHeld();
    const now = this.now();
    this.durably(() => {
      for (const input of inputs) this.insertSending(input, now);
    });
  }

  private insertSending(input: SendingInput, now: string): void {
    if (this.target?.contractNo === input.contractNo) {
      this.stmt('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(`target:${input.contractNo}`, this.target.value);
    }
    this.stmt(
        `INSERT INTO items (key, contract_no, kind, erp_id, erp_ref, debtor_erp_id, state, payload_hash, request_json,
           endorsement_no, invoice_no, invoice_month, attempts, created_at, updated_at)
         VALUES (@key, @contractNo, @kind, @erpId, @erpRef, @debtorErpId, 'sending', @payloadHash, @requestJson,
           @endorsementNo, @invoiceNo, @invoiceMonth, 1, @now, @now)
         ON CONFLICT (key) DO UPDATE SET state = 'sending', erp_ref = excluded.erp_ref, payload_hash = excluded.payload_hash,
           request_json = excluded.request_json, endorsement_no = excluded.endorsement_no, invoice_no = excluded.invoice_no,
           invoice_month = excluded.invoice_month, attempts = items.attempts + 1, http_status = NULL, kb_id = NULL,
           last_error = NULL, updated_at = excluded.updated_at`,
      )
      .run({
        key: itemKey(input.contractNo, input.kind, input.erpId),
        contractNo: input.contractNo,
        kind: input.kind,
        erpId: input.erpId,
        erpRef: input.erpRef,
        debtorErpId: input.debtorErpId,
        payloadHash: input.payloadHash,
        requestJson: input.requestJson,
        endorsementNo: input.endorsementNo ?? null,
        invoiceNo: input.invoiceNo ?? null,
        invoiceMonth: input.invoiceMonth ?? null,
        now,
      });
  }

  markDeclared(key: string, cesceRef: string | null, endorsementNo?: string | null): void {
    this.stmt(
        `UPDATE items SET state = 'declared', cesce_ref = ?, endorsement_no = COALESCE(?, endorsement_no), http_status = NULL,
           kb_id = NULL, last_error = NULL, written_back = 0, updated_at = ? WHERE key = ?`,
      )
      .run(cesceRef, endorsementNo ?? null, this.now(), key);
  }

  markRejected(key: string, httpStatus: number, kbId: string, message: string): void {
    this.stmt(`UPDATE items SET state = 'rejected', http_status = ?, kb_id = ?, last_error = ?, updated_at = ? WHERE key = ?`)
      .run(httpStatus, kbId, message, this.now(), key);
  }

  markFailed(key: string, message: string, httpStatus: number | null = null, kbId: string | null = null): void {
    this.stmt(`UPDATE items SET state = 'failed', http_status = ?, kb_id = ?, last_error = ?, updated_at = ? WHERE key = ?`)
      .run(httpStatus, kbId, message, this.now(), key);
  }

  /** Removes a `sending` row that reconciliation proved never reached Cesce, so it is planned again. */
  forget(key: string): void {
    this.stmt(`DELETE FROM items WHERE key = ? AND state IN ('sending', 'failed')`).run(key);
  }

  markWrittenBack(key: string): void {
    this.stmt('UPDATE items SET written_back = 1, updated_at = ? WHERE key = ?').run(this.now(), key);
  }

  startRun(dryRun: boolean): number {
    this.currentRun = Number(this.stmt('INSERT INTO runs (started_at, dry_run) VALUES (?, ?)').run(this.now(), dryRun ? 1 : 0).lastInsertRowid);
    return this.currentRun;
  }

  private currentRun: number | undefined;

  /** The customers a run read (name and tax code), so operators see names, not ERP ids. */
  recordDebtors(contractNo: string, debtors: readonly { erpId: string; name: string; taxCode: string | null }[]): void {
    const upsert = this.stmt(
      `INSERT INTO debtors (contract_no, erp_id, name, tax_code) VALUES (?, ?, ?, ?)
       ON CONFLICT (contract_no, erp_id) DO UPDATE SET name = excluded.name, tax_code = excluded.tax_code
       WHERE debtors.name IS NOT excluded.name OR debtors.tax_code IS NOT excluded.tax_code`,
    );
    this.db.transaction(() => {
      for (const d of debtors) upsert.run(contractNo, d.erpId, d.name, d.taxCode);
    })();
  }

  /** Customer names recorded by `recordDebtors`, by ERP id (empty for older ledgers). */
  debtorNames(): Map<string, { name: string; taxCode: string | null }> {
    if (!this.hasTable('debtors')) return new Map();
    const rows = this.stmt('SELECT erp_id, name, tax_code FROM debtors').all() as { erp_id: string; name: string; tax_code: string | null }[];
    return new Map(rows.map((r) => [r.erp_id, { name: r.name, taxCode: r.tax_code }]));
  }

  /** Ends this process's unfinished run with the error that stopped it (`cesce status` shows it). */
  failRun(error: string): void {
    if (this.currentRun === undefined || this.readonly) return;
    this.stmt('UPDATE runs SET finished_at = ?, summary_json = ? WHERE id = ? AND finished_at IS NULL').run(this.now(), JSON.stringify({ error }), this.currentRun);
  }

  finishRun(id: number, summary: unknown): void {
    this.stmt('UPDATE runs SET finished_at = ?, summary_json = ? WHERE id = ?').run(this.now(), JSON.stringify(summary), id);
  }

  /**
   * Takes the ledger for this process, so two `cesce sync` runs on one ledger never both send.
   * A lock left by a process that no longer exists on this host (killed) is taken over.
   */
  acquireLock(): void {
    const take = this.db.transaction(() => {
      const held = this.stmt('SELECT pid, host, acquired_at FROM lock WHERE id = 1').get() as
        | { pid: number; host: string; acquired_at: string }
        | undefined;
      if (held && !(held.host === hostname() && (held.pid === process.pid || !processAlive(held.pid)))) {
        throw new CesceConnectError(
          'ledger_locked',
          `The ledger ${this.file} is in use by another cesce sync (pid ${held.pid} on ${held.host}, since ${held.acquired_at}).`,
          { hint: 'Wait for that run to finish. If it is gone (e.g. its machine was restarted), run `cesce sync` again with --force-unlock.' },
        );
      }
      this.stmt('INSERT INTO lock (id, pid, host, acquired_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host, acquired_at = excluded.acquired_at')
        .run(process.pid, hostname(), this.now());
    });
    take.immediate();
    this.lockHeld = true;
  }

  /**
   * Drops a lock left by a run whose machine is gone. Refuses while the holder still runs on this
   * host: taking a ledger from a live run would let both send.
   */
  forceUnlock(): void {
    const held = this.stmt('SELECT pid, host FROM lock WHERE id = 1').get() as { pid: number; host: string } | undefined;
    if (held && held.host === hostname() && held.pid !== process.pid && processAlive(held.pid)) {
      throw new CesceConnectError('ledger_locked', `The ledger ${this.file} is in use by a cesce sync that is still running (pid ${held.pid} on this machine).`, {
        hint: 'Stop that run first (Ctrl-C or kill); --force-unlock is only for a lock left by a machine that is gone.',
      });
    }
    this.stmt('DELETE FROM lock').run();
  }

  releaseLock(): void {
    this.lockHeld = false;
    this.stmt('DELETE FROM lock WHERE id = 1 AND pid = ? AND host = ?').run(process.pid, hostname());
  }

  private lockHeld = false;

  /** Before each send: the lock must still be this process's (nobody forced it away). */
  private assertLockHeld(): void {
    if (!this.lockHeld) return;
    const held = this.stmt('SELECT pid, host FROM lock WHERE id = 1').get() as { pid: number; host: string } | undefined;
    if (!held || held.pid !== process.pid || held.host !== hostname()) {
      this.lockHeld = false;
      throw new CesceConnectError('ledger_lock_lost', `This run lost the lock on the ledger ${this.file} (it was forced by another run); it stops sending.`, {
        hint: 'Let the other run finish; the next run reconciles what was in flight.',
      });
    }
  }

  /**
   * Keeps the request/response pairs exchanged with Cesce for one item (already redacted by core's
   * recorder). Call it inside `transaction` with the item's outcome, so both are written at once.
   */
  recordExchanges(key: string, exchanges: readonly Exchange[]): void {
    if (exchanges.length === 0) return;
    const insert = this.stmt(
      `INSERT INTO exchanges (item_key, at, operation, method, url, status, duration_ms, request_body, response_body, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const e of exchanges) {
        insert.run(key, e.at, e.operation, e.method, e.url, e.status, e.durationMs, e.requestBody, e.responseBody, e.error);
      }
    })();
  }

  /** The exchanges kept for an item, oldest first (empty for ledgers older than the audit trail). */
  exchanges(key: string): StoredExchange[] {
    if (!this.hasTable('exchanges')) return [];
    const rows = this.stmt('SELECT * FROM exchanges WHERE item_key = ? ORDER BY id').all(key) as {
      id: number;
      item_key: string;
      at: string;
      operation: string;
      method: string;
      url: string;
      status: number | null;
      duration_ms: number;
      request_body: string | null;
      response_body: string | null;
      error: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      itemKey: r.item_key,
      at: r.at,
      operation: r.operation,
      method: r.method,
      url: r.url,
      status: r.status,
      durationMs: r.duration_ms,
      requestBody: r.request_body,
      responseBody: r.response_body,
      error: r.error,
    }));
  }

  /** Runs `fn` in one transaction (one write to disk): an item's outcome with its exchanges. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * The SQLite connection, for the operator queries (`operator.ts`: status, export, retry) that
   * live beside this class. Not part of the public API.
   * @internal
   */
  get database(): Database.Database {
    return this.db;
  }

  /**
   * Runs `fn` as one transaction flushed to disk before it returns (synchronous = FULL): for the
   * rows written before a Cesce call, so that a power cut cannot lose the trace of a send. Other
   * writes are NORMAL (safe from a killed process; flushed by the next durable write, as the WAL is
   * written in order), and what they record is reconciled at Cesce if a power cut loses it.
   */
  private durably(fn: () => void): void {
    this.db.pragma('synchronous = FULL');
    try {
      this.db.transaction(fn)();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** Prepared statements, compiled once per ledger (a run prepares the same few thousands of times). */
  private readonly statements = new Map<string, Database.Statement>();
  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}

function retryWhileBusy(step: () => void, timeoutMs = 10_000): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      step();
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 20 + Math.floor(Math.random() * 30));
    }
  }
}

/** Throws when a folder on the way to `file` is a regular file (the real run could not create it). */
function assertCreatable(file: string): void {
  let dir = dirname(file);
  while (!existsSync(dir)) {
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
}

/**
 * Creates a new ledger file owner-only before SQLite opens it: SQLite gives its -wal and -shm
 * files the database file's permissions, whatever the umask.
 */
function createOwnerOnly(file: string): void {
  if (existsSync(file)) return;
  try {
    closeSync(openSync(file, 'wx', LEDGER_FILE_MODE));
  } catch (error) {
    // Created meanwhile by another run: checked like any existing ledger.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * An existing ledger (or its -wal/-shm) readable by others is tightened to owner-only: it holds the
 * policy's declarations and the audit trail of every call. Returns a notice for each file changed,
 * or a warning when one cannot be changed (owned by another user).
 */
function tightenToOwner(file: string): string[] {
  const notices: string[] = [];
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    let mode: number;
    try {
      mode = statSync(f).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) === 0) continue;
    try {
      chmodSync(f, mode & 0o700);
      notices.push(`${f} was readable by other users (mode ${mode.toString(8)}); its permissions are now owner-only (${(mode & 0o700).toString(8)}).`);
    } catch (error) {
      notices.push(`${f} is readable by other users (mode ${mode.toString(8)}) and could not be made owner-only (${(error as NodeJS.ErrnoException).code ?? 'error'}): run chmod 600 on it.`);
    }
  }
  return notices;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
