import type { ClassificationWriteBack, Debtor, ErpDescription, SaleDocument, SaleWriteBack } from './model.js';

export interface DocumentQuery {
  /** Only documents with an invoice date on or after this `YYYY-MM-DD`. */
  fromDate?: string | undefined;
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
  writeClassification(update: ClassificationWriteBack): Promise<void>;
  writeSale(update: SaleWriteBack): Promise<void>;
  close(): Promise<void>;
}
