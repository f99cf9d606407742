import type {
  ClassificationWriteBack,
  Debtor,
  DocumentQuery,
  ErpDescription,
  ErpSource,
  SaleDocument,
  SaleWriteBack,
} from '@cesce-connect/core';

/**
 * An in-memory `ErpSource` for tests of the sync engine: the neutral model as an ERP connector
 * would produce it, plus a record of what was written back.
 */
export class MemorySource implements ErpSource {
  readonly classificationWrites: ClassificationWriteBack[] = [];
  readonly saleWrites: SaleWriteBack[] = [];
  failWritesFor = new Set<string>();

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
    for (const d of this.documentList) if (!query.fromDate || d.invoiceDate >= query.fromDate) yield d;
  }

  async writeClassification(update: ClassificationWriteBack): Promise<void> {
    if (this.failWritesFor.has(update.debtorErpId)) throw new Error(`write refused for partner ${update.debtorErpId}`);
    this.classificationWrites.push(update);
  }

  async writeSale(update: SaleWriteBack): Promise<void> {
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
