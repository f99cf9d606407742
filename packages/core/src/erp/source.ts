import type { ClassificationWriteBack, Debtor, ErpDescription, SaleDocument, SaleWriteBack } from './model.js';

export interface ErpSourceCapabilities {
  /** `documents({ changedSince })` and `documentsByIds` are implemented. */
  incremental?: boolean | undefined;
  /**
   * A stable identity of the data this source reads (system, URL, database, company), so a
   * watermark stored for one database is never used against another.
   */
  scope?: string | undefined;
  /**
   * False when the source cannot write Cesce's answers back into the ERP (e.g. a read-only SOAP
   * profile): the engine then settles write-backs without calling `writeClassification` /
   * `writeSale`, and the report counts none. Default true.
   */
  writeBack?: boolean | undefined;
}

/**
 * A position in the ERP's change order: documents are read ordered by (`updatedAt`, `erpId`),
 * and a watermark is the last pair a completed run saw. Both are the ERP's own stamps, compared
 * as the ERP compares them (Odoo: UTC `YYYY-MM-DD HH:MM:SS` strings and integer ids).
 */
export interface ChangeWatermark {
  updatedAt: string;
  erpId: string;
}

/**
 * Orders two positions in the ERP's change order: `updatedAt` as strings (the ERP's own sortable
 * stamps), then `erpId`, numerically when both are integers.
 */
export function compareWatermarks(a: ChangeWatermark, b: ChangeWatermark): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? -1 : 1;
  if (/^\d+$/.test(a.erpId) && /^\d+$/.test(b.erpId)) {
    const x = BigInt(a.erpId);
    const y = BigInt(b.erpId);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  return a.erpId === b.erpId ? 0 : a.erpId < b.erpId ? -1 : 1;
}

export interface DocumentQuery {
  /** Only documents with an invoice date on or after this `YYYY-MM-DD`. */
  fromDate?: string | undefined;
  /**
   * Incremental read: only documents changed at or after this watermark, in change order
   * (`updatedAt` asc, then `erpId` asc). The source itself re-reads an overlap window before the
   * watermark (changes committed late by long transactions), so callers must treat documents
   * they already settled as no-ops. Only honoured when `capabilities.incremental` is true.
   */
  changedSince?: ChangeWatermark | undefined;
}

/**
 * What every ERP connector provides. `sync` depends only on this interface; connectors never
 * import `sync`. Reads are streamed page by page as async iterables.
 */
export interface ErpSource {
  /** Connects and authenticates; returns what was connected to. */
  connect(): Promise<ErpDescription>;
  /** Every customer of the configured company (commercial entities, archived ones included). */
  debtors(): AsyncIterable<Debtor>;
  /** Posted customer invoices and credit notes of the configured company. */
  documents(query?: DocumentQuery): AsyncIterable<SaleDocument>;
  /**
   * Documents by ERP key, in any order; keys that no longer denote a posted customer document of
   * the company are simply absent. Used by incremental runs to re-read the documents that are
   * still open (waiting for a classification, failed, unlinked credit notes).
   */
  documentsByIds?(erpIds: readonly string[]): AsyncIterable<SaleDocument>;
  /** What this source supports beyond the required reads. */
  readonly capabilities?: ErpSourceCapabilities | undefined;
  writeClassification(update: ClassificationWriteBack): Promise<void>;
  writeSale(update: SaleWriteBack): Promise<void>;
  close(): Promise<void>;
}
