import { z } from 'zod';
import { API_BASE_PATHS, type ApiName } from '../environments.js';
import type { OperationId } from '../domains/common.js';
import {
  acceptDenyPremiumRequestSchema,
  activateDeactivateRequestSchema,
  cancelClassificationRequestSchema,
  classificationOperationResponseSchema,
  classificationQueryResponseSchema,
  classificationQuerySchema,
  createClassificationRequestSchema,
  createClassificationResponseSchema,
} from '../domains/classifications/schemas.js';
import { movementsQuerySchema, movementsResponseSchema } from '../domains/movements/schemas.js';
import {
  createSaleRequestSchema,
  createSaleResponseSchema,
  modifySaleRequestSchema,
  modifySaleResponseSchema,
  saleConsultResponseSchema,
  salesListQuerySchema,
  salesListResponseSchema,
  subsidiariesResponseSchema,
} from '../domains/sales/schemas.js';
import { createCollectionRequestSchema, createCollectionResponseSchema } from '../domains/collections/schemas.js';
import {
  datesPendingSettlementsResponseSchema,
  declareNonPaymentRequestSchema,
  declareNonPaymentResponseSchema,
  documentsListResponseSchema,
  dossierResponseSchema,
  dossiersListQuerySchema,
  dossiersListResponseSchema,
  nonPaymentResponseSchema,
  nonPaymentsListResponseSchema,
  processingStepsResponseSchema,
  recoveriesListResponseSchema,
  recoveryProceduresResponseSchema,
  settlementResponseSchema,
  settlementsListResponseSchema,
  unpaidSettlementsResponseSchema,
  uploadDocumentRequestSchema,
  uploadDocumentResponseSchema,
} from '../domains/claims/schemas.js';
import {
  answerFinancingConditionsRequestSchema,
  createFinancingRequestSchema,
  financingRequestResponseSchema,
  financingRequestsListResponseSchema,
} from '../domains/financial/schemas.js';

/** A JSON Schema as produced by `z.toJSONSchema` (or read from a spec). */
export type JsonSchema = Record<string, unknown>;

/** One operation of ours, with its schemas as zod (for the client) and JSON Schema (for comparisons). */
export interface OurOperation {
  id: OperationId;
  api: ApiName;
  method: 'GET' | 'POST';
  /** Base path below the catalog, e.g. `sales/v1` (from `API_BASE_PATHS`). */
  basePath: string;
  /** Path below the base path, e.g. `/contracts/{contractNo}/sales`. */
  path: string;
  request?: JsonSchema | undefined;
  query?: JsonSchema | undefined;
  response?: JsonSchema | undefined;
}

interface OperationDefinition {
  id: OperationId;
  api: ApiName;
  method: 'GET' | 'POST';
  path: string;
  request?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
}

/** Query parameters the operations send without a dedicated schema in the domain modules. */
const saleConsultQuerySchema = z.object({ saleCesceReferenceNo: z.string() });
const documentsQuerySchema = z.object({ dossierNo: z.string() });
const financingListQuerySchema = z.object({ statusCode: z.string().optional() });

const C = '/contracts/{contractNo}';

/**
 * Every operation this client calls, with the schemas it sends and expects. Paths mirror the
 * emulator's route table (packages/sandbox/src/routes.ts); Claims paths are normalised from the
 * published typos. The OAuth token endpoint (formData, not JSON) is left out.
 */
const DEFINITIONS: readonly OperationDefinition[] = [
  { id: 'classifications.query', api: 'classifications', method: 'GET', path: `${C}/classifications`, query: classificationQuerySchema, response: classificationQueryResponseSchema },
  { id: 'classifications.create', api: 'classifications', method: 'POST', path: `${C}/classifications`, request: createClassificationRequestSchema, response: createClassificationResponseSchema },
  { id: 'classifications.activateDeactivate', api: 'classifications', method: 'POST', path: `${C}/classifications/activate-deactivate`, request: activateDeactivateRequestSchema, response: classificationOperationResponseSchema },
  { id: 'classifications.cancel', api: 'classifications', method: 'POST', path: `${C}/classifications/cancel`, request: cancelClassificationRequestSchema, response: classificationOperationResponseSchema },
  { id: 'classifications.acceptDenyPremium', api: 'classifications', method: 'POST', path: `${C}/classifications/accept-deny-premium`, request: acceptDenyPremiumRequestSchema, response: classificationOperationResponseSchema },
  { id: 'movements.list', api: 'movements', method: 'GET', path: `${C}/movements`, query: movementsQuerySchema, response: movementsResponseSchema },
  { id: 'sales.create', api: 'sales', method: 'POST', path: `${C}/sales`, request: createSaleRequestSchema, response: createSaleResponseSchema },
  { id: 'sales.list', api: 'sales', method: 'GET', path: `${C}/sales`, query: salesListQuerySchema, response: salesListResponseSchema },
  { id: 'sales.consult', api: 'sales', method: 'GET', path: `${C}/sale`, query: saleConsultQuerySchema, response: saleConsultResponseSchema },
  { id: 'sales.modify', api: 'sales', method: 'POST', path: `${C}/sale`, request: modifySaleRequestSchema, response: modifySaleResponseSchema },
  { id: 'sales.subsidiaries', api: 'sales', method: 'GET', path: `${C}/subsidiaries`, response: subsidiariesResponseSchema },
  { id: 'collections.create', api: 'collections', method: 'POST', path: `${C}/collections`, request: createCollectionRequestSchema, response: createCollectionResponseSchema },
  { id: 'claims.dossiers', api: 'claims', method: 'GET', path: `${C}/dossiers`, query: dossiersListQuerySchema, response: dossiersListResponseSchema },
  { id: 'claims.dossier', api: 'claims', method: 'GET', path: `${C}/dossiers/{dossierNo}`, response: dossierResponseSchema },
  { id: 'claims.nonPayments', api: 'claims', method: 'GET', path: `${C}/dossiers/{dossierNo}/non-payments`, response: nonPaymentsListResponseSchema },
  { id: 'claims.declareNonPayment', api: 'claims', method: 'POST', path: `${C}/dossiers/{dossierNo}/non-payments`, request: declareNonPaymentRequestSchema, response: declareNonPaymentResponseSchema },
  { id: 'claims.nonPayment', api: 'claims', method: 'GET', path: `${C}/dossiers/{dossierNo}/non-payments/{internalNo}`, response: nonPaymentResponseSchema },
  { id: 'claims.settlements', api: 'claims', method: 'GET', path: `${C}/settlements`, response: settlementsListResponseSchema },
  { id: 'claims.settlement', api: 'claims', method: 'GET', path: `${C}/settlements/{settlementNo}`, response: settlementResponseSchema },
  { id: 'claims.unpaidSettlements', api: 'claims', method: 'GET', path: `${C}/settlements/{settlementNo}/unpaid-settlements`, response: unpaidSettlementsResponseSchema },
  { id: 'claims.recoveries', api: 'claims', method: 'GET', path: `${C}/dossiers/{dossierNo}/recoveries`, response: recoveriesListResponseSchema },
  { id: 'claims.documents', api: 'claims', method: 'GET', path: `${C}/documents`, query: documentsQuerySchema, response: documentsListResponseSchema },
  { id: 'claims.uploadDocument', api: 'claims', method: 'POST', path: `${C}/dossiers/{dossierNo}/documents`, request: uploadDocumentRequestSchema, response: uploadDocumentResponseSchema },
  { id: 'claims.processingSteps', api: 'claims', method: 'GET', path: `${C}/dossiers/{dossierNo}/processing-steps`, response: processingStepsResponseSchema },
  { id: 'claims.recoveryProcedures', api: 'claims', method: 'GET', path: `${C}/dossiers/{dossierNo}/recovery-procedures`, response: recoveryProceduresResponseSchema },
  { id: 'claims.datesPendingSettlements', api: 'claims', method: 'GET', path: `${C}/dossiers/{dossierNo}/dates-pending-settlements`, response: datesPendingSettlementsResponseSchema },
  { id: 'financial.request', api: 'financial', method: 'POST', path: `${C}/financing-requests`, request: createFinancingRequestSchema, response: financingRequestResponseSchema },
  { id: 'financial.list', api: 'financial', method: 'GET', path: `${C}/financing-requests`, query: financingListQuerySchema, response: financingRequestsListResponseSchema },
  { id: 'financial.status', api: 'financial', method: 'GET', path: `${C}/financing-requests/{requestNo}`, response: financingRequestResponseSchema },
  { id: 'financial.answerConditions', api: 'financial', method: 'POST', path: `${C}/financing-requests/{requestNo}/answer`, request: answerFinancingConditionsRequestSchema, response: financingRequestResponseSchema },
];

/** The wire shape of a zod schema: what is sent or received (input side), refinements and transforms ignored. */
export function toWireJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', cycles: 'ref', reused: 'inline' }) as JsonSchema;
}

let cached: OurOperation[] | undefined;

/** Our operations (id, method, base path + path, request / query / response JSON Schemas). */
export function ourOperations(): OurOperation[] {
  cached ??= DEFINITIONS.map((d) => ({
    id: d.id,
    api: d.api,
    method: d.method,
    basePath: API_BASE_PATHS[d.api],
    path: d.path,
    request: d.request ? toWireJsonSchema(d.request) : undefined,
    query: d.query ? toWireJsonSchema(d.query) : undefined,
    response: d.response ? toWireJsonSchema(d.response) : undefined,
  }));
  return cached;
}
