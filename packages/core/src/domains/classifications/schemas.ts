import { z } from 'zod';
import { cesceDateSchema, cesceDecimalSchema, errorEnvelopeSchema } from '../common.js';

/**
 * Classifications (credit-limit requests on debtors). Paths are published ([portal]); the
 * request and response bodies are not. The field names below reuse the Movements debtor record
 * ([third-party-client]); using them for Create/Query is [inferred].
 */

/** POST /contracts/{contractNo}/classifications body. Required fields give 422 when missing. */
export const createClassificationRequestSchema = z.object({
  taxCode: z.string().min(1),
  countryCode: z.string().regex(/^[A-Z]{2}$/),
  companyName: z.string().min(1).max(120),
  address: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  state: z.string().optional(),
  customerReference: z.string().optional(),
  creditLimitRequested: cesceDecimalSchema,
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
  paymentTermsRequested: z.string().regex(/^\d{1,3}$/).optional(),
  paymentMethodRequestedCode: z.string().optional(),
});
export type CreateClassificationRequest = z.infer<typeof createClassificationRequestSchema>;

/** Fields that must be present in a create request (the emulator answers 422 `'<field>' is missing.`). */
export const CREATE_CLASSIFICATION_REQUIRED = ['taxCode', 'countryCode', 'companyName', 'creditLimitRequested', 'currencyCode'] as const;

/** The debtor record, every value a string as in the Movements API ([third-party-client]). */
export const debtorRecordSchema = z.object({
  requestNo: z.coerce.string().optional(),
  endorsementNo: z.coerce.string().nullish(),
  countryCode: z.string(),
  taxCode: z.string(),
  customerReference: z.string().nullish(),
  companyName: z.string().nullish(),
  address: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  postalCode: z.string().nullish(),
  creditLimitRequested: cesceDecimalSchema.nullish(),
  paymentTermsRequested: z.coerce.string().nullish(),
  paymentMethodRequestedCode: z.string().nullish(),
  currencyCode: z.string().nullish(),
  creditLimitGranted: cesceDecimalSchema.nullish(),
  commercialRiskCoverPct: z.coerce.string().nullish(),
  politicalRiskCoverPct: z.coerce.string().nullish(),
  paymentTermsGranted: z.coerce.string().nullish(),
  paymentMethodGrantedCode: z.string().nullish(),
  classificationDecisionCode: z.coerce.string().nullish(),
  statusCode: z.coerce.string(),
  requestEntryDate: cesceDateSchema.nullish(),
  effectiveDate: cesceDateSchema.nullish(),
  cancellationDate: cesceDateSchema.nullish(),
  validityDate: cesceDateSchema.nullish(),
  classificationDate: cesceDateSchema.nullish(),
});
export type DebtorRecord = z.infer<typeof debtorRecordSchema>;

/** 201 answer of Create Classifications ([inferred]). */
export const createClassificationResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  debtor: debtorRecordSchema,
});

/** GET /contracts/{contractNo}/classifications?taxCode=&countryCode= | endorsementNo= | customerReference= ([inferred] params). */
export const classificationQuerySchema = z
  .object({
    taxCode: z.string().optional(),
    countryCode: z.string().optional(),
    endorsementNo: z.string().optional(),
    customerReference: z.string().optional(),
  })
  .refine((q) => q.taxCode || q.endorsementNo || q.customerReference, {
    message: 'one of taxCode, endorsementNo or customerReference is required',
  });
export type ClassificationQuery = z.infer<typeof classificationQuerySchema>;

/** Query answer: the Movements-style envelope; `debtor` may be null ([third-party-client] pattern). */
export const classificationQueryResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  client: z.object({ contractNo: z.coerce.string() }).partial().optional(),
  debtor: z.array(debtorRecordSchema).nullable(),
});
