import { z } from 'zod';
import { cesceDateSchema, cesceDecimalSchema, errorEnvelopeSchema, indicatorSchema } from '../common.js';

/**
 * Claims ("API for insured debt claims", [portal] node/3131, 1.0.1). The operation list and paths
 * are published (the stray space of "Consultation of a claim file" and the missing `/` of
 * "List of Recoveries of a file" are normalised); the base path `claims/v1`, every field name,
 * the list parameters, the pagination of the dossiers list, the document upload path and
 * encoding, and how a new dossier is opened (`dossierNo` "0") are [inferred]. `nonPaymentInd` is
 * a field name from the seed's 422 example ([seed]).
 */

const amount = z.union([cesceDecimalSchema, z.literal('')]).nullish();

/** A claim file (expediente). [inferred] fields. */
export const dossierRecordSchema = z.object({
  dossierNo: z.coerce.string(),
  endorsementNo: z.coerce.string(),
  taxCode: z.string().nullish(),
  countryCode: z.string().nullish(),
  companyName: z.string().nullish(),
  /** [inferred] "A" open (abierto), "C" closed (cerrado). */
  statusCode: z.coerce.string(),
  openingDate: cesceDateSchema,
  closingDate: cesceDateSchema.nullish(),
  currencyCode: z.string(),
  /** Sum of the non-payments declared in the dossier. */
  declaredAmount: cesceDecimalSchema,
  settledAmount: amount,
  recoveredAmount: amount,
});
export type DossierRecord = z.infer<typeof dossierRecordSchema>;

export const dossiersListResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  dossiers: z.array(dossierRecordSchema).nullable(),
  pagination: z.object({
    pageNo: z.coerce.number().int(),
    pageSize: z.coerce.number().int(),
    totalPages: z.coerce.number().int(),
    totalElements: z.coerce.number().int(),
  }),
});

/** GET …/dossiers query ([inferred] names): by debtor and/or status, paginated like the Sales List. */
export const dossiersListQuerySchema = z.object({
  endorsementNo: z.string().optional(),
  statusCode: z.enum(['A', 'C']).optional(),
  pageNo: z.coerce.number().int().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(500).optional(),
});

export const dossierResponseSchema = z.object({ error: errorEnvelopeSchema.optional(), dossier: dossierRecordSchema });

/** A non-payment (impago) of a dossier. [inferred] fields. */
export const nonPaymentRecordSchema = z.object({
  internalNo: z.coerce.string(),
  dossierNo: z.coerce.string(),
  saleCesceReferenceNo: z.coerce.string(),
  invoiceNo: z.string().nullish(),
  dueDate: cesceDateSchema.nullish(),
  unpaidAmount: cesceDecimalSchema,
  currencyCode: z.string(),
  nonPaymentInd: z.string(),
  declarationDate: cesceDateSchema,
  comments: z.string().nullish(),
});
export type NonPaymentRecord = z.infer<typeof nonPaymentRecordSchema>;

export const nonPaymentsListResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  nonPayments: z.array(nonPaymentRecordSchema).nullable(),
});
export const nonPaymentResponseSchema = z.object({ error: errorEnvelopeSchema.optional(), nonPayment: nonPaymentRecordSchema });

/**
 * POST …/dossiers/{dossierNo}/non-payments ("Declaration of defaults", [portal]): the aviso de
 * impago. `nonPaymentInd` is required (the seed's 422 example names it); its meaning is [inferred]:
 * "S" declares the sale unpaid. The sale is named by `saleCesceReferenceNo` ([inferred]). A
 * `dossierNo` of "0" opens a new dossier for the sale's debtor ([inferred]).
 */
export const declareNonPaymentRequestSchema = z.object({
  nonPaymentInd: indicatorSchema,
  saleCesceReferenceNo: z.string().min(1),
  unpaidAmount: cesceDecimalSchema,
  currencyCode: z.string().regex(/^[A-Z]{3}$/).optional(),
  comments: z.string().max(500).optional(),
});
export type DeclareNonPaymentRequest = z.infer<typeof declareNonPaymentRequestSchema>;

/** Required fields, in the order the emulator names them in its 422 ([inferred]; `nonPaymentInd` first, as in the seed's example). */
export const DECLARE_NON_PAYMENT_REQUIRED = ['nonPaymentInd', 'saleCesceReferenceNo', 'unpaidAmount'] as const;

/** Path segment that opens a new dossier when declaring a non-payment ([inferred]). */
export const NEW_DOSSIER_NO = '0';

export const declareNonPaymentResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  dossier: dossierRecordSchema,
  nonPayment: nonPaymentRecordSchema,
});

/** A settlement (liquidación, indemnity payment). [inferred] fields. */
export const settlementRecordSchema = z.object({
  settlementNo: z.coerce.string(),
  dossierNo: z.coerce.string(),
  settlementDate: cesceDateSchema,
  settledAmount: cesceDecimalSchema,
  currencyCode: z.string(),
  statusCode: z.coerce.string().nullish(),
});
export type SettlementRecord = z.infer<typeof settlementRecordSchema>;

export const settlementsListResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  settlements: z.array(settlementRecordSchema).nullable(),
});
export const settlementResponseSchema = z.object({ error: errorEnvelopeSchema.optional(), settlement: settlementRecordSchema });
/** GET …/settlements/{settlementNo}/unpaid-settlements: the non-payments a settlement covers. */
export const unpaidSettlementsResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  nonPayments: z.array(nonPaymentRecordSchema).nullable(),
});

/** A recovery (recobro) of a dossier. [inferred] fields. */
export const recoveryRecordSchema = z.object({
  recoveryNo: z.coerce.string(),
  dossierNo: z.coerce.string(),
  recoveryDate: cesceDateSchema,
  recoveredAmount: cesceDecimalSchema,
  currencyCode: z.string(),
});
export type RecoveryRecord = z.infer<typeof recoveryRecordSchema>;
export const recoveriesListResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  recoveries: z.array(recoveryRecordSchema).nullable(),
});

/** A document of a dossier. [inferred] fields (the content itself is not returned by the list). */
export const documentRecordSchema = z.object({
  documentNo: z.coerce.string(),
  dossierNo: z.coerce.string(),
  fileName: z.string(),
  mimeType: z.string().nullish(),
  sizeBytes: z.coerce.number().int().min(0),
  uploadDate: cesceDateSchema,
  description: z.string().nullish(),
});
export type DocumentRecord = z.infer<typeof documentRecordSchema>;
export const documentsListResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  documents: z.array(documentRecordSchema).nullable(),
});

/** Largest document the emulator accepts, decoded ([inferred]; under the 1 MiB body limit once base64-encoded). */
export const MAX_DOCUMENT_BYTES = 512 * 1024;

/**
 * "Contribution of documents" ([portal], path known only as `/con…`): [inferred] as
 * POST …/dossiers/{dossierNo}/documents with the file base64-encoded inside JSON.
 */
export const uploadDocumentRequestSchema = z.object({
  fileName: z.string().min(1).max(200),
  mimeType: z.string().min(1).optional(),
  /** Base64 (RFC 4648, with padding). */
  content: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'expected base64 content' }),
  description: z.string().max(500).optional(),
});
export type UploadDocumentRequest = z.infer<typeof uploadDocumentRequestSchema>;
export const UPLOAD_DOCUMENT_REQUIRED = ['fileName', 'content'] as const;
export const uploadDocumentResponseSchema = z.object({ error: errorEnvelopeSchema.optional(), document: documentRecordSchema });

/** A processing step (trámite) of a dossier. [inferred] fields. */
export const processingStepRecordSchema = z.object({
  stepNo: z.coerce.string(),
  stepDate: cesceDateSchema,
  stepCode: z.coerce.string(),
  description: z.string().nullish(),
});
export const processingStepsResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  processingSteps: z.array(processingStepRecordSchema).nullable(),
});

/** A recovery action (gestión de recobro) of a dossier. [inferred] fields. */
export const recoveryProcedureRecordSchema = z.object({
  procedureNo: z.coerce.string(),
  procedureDate: cesceDateSchema,
  procedureCode: z.coerce.string(),
  description: z.string().nullish(),
});
export const recoveryProceduresResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  recoveryProcedures: z.array(recoveryProcedureRecordSchema).nullable(),
});

/** A date pending settlement of a dossier. [inferred] fields. */
export const pendingSettlementDateRecordSchema = z.object({
  pendingSettlementDate: cesceDateSchema,
  pendingAmount: amount,
  currencyCode: z.string().nullish(),
  description: z.string().nullish(),
});
export const datesPendingSettlementsResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  datesPendingSettlements: z.array(pendingSettlementDateRecordSchema).nullable(),
});
