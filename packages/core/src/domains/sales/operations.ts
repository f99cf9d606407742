import type { CesceHttp } from '../../http/cesce-http.js';
import { fromCesceDate, toCesceDate } from '../../dates.js';
import { fromCesceDecimal, money, toCesceDecimal, type Money } from '../../money.js';
import {
  createSaleResponseSchema,
  saleConsultResponseSchema,
  salesListResponseSchema,
  type CreateSaleRequest,
  type SaleRecord,
} from './schemas.js';

export interface Sale {
  saleCesceReferenceNo: string;
  endorsementNo: string;
  invoiceNo: string;
  invoiceDate: string;
  dueDate: string;
  /** Signed: negative for credit notes. */
  amount: Money;
  originalInvoiceNo: string | null;
  declarationDate: string | null;
  customerReference: string | null;
}

export interface DeclareSaleInput {
  endorsementNo: string;
  taxCode?: string | null | undefined;
  countryCode?: string | null | undefined;
  customerReference?: string | null | undefined;
  invoiceNo: string;
  invoiceDate: string;
  dueDate: string;
  /** Signed amount: a credit note is a negative sale ([support-page]). */
  amount: Money;
  originalInvoiceNo?: string | null | undefined;
}

export interface SalesListFilter {
  endorsementNo?: string | undefined;
  /** `YYYY-MM` or `YYYYMM`. */
  invoiceMonth?: string | undefined;
  pageSize?: number | undefined;
}

export function parseSaleRecord(r: SaleRecord): Sale {
  return {
    saleCesceReferenceNo: r.saleCesceReferenceNo,
    endorsementNo: r.endorsementNo,
    invoiceNo: r.invoiceNo,
    invoiceDate: fromCesceDate(r.invoiceDate) ?? '',
    dueDate: fromCesceDate(r.dueDate) ?? '',
    amount: money(r.currencyCode, fromCesceDecimal(r.amount), 2),
    originalInvoiceNo: r.originalInvoiceNo?.trim() || null,
    declarationDate: fromCesceDate(r.declarationDate),
    customerReference: r.customerReference?.trim() || null,
  };
}

export function toCreateSaleRequest(input: DeclareSaleInput): CreateSaleRequest {
  const body: CreateSaleRequest = {
    endorsementNo: input.endorsementNo,
    invoiceNo: input.invoiceNo,
    invoiceDate: toCesceDate(input.invoiceDate),
    dueDate: toCesceDate(input.dueDate),
    amount: toCesceDecimal(input.amount.amount, 2),
    currencyCode: input.amount.currency,
  };
  if (input.taxCode) body.taxCode = input.taxCode;
  if (input.countryCode) body.countryCode = input.countryCode;
  if (input.customerReference) body.customerReference = input.customerReference;
  if (input.originalInvoiceNo) body.originalInvoiceNo = input.originalInvoiceNo;
  return body;
}

/** Sales API ([portal] paths; bodies and list parameters [inferred]). */
export class SalesApi {
  constructor(private readonly http: CesceHttp) {}

  /** Declare a sale (or, with a negative amount, a credit note). Never retried blindly. */
  async declare(input: DeclareSaleInput): Promise<Sale> {
    const body = await this.http.request({
      operation: 'sales.create',
      method: 'post',
      api: 'sales',
      path: 'sales',
      json: toCreateSaleRequest(input),
      schema: createSaleResponseSchema,
    });
    return parseSaleRecord(body.sale);
  }

  /** One page of the Sales List. */
  async listPage(filter: SalesListFilter, pageNo: number): Promise<{ sales: Sale[]; totalPages: number; totalElements: number }> {
    const body = await this.http.request({
      operation: 'sales.list',
      method: 'get',
      api: 'sales',
      path: 'sales',
      searchParams: {
        endorsementNo: filter.endorsementNo,
        invoiceMonth: filter.invoiceMonth?.replace('-', ''),
        pageNo,
        pageSize: filter.pageSize ?? 100,
      },
      schema: salesListResponseSchema,
    });
    return {
      sales: (body.sales ?? []).map(parseSaleRecord),
      totalPages: body.pagination.totalPages,
      totalElements: body.pagination.totalElements,
    };
  }

  /** Every sale matching the filter, page after page: `for await (const sale of client.sales.list(...))`. */
  async *list(filter: SalesListFilter = {}): AsyncGenerator<Sale> {
    for (let pageNo = 1; ; pageNo++) {
      const page = await this.listPage(filter, pageNo);
      yield* page.sales;
      if (pageNo >= page.totalPages || page.sales.length === 0) return;
    }
  }

  /** Sale Consult by Cesce reference. */
  async consult(saleCesceReferenceNo: string): Promise<Sale> {
    const body = await this.http.request({
      operation: 'sales.consult',
      method: 'get',
      api: 'sales',
      path: 'sale',
      searchParams: { saleCesceReferenceNo },
      schema: saleConsultResponseSchema,
    });
    return parseSaleRecord(body.sale);
  }
}
