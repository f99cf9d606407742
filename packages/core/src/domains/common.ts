import { z } from 'zod';
import { isIsoDate } from '../dates.js';

/**
 * Pieces shared by every Cesce API body. Known shapes come from the Movements envelope
 * ([third-party-client]): `error: { errorCode, errorDescription }` with `"0"` meaning OK, and every
 * value a string. Using the same envelope for the other APIs is [inferred].
 */
export const errorEnvelopeSchema = z.object({
  errorCode: z.coerce.string(),
  errorDescription: z.string().nullish(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** A Cesce decimal: "100000,00" (decimal comma). Dots are tolerated on input. */
export const cesceDecimalSchema = z
  .string()
  .regex(/^-?\d+(?:[.,]\d{1,6})?$/, { message: 'expected a decimal amount such as "1234,56"' });

/**
 * The shape of a Cesce date, `yyyyMMdd` or "0" for none: request bodies, whose calendar check the
 * emulator (like Cesce) answers with its own business error.
 */
export const cesceDateFormatSchema = z.string().regex(/^(?:\d{8}|0)$/, { message: 'expected a date as yyyyMMdd' });

/**
 * A Cesce date in an answer: `yyyyMMdd` that exists in the calendar, or "0" / "00000000" for none.
 * An impossible date is a shape error of the answer, not a crash where it is read.
 */
export const cesceDateSchema = cesceDateFormatSchema.refine((v) => !/^\d{8}$/.test(v) || v === '00000000' || isIsoDate(`${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6)}`), {
    message: 'expected a date as yyyyMMdd that exists in the calendar',
  });

/** Body of every error answer from the emulator and, as far as known, from Cesce ([inferred]). */
export const errorBodySchema = z.object({ error: errorEnvelopeSchema });

/** IBM API Connect gateway errors ([inferred]): bad/expired token, missing subscription, rate limit. */
export const gatewayErrorBodySchema = z.object({
  httpCode: z.coerce.string(),
  httpMessage: z.string(),
  moreInformation: z.string().optional(),
});

/** OAuth2 token endpoint errors (RFC 6749 §5.2). */
export const oauthErrorBodySchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** Operations known to this client; used for knowledge-base matching and scopes. */
export type OperationId =
  | 'token'
  | 'classifications.query'
  | 'classifications.create'
  | 'classifications.activateDeactivate'
  | 'classifications.cancel'
  | 'classifications.acceptDenyPremium'
  | 'movements.list'
  | 'sales.create'
  | 'sales.list'
  | 'sales.consult'
  | 'sales.modify'
  | 'sales.subsidiaries'
  | 'collections.create'
  | 'claims.dossiers'
  | 'claims.dossier'
  | 'claims.nonPayments'
  | 'claims.nonPayment'
  | 'claims.declareNonPayment'
  | 'claims.settlements'
  | 'claims.settlement'
  | 'claims.unpaidSettlements'
  | 'claims.recoveries'
  | 'claims.documents'
  | 'claims.uploadDocument'
  | 'claims.processingSteps'
  | 'claims.recoveryProcedures'
  | 'claims.datesPendingSettlements'
  | 'financial.request'
  | 'financial.status'
  | 'financial.list'
  | 'financial.answerConditions';

/**
 * Scope each operation needs ([inferred]; the portal does not document the mapping): GET → read,
 * create/declare → create, modify / activate-deactivate / accept-deny-premium → update,
 * cancel (annul) → delete.
 */
export const OPERATION_SCOPES: Record<OperationId, 'read' | 'create' | 'update' | 'delete' | null> = {
  token: null,
  'classifications.query': 'read',
  'classifications.create': 'create',
  'classifications.activateDeactivate': 'update',
  'classifications.cancel': 'delete',
  'classifications.acceptDenyPremium': 'update',
  'movements.list': 'read',
  'sales.create': 'create',
  'sales.list': 'read',
  'sales.consult': 'read',
  'sales.modify': 'update',
  'sales.subsidiaries': 'read',
  'collections.create': 'create',
  'claims.dossiers': 'read',
  'claims.dossier': 'read',
  'claims.nonPayments': 'read',
  'claims.nonPayment': 'read',
  'claims.declareNonPayment': 'create',
  'claims.settlements': 'read',
  'claims.settlement': 'read',
  'claims.unpaidSettlements': 'read',
  'claims.recoveries': 'read',
  'claims.documents': 'read',
  'claims.uploadDocument': 'create',
  'claims.processingSteps': 'read',
  'claims.recoveryProcedures': 'read',
  'claims.datesPendingSettlements': 'read',
  'financial.request': 'create',
  'financial.status': 'read',
  'financial.list': 'read',
  'financial.answerConditions': 'update',
};

/**
 * A Cesce `…Ind` indicator. Cesce names its flags with an `Ind` suffix (`nonPaymentInd` [seed],
 * `commentsInd` [third-party-client]); their values are not published. "S"/"N" (Sí/No) is
 * [inferred].
 */
export const indicatorSchema = z.enum(['S', 'N']);
export type Indicator = z.infer<typeof indicatorSchema>;
