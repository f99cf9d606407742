import { ErpError } from '@cesce-connect/core';
import type {
  ClassificationWriteBack,
  Debtor,
  DocumentQuery,
  ErpDescription,
  ErpSource,
  ErpSourceCapabilities,
  SaleDocument,
  SaleWriteBack,
} from '@cesce-connect/core';

/** Change order of the tests' documents: stamp, then (integer) id, as Odoo sorts `write_date, id`. */
function changeOrder(a: { updatedAt: string; erpId: string }, b: { updatedAt: string; erpId: string }): number {
  return a.updatedAt.localeCompare(b.updatedAt) || Number(a.erpId) - Number(b.erpId);
}

/** Moves an ERP stamp `YYYY-MM-DD HH:MM:SS` (UTC) back by some seconds. */
function secondsBefore(stamp: string, seconds: number): string {
  const t = new Date(`${stamp.replace(' ', 'T')}Z`).getTime() - seconds * 1000;
  return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * An in-memory `ErpSource` for tests of the sync engine: the neutral model as an ERP connector
 * would produce it, plus a record of what was read and written back. Reads in full unless
 * `capabilities.incremental` is set; then `changedSince` reads like a real connector: documents
 * after the watermark pair in change order, plus those stamped within `overlapSeconds` before it.
 */
export class MemorySource implements ErpSource {
  readonly classificationWrites: ClassificationWriteBack[] = [];
  readonly saleWrites: SaleWriteBack[] = [];
  failWritesFor = new Set<string>();
  /** When set, every write fails as an ERP that does not answer (ErpError timeout). */
  unreachable = false;
  /** Write attempts, failed ones included. */
  writeAttempts = 0;
  capabilities: ErpSourceCapabilities | undefined;
  /** The re-read window before the watermark (changes committed late by long transactions). */
  overlapSeconds = 0;
  readonly queries: DocumentQuery[] = [];
  readonly idReads: string[][] = [];

  constructor(
    public debtorList: Debtor[],
    public documentList: SaleDocument[],
  ) {}

  async connect(): Promise<ErpDescription> {
    return {
      system: 'memory',
      version: '1',
      url: 'memory://',
      company: { id: '1', name: 'Industrias Demo Levante SL', taxCode: 'B65410011', currency: 'EUR' },
    };
  }

  async *debtors(): AsyncIterable<Debtor> {
    yield* this.debtorList;
  }

  async *documents(query: DocumentQuery = {}): AsyncIterable<SaleDocument> {
    this.queries.push(query);
    const since = this.capabilities?.incremental ? query.changedSince : undefined;
    const overlapFrom = since && this.overlapSeconds > 0 ? secondsBefore(since.updatedAt, this.overlapSeconds) : null;
    const changed = (d: SaleDocument) =>
      !since ||
      (d.updatedAt !== null && (changeOrder({ updatedAt: d.updatedAt, erpId: d.erpId }, since) > 0 || (overlapFrom !== null && d.updatedAt >= overlapFrom)));
    const found = this.documentList.filter((d) => (!query.fromDate || d.invoiceDate >= query.fromDate) && changed(d));
    if (since) found.sort((a, b) => changeOrder({ updatedAt: a.updatedAt!, erpId: a.erpId }, { updatedAt: b.updatedAt!, erpId: b.erpId }));
    yield* found;
  }

  async *documentsByIds(erpIds: readonly string[]): AsyncIterable<SaleDocument> {
    this.idReads.push([...erpIds]);
    const wanted = new Set(erpIds);
    yield* this.documentList.filter((d) => wanted.has(d.erpId));
  }

  async writeClassification(update: ClassificationWriteBack): Promise<void> {
    this.writeAttempts += 1;
    if (this.unreachable) throw new ErpError('memory', 'timeout', `the ERP did not answer the write of partner ${update.debtorErpId}`);
    if (this.failWritesFor.has(update.debtorErpId)) throw new Error(`write refused for partner ${update.debtorErpId}`);
    this.classificationWrites.push(update);
  }

  async writeSale(update: SaleWriteBack): Promise<void> {
    this.writeAttempts += 1;
    if (this.unreachable) throw new ErpError('memory', 'timeout', `the ERP did not answer the write of move ${update.documentErpId}`);
    if (this.failWritesFor.has(update.documentErpId)) throw new Error(`write refused for move ${update.documentErpId}`);
    this.saleWrites.push(update);
  }

  async close(): Promise<void> {}
}

export function debtor(erpId: string, over: Partial<Debtor> = {}): Debtor {
  return {
    erpId,
    ref: `res.partner,${erpId} Cliente ${erpId}`,
    name: `Cliente ${erpId} SL`,
    taxCode: null,
    countryCode: 'ES',
    customerReference: erpId,
    address: { street: null, city: 'Valencia', postalCode: null, state: null, countryCode: 'ES' },
    requestedCreditLimit: null,
    requestedPaymentTermDays: null,
    active: true,
    issues: [],
    ...over,
  };
}

export function invoice(erpId: string, debtorErpId: string, over: Partial<SaleDocument> = {}): SaleDocument {
  const number = over.number ?? `INV/2026/${erpId.padStart(5, '0')}`;
  return {
    kind: 'invoice',
    erpId,
    number,
    ref: `account.move,${erpId} ${number}`,
    debtorErpId,
    invoiceDate: '2026-10-01',
    dueDate: '2026-11-30',
    total: { currency: 'EUR', amount: '1210.00' },
    originErpId: null,
    originNumber: null,
    updatedAt: null,
    issues: [],
    ...over,
  };
}

export function creditNote(erpId: string, debtorErpId: string, origin: SaleDocument | null, over: Partial<SaleDocument> = {}): SaleDocument {
  const number = over.number ?? `RINV/2026/${erpId.padStart(5, '0')}`;
  return invoice(erpId, debtorErpId, {
    kind: 'credit_note',
    number,
    ref: `account.move,${erpId} ${number}`,
    invoiceDate: '2026-10-15',
    total: { currency: 'EUR', amount: '121.00' },
    originErpId: origin?.erpId ?? null,
    originNumber: origin?.number ?? null,
    issues: origin
      ? []
      : [{ record: `account.move,${erpId}`, field: 'reversed_entry_id', message: 'credit note has no origin invoice', severity: 'blocking' }],
    ...over,
  });
}
