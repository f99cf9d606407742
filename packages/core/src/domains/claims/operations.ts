import type { z } from 'zod';
import type { CesceHttp } from '../../http/cesce-http.js';
import type { OperationId } from '../common.js';
import { fromCesceDate } from '../../dates.js';
import { ValidationError } from '../../errors.js';
import { fromCesceDecimal, isNegative, isZero, money, toCesceDecimal, type Money } from '../../money.js';
import {
  datesPendingSettlementsResponseSchema,
  declareNonPaymentResponseSchema,
  dossierResponseSchema,
  dossiersListResponseSchema,
  documentsListResponseSchema,
  MAX_DOCUMENT_BYTES,
  NEW_DOSSIER_NO,
  nonPaymentResponseSchema,
  nonPaymentsListResponseSchema,
  processingStepsResponseSchema,
  recoveriesListResponseSchema,
  recoveryProceduresResponseSchema,
  settlementResponseSchema,
  settlementsListResponseSchema,
  unpaidSettlementsResponseSchema,
  uploadDocumentResponseSchema,
  type DeclareNonPaymentRequest,
  type DocumentRecord,
  type DossierRecord,
  type NonPaymentRecord,
  type RecoveryRecord,
  type SettlementRecord,
  type UploadDocumentRequest,
} from './schemas.js';

export interface Dossier {
  dossierNo: string;
  endorsementNo: string;
  taxCode: string | null;
  companyName: string | null;
  /** "A" open, "C" closed ([inferred] codes); unknown codes kept. */
  statusCode: string;
  open: boolean;
  openingDate: string;
  closingDate: string | null;
  declared: Money;
  settled: Money | null;
  recovered: Money | null;
}

export interface NonPayment {
  internalNo: string;
  dossierNo: string;
  saleCesceReferenceNo: string;
  invoiceNo: string | null;
  dueDate: string | null;
  unpaid: Money;
  nonPaymentInd: string;
  declarationDate: string;
  comments: string | null;
}

export interface Settlement {
  settlementNo: string;
  dossierNo: string;
  settlementDate: string;
  amount: Money;
  statusCode: string | null;
}

export interface Recovery {
  recoveryNo: string;
  dossierNo: string;
  recoveryDate: string;
  amount: Money;
}

export interface ClaimDocument {
  documentNo: string;
  dossierNo: string;
  fileName: string;
  mimeType: string | null;
  sizeBytes: number;
  uploadDate: string;
  description: string | null;
}

export interface DossierEvent {
  /** stepNo or procedureNo. */
  no: string;
  date: string;
  code: string;
  description: string | null;
}

export interface PendingSettlementDate {
  date: string;
  amount: Money | null;
  description: string | null;
}

export interface DeclareNonPaymentInput {
  /** The declared sale with the default. */
  saleCesceReferenceNo: string;
  /** Unpaid amount, > 0; never above what is still unpaid on the sale. */
  unpaid: Money;
  comments?: string | undefined;
}

export interface UploadDocumentInput {
  fileName: string;
  mimeType?: string | undefined;
  content: Uint8Array;
  description?: string | undefined;
}

export interface DossiersFilter {
  endorsementNo?: string | undefined;
  statusCode?: 'A' | 'C' | undefined;
  pageSize?: number | undefined;
}

const optMoney = (currency: string, text: string | null | undefined): Money | null =>
  text?.trim() ? money(currency, fromCesceDecimal(text), 2) : null;

export function parseDossierRecord(r: DossierRecord): Dossier {
  return {
    dossierNo: r.dossierNo,
    endorsementNo: r.endorsementNo,
    taxCode: r.taxCode?.trim() || null,
    companyName: r.companyName?.trim() || null,
    statusCode: r.statusCode,
    open: r.statusCode === 'A',
    openingDate: fromCesceDate(r.openingDate) ?? '',
    closingDate: fromCesceDate(r.closingDate),
    declared: money(r.currencyCode, fromCesceDecimal(r.declaredAmount), 2),
    settled: optMoney(r.currencyCode, r.settledAmount),
    recovered: optMoney(r.currencyCode, r.recoveredAmount),
  };
}

export function parseNonPaymentRecord(r: NonPaymentRecord): NonPayment {
  return {
    internalNo: r.internalNo,
    dossierNo: r.dossierNo,
    saleCesceReferenceNo: r.saleCesceReferenceNo,
    invoiceNo: r.invoiceNo?.trim() || null,
    dueDate: fromCesceDate(r.dueDate),
    unpaid: money(r.currencyCode, fromCesceDecimal(r.unpaidAmount), 2),
    nonPaymentInd: r.nonPaymentInd,
    declarationDate: fromCesceDate(r.declarationDate) ?? '',
    comments: r.comments?.trim() || null,
  };
}

export function parseSettlementRecord(r: SettlementRecord): Settlement {
  return {
    settlementNo: r.settlementNo,
    dossierNo: r.dossierNo,
    settlementDate: fromCesceDate(r.settlementDate) ?? '',
    amount: money(r.currencyCode, fromCesceDecimal(r.settledAmount), 2),
    statusCode: r.statusCode?.trim() || null,
  };
}

export function parseRecoveryRecord(r: RecoveryRecord): Recovery {
  return {
    recoveryNo: r.recoveryNo,
    dossierNo: r.dossierNo,
    recoveryDate: fromCesceDate(r.recoveryDate) ?? '',
    amount: money(r.currencyCode, fromCesceDecimal(r.recoveredAmount), 2),
  };
}

export function parseDocumentRecord(r: DocumentRecord): ClaimDocument {
  return {
    documentNo: r.documentNo,
    dossierNo: r.dossierNo,
    fileName: r.fileName,
    mimeType: r.mimeType?.trim() || null,
    sizeBytes: r.sizeBytes,
    uploadDate: fromCesceDate(r.uploadDate) ?? '',
    description: r.description?.trim() || null,
  };
}

export function toDeclareNonPaymentRequest(input: DeclareNonPaymentInput): DeclareNonPaymentRequest {
  if (isZero(input.unpaid.amount) || isNegative(input.unpaid.amount)) {
    throw new ValidationError('unpaid', `an unpaid amount must be greater than zero, got ${input.unpaid.amount}`);
  }
  if (!input.saleCesceReferenceNo.trim()) throw new ValidationError('saleCesceReferenceNo', 'the sale reference is required');
  return {
    nonPaymentInd: 'S',
    saleCesceReferenceNo: input.saleCesceReferenceNo,
    unpaidAmount: toCesceDecimal(input.unpaid.amount, 2),
    currencyCode: input.unpaid.currency,
    ...(input.comments ? { comments: input.comments } : {}),
  };
}

export function toUploadDocumentRequest(input: UploadDocumentInput): UploadDocumentRequest {
  if (input.content.byteLength > MAX_DOCUMENT_BYTES) {
    throw new ValidationError('content', `a document may not exceed ${MAX_DOCUMENT_BYTES} bytes, got ${input.content.byteLength}`);
  }
  if (!input.fileName.trim()) throw new ValidationError('fileName', 'a document needs a file name');
  return {
    fileName: input.fileName,
    ...(input.mimeType ? { mimeType: input.mimeType } : {}),
    content: Buffer.from(input.content).toString('base64'),
    ...(input.description ? { description: input.description } : {}),
  };
}

const seg = (s: string): string => encodeURIComponent(s);

/**
 * Claims API ([portal] operations and paths; base path, fields, parameters, pagination and the
 * upload path [inferred]).
 */
export class ClaimsApi {
  constructor(private readonly http: CesceHttp) {}

  private get<S extends z.ZodType>(operation: OperationId, path: string, schema: S, searchParams?: Record<string, string | number | undefined>) {
    return this.http.request({ operation, method: 'get', api: 'claims', path, schema, ...(searchParams ? { searchParams } : {}) });
  }

  /** One page of "List of covered debt dossiers". */
  async listDossiersPage(filter: DossiersFilter, pageNo: number): Promise<{ dossiers: Dossier[]; totalPages: number; totalElements: number }> {
    const body = await this.get('claims.dossiers', 'dossiers', dossiersListResponseSchema, {
      endorsementNo: filter.endorsementNo,
      statusCode: filter.statusCode,
      pageNo,
      pageSize: filter.pageSize ?? 100,
    });
    return {
      dossiers: (body.dossiers ?? []).map(parseDossierRecord),
      totalPages: body.pagination.totalPages,
      totalElements: body.pagination.totalElements,
    };
  }

  /** Every dossier matching the filter, page after page. */
  async *listDossiers(filter: DossiersFilter = {}): AsyncGenerator<Dossier> {
    for (let pageNo = 1; ; pageNo++) {
      const page = await this.listDossiersPage(filter, pageNo);
      yield* page.dossiers;
      if (pageNo >= page.totalPages || page.dossiers.length === 0) return;
    }
  }

  /** "Consultation of a claim file". */
  async dossier(dossierNo: string): Promise<Dossier> {
    const body = await this.get('claims.dossier', `dossiers/${seg(dossierNo)}`, dossierResponseSchema);
    return parseDossierRecord(body.dossier);
  }

  async nonPayments(dossierNo: string): Promise<NonPayment[]> {
    const body = await this.get('claims.nonPayments', `dossiers/${seg(dossierNo)}/non-payments`, nonPaymentsListResponseSchema);
    return (body.nonPayments ?? []).map(parseNonPaymentRecord);
  }

  async nonPayment(dossierNo: string, internalNo: string): Promise<NonPayment> {
    const body = await this.get('claims.nonPayment', `dossiers/${seg(dossierNo)}/non-payments/${seg(internalNo)}`, nonPaymentResponseSchema);
    return parseNonPaymentRecord(body.nonPayment);
  }

  /**
   * "Declaration of defaults": the aviso de impago of a declared sale, with `nonPaymentInd: "S"`.
   * Without `dossierNo` (or with "0") a new dossier is opened for the sale's debtor ([inferred]).
   * Needs scope `create`. Never retried blindly.
   */
  async declareNonPayment(input: DeclareNonPaymentInput, dossierNo: string = NEW_DOSSIER_NO): Promise<{ dossier: Dossier; nonPayment: NonPayment }> {
    const body = await this.http.request({
      operation: 'claims.declareNonPayment',
      method: 'post',
      api: 'claims',
      path: `dossiers/${seg(dossierNo)}/non-payments`,
      json: toDeclareNonPaymentRequest(input),
      schema: declareNonPaymentResponseSchema,
    });
    return { dossier: parseDossierRecord(body.dossier), nonPayment: parseNonPaymentRecord(body.nonPayment) };
  }

  async settlements(): Promise<Settlement[]> {
    const body = await this.get('claims.settlements', 'settlements', settlementsListResponseSchema);
    return (body.settlements ?? []).map(parseSettlementRecord);
  }

  async settlement(settlementNo: string): Promise<Settlement> {
    const body = await this.get('claims.settlement', `settlements/${seg(settlementNo)}`, settlementResponseSchema);
    return parseSettlementRecord(body.settlement);
  }

  /** "Consultation of payment defaults": the non-payments a settlement covers. */
  async unpaidSettlements(settlementNo: string): Promise<NonPayment[]> {
    const body = await this.get('claims.unpaidSettlements', `settlements/${seg(settlementNo)}/unpaid-settlements`, unpaidSettlementsResponseSchema);
    return (body.nonPayments ?? []).map(parseNonPaymentRecord);
  }

  /** Recoveries of a dossier (published path `dossiers{dossierNo}/recoveries` normalised). */
  async recoveries(dossierNo: string): Promise<Recovery[]> {
    const body = await this.get('claims.recoveries', `dossiers/${seg(dossierNo)}/recoveries`, recoveriesListResponseSchema);
    return (body.recoveries ?? []).map(parseRecoveryRecord);
  }

  /** Documents of a dossier: GET /contracts/{c}/documents?dossierNo= ([portal] path; parameter [inferred]). */
  async documents(dossierNo: string): Promise<ClaimDocument[]> {
    const body = await this.get('claims.documents', 'documents', documentsListResponseSchema, { dossierNo });
    return (body.documents ?? []).map(parseDocumentRecord);
  }

  /** "Contribution of documents" ([inferred] path and base64-in-JSON encoding). Needs scope `create`. */
  async uploadDocument(dossierNo: string, input: UploadDocumentInput): Promise<ClaimDocument> {
    const body = await this.http.request({
      operation: 'claims.uploadDocument',
      method: 'post',
      api: 'claims',
      path: `dossiers/${seg(dossierNo)}/documents`,
      json: toUploadDocumentRequest(input),
      schema: uploadDocumentResponseSchema,
    });
    return parseDocumentRecord(body.document);
  }

  async processingSteps(dossierNo: string): Promise<DossierEvent[]> {
    const body = await this.get('claims.processingSteps', `dossiers/${seg(dossierNo)}/processing-steps`, processingStepsResponseSchema);
    return (body.processingSteps ?? []).map((s) => ({
      no: s.stepNo,
      date: fromCesceDate(s.stepDate) ?? '',
      code: s.stepCode,
      description: s.description?.trim() || null,
    }));
  }

  async recoveryProcedures(dossierNo: string): Promise<DossierEvent[]> {
    const body = await this.get('claims.recoveryProcedures', `dossiers/${seg(dossierNo)}/recovery-procedures`, recoveryProceduresResponseSchema);
    return (body.recoveryProcedures ?? []).map((s) => ({
      no: s.procedureNo,
      date: fromCesceDate(s.procedureDate) ?? '',
      code: s.procedureCode,
      description: s.description?.trim() || null,
    }));
  }

  async datesPendingSettlements(dossierNo: string): Promise<PendingSettlementDate[]> {
    const body = await this.get('claims.datesPendingSettlements', `dossiers/${seg(dossierNo)}/dates-pending-settlements`, datesPendingSettlementsResponseSchema);
    return (body.datesPendingSettlements ?? []).map((d) => ({
      date: fromCesceDate(d.pendingSettlementDate) ?? '',
      amount: d.currencyCode ? optMoney(d.currencyCode, d.pendingAmount) : null,
      description: d.description?.trim() || null,
    }));
  }
}
