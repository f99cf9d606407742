import { z } from 'zod';
import { cesceDateSchema, cesceDecimalSchema, errorEnvelopeSchema, indicatorSchema } from '../common.js';

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
  // Further fields of the Movements record ([third-party-client]).
  phoneNo: z.coerce.string().nullish(),
  email: z.string().nullish(),
  cesceCode: z.coerce.string().nullish(),
  commercialRiskGroupCode: z.coerce.string().nullish(),
  politicalRiskGroupCode: z.coerce.string().nullish(),
  validityReasonCode: z.coerce.string().nullish(),
  commentsInd: z.coerce.string().nullish(),
  // [inferred] (not published): "N" once deactivated with activate-deactivate.
  activeInd: z.string().nullish(),
  // [inferred] (not published): the premium Cesce offers on the classification (Accept Deny Premium).
  premiumAmount: z.union([cesceDecimalSchema, z.literal('')]).nullish(),
  premiumCurrencyCode: z.string().nullish(),
  /** [inferred] "offered" | "accepted" | "denied"; other values are kept. */
  premiumStatus: z.string().nullish(),
  // [inferred] (not published): reason code sent with Annul Classification.
  cancellationReasonCode: z.string().nullish(),
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

/**
 * The operations that act on one classification (activate-deactivate, cancel, accept-deny-premium)
 * identify it by its suplemento number (`endorsementNo`, classified debtors) or by its request
 * number (`requestNo`, the only key of a request still in progress). Both field names exist in the
 * debtor record; using them as the key of these bodies is [inferred] (bodies not published).
 * With both, they must name the same classification.
 */
const classificationKeyShape = {
  /** [inferred] */
  endorsementNo: z.string().min(1).optional(),
  /** [inferred] */
  requestNo: z.string().min(1).optional(),
};
const hasKey = (b: { endorsementNo?: string | undefined; requestNo?: string | undefined }): boolean =>
  Boolean(b.endorsementNo || b.requestNo);
const keyMessage = { message: 'one of endorsementNo or requestNo is required' };

/** The key the emulator names in its 422 when neither `endorsementNo` nor `requestNo` is sent. [inferred] */
export const CLASSIFICATION_KEY_FIELD = 'endorsementNo';

/** POST /contracts/{contractNo}/classifications/activate-deactivate body ([portal] path; body [inferred]). */
export const activateDeactivateRequestSchema = z
  .object({
    ...classificationKeyShape,
    /** [inferred] "S" activates, "N" deactivates the classification. */
    activeInd: indicatorSchema,
  })
  .refine(hasKey, keyMessage);
export type ActivateDeactivateRequest = z.infer<typeof activateDeactivateRequestSchema>;
/** Required besides the key ([inferred]). */
export const ACTIVATE_DEACTIVATE_REQUIRED = ['activeInd'] as const;

/** POST /contracts/{contractNo}/classifications/cancel body ([portal] path; body [inferred]). */
export const cancelClassificationRequestSchema = z
  .object({
    ...classificationKeyShape,
    /** [inferred] optional reason (e.g. a data-entry mistake, to avoid study costs). */
    cancellationReasonCode: z.string().min(1).max(10).optional(),
  })
  .refine(hasKey, keyMessage);
export type CancelClassificationRequest = z.infer<typeof cancelClassificationRequestSchema>;

/** POST /contracts/{contractNo}/classifications/accept-deny-premium body ([portal] path; body [inferred]). */
export const acceptDenyPremiumRequestSchema = z
  .object({
    ...classificationKeyShape,
    /** [inferred] "S" accepts, "N" denies the premium offered on the classification. */
    premiumAcceptedInd: indicatorSchema,
  })
  .refine(hasKey, keyMessage);
export type AcceptDenyPremiumRequest = z.infer<typeof acceptDenyPremiumRequestSchema>;
/** Required besides the key ([inferred]). */
export const ACCEPT_DENY_PREMIUM_REQUIRED = ['premiumAcceptedInd'] as const;

/** Answer of activate-deactivate, cancel and accept-deny-premium: the updated record ([inferred]). */
export const classificationOperationResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  debtor: debtorRecordSchema,
});
