import type { CesceHttp } from '../../http/cesce-http.js';
import { fromCesceDate, toCesceDate } from '../../dates.js';
import { ValidationError } from '../../errors.js';
import { fromCesceDecimal, isNegative, isZero, money, toCesceDecimal, type Money } from '../../money.js';
import { createCollectionResponseSchema, type CollectionRecord, type CreateCollectionRequest } from './schemas.js';

export interface Collection {
  collectionReferenceNo: string;
  saleCesceReferenceNo: string;
  endorsementNo: string;
  invoiceNo: string | null;
  collectionDate: string;
  amount: Money;
  /** Still unpaid on the sale after this collection, when Cesce says. */
  outstanding: Money | null;
  declarationDate: string | null;
}

export interface DeclareCollectionInput {
  /** The debtor: its suplemento number, or its tax id and country. */
  client:
    | { endorsementNo: string; taxCode?: string | undefined; countryCode?: string | undefined }
    | { endorsementNo?: string | undefined; taxCode: string; countryCode: string };
  /** The sale: its Cesce reference (preferred), or its invoice number and optionally its date. */
  sale: { saleCesceReferenceNo: string } | { invoiceNo: string; invoiceDate?: string | undefined };
  /** YYYY-MM-DD. */
  collectionDate: string;
  /** Amount collected, > 0; it cannot exceed what is still unpaid on the sale. */
  amount: Money;
}

export function parseCollectionRecord(r: CollectionRecord): Collection {
  const outstanding = (r.outstandingAmount ?? '').trim();
  return {
    collectionReferenceNo: r.collectionReferenceNo,
    saleCesceReferenceNo: r.saleCesceReferenceNo,
    endorsementNo: r.endorsementNo,
    invoiceNo: r.invoiceNo?.trim() || null,
    collectionDate: fromCesceDate(r.collectionDate) ?? '',
    amount: money(r.currencyCode, fromCesceDecimal(r.collectedAmount), 2),
    outstanding: outstanding ? money(r.currencyCode, fromCesceDecimal(outstanding), 2) : null,
    declarationDate: fromCesceDate(r.declarationDate),
  };
}

export function toCreateCollectionRequest(input: DeclareCollectionInput): CreateCollectionRequest {
  if (isZero(input.amount.amount) || isNegative(input.amount.amount)) {
    throw new ValidationError('amount', `a collected amount must be greater than zero, got ${input.amount.amount}`);
  }
  const c = input.client;
  const client: CreateCollectionRequest['client'] = {};
  if (c.endorsementNo) client.endorsementNo = c.endorsementNo;
  if (c.taxCode) client.taxCode = c.taxCode;
  if (c.countryCode) client.countryCode = c.countryCode;
  if (!client.endorsementNo && !client.taxCode) throw new ValidationError('client', 'the debtor needs an endorsementNo or a taxCode');
  const sale: CreateCollectionRequest['sale'] =
    'saleCesceReferenceNo' in input.sale
      ? { saleCesceReferenceNo: input.sale.saleCesceReferenceNo }
      : { invoiceNo: input.sale.invoiceNo, ...(input.sale.invoiceDate ? { invoiceDate: toCesceDate(input.sale.invoiceDate) } : {}) };
  return {
    client,
    sale,
    collectionDate: toCesceDate(input.collectionDate),
    collectedAmount: toCesceDecimal(input.amount.amount, 2),
    currencyCode: input.amount.currency,
  };
}

/** Collections API ([portal] path and required fields; base path and inner fields [inferred]). */
export class CollectionsApi {
  constructor(private readonly http: CesceHttp) {}

  /** Declares an amount collected on a declared sale. Needs scope `create`. Never retried blindly. */
  async declare(input: DeclareCollectionInput): Promise<Collection> {
    const body = await this.http.request({
      operation: 'collections.create',
      method: 'post',
      api: 'collections',
      path: 'collections',
      json: toCreateCollectionRequest(input),
      schema: createCollectionResponseSchema,
    });
    return parseCollectionRecord(body.collection);
  }
}
