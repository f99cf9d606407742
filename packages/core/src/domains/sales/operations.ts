import type { CesceHttp } from '../../http/cesce-http.js';
import { fromCesceDate, toCesceDate } from '../../dates.js';
import { fromCesceDecimal, money, toCesceDecimal, type Money } from '../../money.js';
import { ValidationError } from '../../errors.js';
import {
  createSaleResponseSchema,
  modifySaleResponseSchema,
  saleConsultResponseSchema,
  salesListResponseSchema,
  subsidiariesResponseSchema,
  type CreateSaleRequest,
  type ModifySaleRequest,
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
  subsidiaryCode: string | null;
  /** Prórroga: the unpaid amount of the original invoice; null on other sales. */
  maturityAmount: Money | null;
  /** Prórroga: the sale it extends ([inferred] field). */
  originalSaleCesceReferenceNo: string | null;
  /** Date of the last correction ([inferred] field). */
  modificationDate: string | null;
}

/** Modify Sale as a correction: the fields to correct; at least one. The debtor cannot be changed. */
export interface SaleCorrection {
  invoiceNo?: string | undefined;
  invoiceDate?: string | undefined;
  dueDate?: string | undefined;
  /** Corrected amount; its sign cannot change (a sale does not become a credit note). */
  amount?: Money | undefined;
  customerReference?: string | undefined;
  subsidiaryCode?: string | undefined;
}

/** Prórroga (venta prorrogada): a new sale extending a declared one. */
export interface SaleExtension {
  /** The new due date, YYYY-MM-DD. */
  dueDate: string;
  /** Unpaid amount of the original invoice; never above the invoice amount ([support-page]). */
  maturityAmount: Money;
}

export interface Subsidiary {
  /** Cesce's internal code of the filial (sent as a sale's `subsidiaryCode`). */
  code: string;
  name: string | null;
  taxCode: string | null;
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
    subsidiaryCode: r.subsidiaryCode?.trim() || null,
    maturityAmount: r.maturityAmount?.trim() ? money(r.currencyCode, fromCesceDecimal(r.maturityAmount), 2) : null,
    originalSaleCesceReferenceNo: r.originalSaleCesceReferenceNo?.trim() || null,
    modificationDate: fromCesceDate(r.modificationDate),
  };
}

/** Builds the Modify Sale body of a correction; refuses an empty correction before any call. */
export function toSaleCorrectionRequest(saleCesceReferenceNo: string, correction: SaleCorrection): ModifySaleRequest {
  const body: ModifySaleRequest = { saleCesceReferenceNo, extensionInd: 'N' };
  if (correction.invoiceNo) body.invoiceNo = correction.invoiceNo;
  if (correction.invoiceDate) body.invoiceDate = toCesceDate(correction.invoiceDate);
  if (correction.dueDate) body.dueDate = toCesceDate(correction.dueDate);
  if (correction.amount) {
    body.amount = toCesceDecimal(correction.amount.amount, 2);
    body.currencyCode = correction.amount.currency;
  }
  if (correction.customerReference) body.customerReference = correction.customerReference;
  if (correction.subsidiaryCode) body.subsidiaryCode = correction.subsidiaryCode;
  if (Object.keys(body).length === 2) {
    throw new ValidationError('correction', 'a sale correction needs at least one field to correct', { record: saleCesceReferenceNo });
  }
  return body;
}

/** Builds the Modify Sale body of a prórroga. */
export function toSaleExtensionRequest(saleCesceReferenceNo: string, extension: SaleExtension): ModifySaleRequest {
  return {
    saleCesceReferenceNo,
    extensionInd: 'S',
    dueDate: toCesceDate(extension.dueDate),
    maturityAmount: toCesceDecimal(extension.maturityAmount.amount, 2),
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

  /**
   * Modify Sale, as a correction of errors only ([support-page]): the same sale, same
   * `saleCesceReferenceNo`, with the given fields corrected. Needs scope `update`. Never retried blindly.
   */
  async modify(saleCesceReferenceNo: string, correction: SaleCorrection): Promise<Sale> {
    const body = await this.http.request({
      operation: 'sales.modify',
      method: 'post',
      api: 'sales',
      path: 'sale',
      json: toSaleCorrectionRequest(saleCesceReferenceNo, correction),
      schema: modifySaleResponseSchema,
    });
    return parseSaleRecord(body.sale);
  }

  /**
   * Prórroga (extend a sale): Cesce creates a NEW sale with its own `saleCesceReferenceNo` and
   * premium, carrying `maturityAmount`, the unpaid amount of the original invoice, which may never
   * exceed it ([support-page]). Sent through Modify Sale with `extensionInd: "S"` ([inferred]).
   * Returns the new sale.
   */
  async prorogue(saleCesceReferenceNo: string, extension: SaleExtension): Promise<Sale> {
    const body = await this.http.request({
      operation: 'sales.modify',
      method: 'post',
      api: 'sales',
      path: 'sale',
      json: toSaleExtensionRequest(saleCesceReferenceNo, extension),
      schema: modifySaleResponseSchema,
    });
    return parseSaleRecord(body.sale);
  }

  /** Subsidiaries List: Cesce's codes of the policyholder's filiales active now ([portal]). */
  async subsidiaries(): Promise<Subsidiary[]> {
    const body = await this.http.request({
      operation: 'sales.subsidiaries',
      method: 'get',
      api: 'sales',
      path: 'subsidiaries',
      schema: subsidiariesResponseSchema,
    });
    return (body.subsidiaries ?? []).map((s) => ({
      code: s.subsidiaryCode,
      name: s.companyName?.trim() || null,
      taxCode: s.taxCode?.trim() || null,
    }));
  }
}
