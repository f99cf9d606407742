import { z } from 'zod';
import { cesceDateFormatSchema, cesceDateSchema, cesceDecimalSchema, errorEnvelopeSchema, indicatorSchema } from '../common.js';

/**
 * Sales declarations. Paths are published ([portal]); `saleCesceReferenceNo`, `endorsementNo`,
 * `customerReference` and `maturityAmount` are confirmed field names ([support-page]); the rest of
 * the body is [inferred]. A credit note is a sale with a negative amount ([support-page]) that
 * names the invoice it corrects.
 */

/** POST /contracts/{contractNo}/sales body. */
export const createSaleRequestSchema = z.object({
  endorsementNo: z.string().min(1),
  taxCode: z.string().optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/).optional(),
  customerReference: z.string().optional(),
  invoiceNo: z.string().min(1).max(40),
  invoiceDate: cesceDateFormatSchema,
  dueDate: cesceDateFormatSchema,
  amount: cesceDecimalSchema,
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
  /** For a credit note (negative amount): the invoice number of the positive sale it offsets. */
  originalInvoiceNo: z.string().optional(),
  subsidiaryCode: z.string().optional(),
});
export type CreateSaleRequest = z.infer<typeof createSaleRequestSchema>;

export const CREATE_SALE_REQUIRED = ['endorsementNo', 'invoiceNo', 'invoiceDate', 'dueDate', 'amount', 'currencyCode'] as const;

export const saleRecordSchema = z.object({
  saleCesceReferenceNo: z.coerce.string(),
  endorsementNo: z.coerce.string(),
  taxCode: z.string().nullish(),
  countryCode: z.string().nullish(),
  customerReference: z.string().nullish(),
  invoiceNo: z.string(),
  invoiceDate: cesceDateSchema,
  dueDate: cesceDateSchema,
  amount: cesceDecimalSchema,
  currencyCode: z.string(),
  originalInvoiceNo: z.string().nullish(),
  subsidiaryCode: z.string().nullish(),
  declarationDate: cesceDateSchema.nullish(),
  /** Prórroga: the unpaid amount of the original invoice ([support-page] field name). */
  maturityAmount: z.union([cesceDecimalSchema, z.literal('')]).nullish(),
  /** [inferred] Prórroga: the sale it extends. */
  originalSaleCesceReferenceNo: z.coerce.string().nullish(),
  /** [inferred] Date of the last correction (Modify Sale). */
  modificationDate: cesceDateSchema.nullish(),
});
export type SaleRecord = z.infer<typeof saleRecordSchema>;

export const createSaleResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  sale: saleRecordSchema,
});

/** GET /contracts/{contractNo}/sales: by debtor and/or invoice month ([portal]); names [inferred]. */
export const salesListQuerySchema = z.object({
  endorsementNo: z.string().optional(),
  invoiceMonth: z.string().regex(/^\d{6}$/).optional(),
  pageNo: z.coerce.number().int().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(500).optional(),
});
export type SalesListQuery = z.infer<typeof salesListQuerySchema>;

export const salesListResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  sales: z.array(saleRecordSchema).nullable(),
  pagination: z.object({
    pageNo: z.coerce.number().int(),
    pageSize: z.coerce.number().int(),
    totalPages: z.coerce.number().int(),
    totalElements: z.coerce.number().int(),
  }),
});

/** GET /contracts/{contractNo}/sale?saleCesceReferenceNo= ([inferred] parameter). */
export const saleConsultResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  sale: saleRecordSchema,
});

/**
 * POST /contracts/{contractNo}/sale (singular, [portal]): Modify Sale. A declared sale may only be
 * modified to correct errors; extending it (prórroga) creates a NEW sale with a different
 * `saleCesceReferenceNo` and a `maturityAmount` (the unpaid amount) that may never exceed the
 * original invoice amount ([support-page]). Everything else here is [inferred]: the sale is named
 * by `saleCesceReferenceNo` in the body, and `extensionInd` chooses the prórroga.
 */
export const modifySaleRequestSchema = z.object({
  saleCesceReferenceNo: z.string().min(1),
  /** [inferred] "S": prórroga (a new extended sale); absent or "N": correction of the sale itself. */
  extensionInd: indicatorSchema.optional(),
  /** [inferred] If sent, must be the sale's own: the debtor of a sale cannot be corrected. */
  endorsementNo: z.string().min(1).optional(),
  // Correction: the fields to correct ([inferred]; same names as the declaration).
  invoiceNo: z.string().min(1).max(40).optional(),
  invoiceDate: cesceDateFormatSchema.optional(),
  /** Correction: the corrected due date. Prórroga: the new due date. */
  dueDate: cesceDateFormatSchema.optional(),
  amount: cesceDecimalSchema.optional(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/).optional(),
  customerReference: z.string().optional(),
  subsidiaryCode: z.string().optional(),
  /** Prórroga: the unpaid amount of the original invoice ([support-page]); never above the invoice amount. */
  maturityAmount: cesceDecimalSchema.optional(),
});
export type ModifySaleRequest = z.infer<typeof modifySaleRequestSchema>;

/** Required in every Modify Sale body ([inferred]). */
export const MODIFY_SALE_REQUIRED = ['saleCesceReferenceNo'] as const;
/** Required in a prórroga body, in the order the emulator names them in its 422 ([inferred]). */
export const PROROGUE_SALE_REQUIRED = ['saleCesceReferenceNo', 'dueDate', 'maturityAmount'] as const;
/** Fields a correction may change ([inferred]). */
export const SALE_CORRECTABLE_FIELDS = [
  'invoiceNo',
  'invoiceDate',
  'dueDate',
  'amount',
  'currencyCode',
  'customerReference',
  'subsidiaryCode',
] as const;

/** Answer of Modify Sale: the corrected sale (200) or the new extended sale (201) ([inferred]). */
export const modifySaleResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  sale: saleRecordSchema,
});

/** One subsidiary (filial) of the policyholder with Cesce's internal code ([portal]; field names [inferred]). */
export const subsidiaryRecordSchema = z.object({
  subsidiaryCode: z.coerce.string(),
  companyName: z.string().nullish(),
  taxCode: z.string().nullish(),
});
export type SubsidiaryRecord = z.infer<typeof subsidiaryRecordSchema>;

/** GET /contracts/{contractNo}/subsidiaries: only subsidiaries active at the time of the query ([portal]). */
export const subsidiariesResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  client: z.object({ contractNo: z.coerce.string() }).partial().nullish(),
  subsidiaries: z.array(subsidiaryRecordSchema).nullish(),
});
