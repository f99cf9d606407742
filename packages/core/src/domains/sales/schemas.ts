import { z } from 'zod';
import { cesceDateSchema, cesceDecimalSchema, errorEnvelopeSchema } from '../common.js';

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
  invoiceDate: cesceDateSchema,
  dueDate: cesceDateSchema,
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
  maturityAmount: cesceDecimalSchema.nullish(),
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
