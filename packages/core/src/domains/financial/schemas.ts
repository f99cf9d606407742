import { z } from 'zod';
import { cesceDateSchema, cesceDecimalSchema, errorEnvelopeSchema, indicatorSchema } from '../common.js';

/**
 * Financial: financing of insured invoices through Cesce's "Fondo de Apoyo a Empresas" ([seed]:
 * requested from the ERP, answered in real time with acceptance or financing conditions). Nothing
 * else is published: the base path `financial/v1`, the paths, every field, the statuses, the
 * denial reasons and the rules are [inferred]. Invoices are named by their sale reference
 * (`saleCesceReferenceNo`, a published Sales field).
 */

/** [inferred] Status of a financing request. */
export const FINANCING_STATUSES = ['ACCEPTED', 'CONDITIONS', 'DENIED', 'DECLINED'] as const;
export type FinancingStatus = (typeof FINANCING_STATUSES)[number];

/** [inferred] Why a request was denied. Unknown codes are kept as they come. */
export const FINANCING_DENIAL_REASONS = [
  'SALE_NOT_DECLARED',
  'SALE_ALREADY_FINANCED',
  'CLASSIFICATION_NOT_ACTIVE',
  'SALE_OVERDUE',
  'NOTHING_OUTSTANDING',
  'MAX_AMOUNT_EXCEEDED',
] as const;

/** POST …/financing-requests body. */
export const createFinancingRequestSchema = z.object({
  saleCesceReferenceNos: z.array(z.string().min(1)).min(1).max(100),
});
export type CreateFinancingRequest = z.infer<typeof createFinancingRequestSchema>;
export const CREATE_FINANCING_REQUIRED = ['saleCesceReferenceNos'] as const;

/** POST …/financing-requests/{requestNo}/answer body: accept ("S") or decline ("N") the conditions. */
export const answerFinancingConditionsRequestSchema = z.object({ conditionsAcceptedInd: indicatorSchema });
export const ANSWER_FINANCING_REQUIRED = ['conditionsAcceptedInd'] as const;

const optAmount = z.union([cesceDecimalSchema, z.literal('')]).nullish();

export const financingSaleRecordSchema = z.object({
  saleCesceReferenceNo: z.coerce.string(),
  outstandingAmount: optAmount,
  financedAmount: optAmount,
  denialReasonCode: z.string().nullish(),
});

export const financingRequestRecordSchema = z.object({
  requestNo: z.coerce.string(),
  statusCode: z.string(),
  requestDate: cesceDateSchema,
  currencyCode: z.string(),
  outstandingAmount: cesceDecimalSchema,
  financedAmount: optAmount,
  advancePercent: optAmount,
  feeRatePercent: optAmount,
  feeAmount: optAmount,
  valueDate: cesceDateSchema.nullish(),
  denialReasonCode: z.string().nullish(),
  denialReason: z.string().nullish(),
  answerDate: cesceDateSchema.nullish(),
  sales: z.array(financingSaleRecordSchema).nullish(),
});
export type FinancingRequestRecord = z.infer<typeof financingRequestRecordSchema>;

export const financingRequestResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  financingRequest: financingRequestRecordSchema,
});
export const financingRequestsListResponseSchema = z.object({
  error: errorEnvelopeSchema.optional(),
  financingRequests: z.array(financingRequestRecordSchema).nullable(),
});
