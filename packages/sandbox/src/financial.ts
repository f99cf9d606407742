import {
  addDays,
  addDecimal,
  ANSWER_FINANCING_REQUIRED,
  answerFinancingConditionsRequestSchema,
  compareDecimal,
  CREATE_FINANCING_REQUIRED,
  createFinancingRequestSchema,
  decimalFromNumber,
  FINANCING_STATUSES,
  isNegative,
  type OperationId,
} from '@cesce-connect/core';
import { percentOf } from './amounts.js';
import { describeIssue, firstMissing, isPlainObject, queryObject, type JsonBody } from './api.js';
import { compareNumeric, findByEndorsementNo } from './classifications.js';
import { outstandingOf } from './collections.js';
import type { HandlerContext, Reply } from './context.js';
import type { SandboxFinancingRequest } from './data.js';
import { ruleError } from './rules/messages.js';
import type { PolicyState } from './store.js';
import { OK_ENVELOPE, wireAmount, wireDate } from './wire.js';

/**
 * Financial ([inferred] from the seed's description only): financing of insured invoices, named
 * by `saleCesceReferenceNo`, decided at once by the policy's `financing` rules.
 */

/** Spanish text of each denial reason. */
export const DENIAL_REASONS: Record<string, string> = {
  SALE_NOT_DECLARED: 'La venta no está declarada en la póliza.',
  SALE_ALREADY_FINANCED: 'La venta ya está financiada o pendiente de aceptar condiciones en otra solicitud.',
  CLASSIFICATION_NOT_ACTIVE: 'La clasificación del deudor no está vigente.',
  SALE_OVERDUE: 'La venta está vencida.',
  NOTHING_OUTSTANDING: 'La venta no tiene importe pendiente de cobro.',
  MAX_AMOUNT_EXCEEDED: 'El importe a financiar supera el máximo de la póliza.',
};

const pctWire = (n: number | undefined): string => (n === undefined ? '' : wireAmount(decimalFromNumber(n, 2)));

function toWire(f: SandboxFinancingRequest): Record<string, unknown> {
  return {
    requestNo: f.requestNo,
    statusCode: f.statusCode,
    requestDate: wireDate(f.requestDate),
    currencyCode: f.currencyCode,
    outstandingAmount: wireAmount(f.outstandingAmount),
    financedAmount: f.financedAmount !== undefined ? wireAmount(f.financedAmount) : '',
    advancePercent: pctWire(f.advancePercent),
    feeRatePercent: pctWire(f.feeRatePercent),
    feeAmount: f.feeAmount !== undefined ? wireAmount(f.feeAmount) : '',
    valueDate: wireDate(f.valueDate),
    denialReasonCode: f.denialReasonCode ?? '',
    denialReason: f.denialReasonCode ? (DENIAL_REASONS[f.denialReasonCode] ?? '') : '',
    answerDate: wireDate(f.answerDate),
    sales: f.sales.map((s) => ({
      saleCesceReferenceNo: s.saleCesceReferenceNo,
      outstandingAmount: s.outstandingAmount !== undefined ? wireAmount(s.outstandingAmount) : '',
      financedAmount: s.financedAmount !== undefined ? wireAmount(s.financedAmount) : '',
      denialReasonCode: s.denialReasonCode ?? '',
    })),
  };
}

const ok = (body: Record<string, unknown>, status = 200): Reply => ({ status, body: { error: OK_ENVELOPE, ...body } });

function createRequest(ctx: HandlerContext, policy: PolicyState, body: JsonBody): Reply {
  if (!body.ok) return ruleError('financingInvalid', { detail: body.error });
  if (!isPlainObject(body.value)) return ruleError('financingInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' });
  const missing = firstMissing(body.value, CREATE_FINANCING_REQUIRED);
  if (missing) return ruleError('missingField', { field: missing });
  const parsed = createFinancingRequestSchema.safeParse(body.value);
  if (!parsed.success) return ruleError('financingInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const refs = parsed.data.saleCesceReferenceNos.map((r) => r.trim());
  if (new Set(refs).size !== refs.length) return ruleError('financingInvalid', { detail: 'una venta aparece más de una vez en saleCesceReferenceNos' });
  const rules = policy.financing;
  if (!rules) return ruleError('financingNotIncluded');

  const today = ctx.today();
  const sales = refs.map((ref) => ({ ref, sale: policy.sales.find((s) => s.saleCesceReferenceNo === ref) }));
  const currencies = new Set(sales.flatMap((s) => (s.sale ? [s.sale.currencyCode] : [])));
  if (currencies.size > 1) return ruleError('financingInvalid', { detail: `las ventas están en divisas distintas (${[...currencies].join(', ')})` });
  const currencyCode = [...currencies][0] ?? policy.currencies[0] ?? 'EUR';
  const financedRefs = new Set(
    policy.financingRequests.filter((f) => f.statusCode === 'ACCEPTED' || f.statusCode === 'CONDITIONS').flatMap((f) => f.sales.map((s) => s.saleCesceReferenceNo)),
  );

  const lines = sales.map(({ ref, sale }): SandboxFinancingRequest['sales'][number] => {
    if (!sale) return { saleCesceReferenceNo: ref, denialReasonCode: 'SALE_NOT_DECLARED' };
    const outstanding = isNegative(sale.amount) ? '0.00' : outstandingOf(policy, sale);
    const c = findByEndorsementNo(policy, sale.endorsementNo);
    let reason: string | undefined;
    if (financedRefs.has(ref)) reason = 'SALE_ALREADY_FINANCED';
    else if (!c || c.statusCode !== '2' || c.active === false) reason = 'CLASSIFICATION_NOT_ACTIVE';
    else if (sale.dueDate < today) reason = 'SALE_OVERDUE';
    else if (compareDecimal(outstanding, '0') <= 0) reason = 'NOTHING_OUTSTANDING';
    return {
      saleCesceReferenceNo: ref,
      outstandingAmount: outstanding,
      ...(reason ? { denialReasonCode: reason } : { financedAmount: percentOf(outstanding, rules.advancePercent) }),
    };
  });
  const outstandingAmount = lines.reduce((a, l) => addDecimal(a, l.outstandingAmount ?? '0'), '0.00');
  const request: SandboxFinancingRequest = {
    requestNo: ctx.store.nextFinancingRequestNo(),
    statusCode: 'DENIED',
    requestDate: today,
    currencyCode,
    outstandingAmount,
    sales: lines,
  };
  const denied = lines.find((l) => l.denialReasonCode !== undefined);
  if (denied) {
    request.denialReasonCode = denied.denialReasonCode;
  } else {
    const financed = lines.reduce((a, l) => addDecimal(a, l.financedAmount ?? '0'), '0.00');
    if (compareDecimal(financed, rules.maxAmount) > 0) {
      request.denialReasonCode = 'MAX_AMOUNT_EXCEEDED';
    } else {
      request.statusCode = compareDecimal(financed, rules.autoAcceptUpTo) <= 0 ? 'ACCEPTED' : 'CONDITIONS';
      request.financedAmount = financed;
      request.advancePercent = rules.advancePercent;
      request.feeRatePercent = rules.feeRatePercent;
      request.feeAmount = percentOf(financed, rules.feeRatePercent);
      request.valueDate = addDays(today, rules.valueDateDays ?? 1);
    }
  }
  policy.financingRequests.push(request);
  ctx.store.updated();
  return ok({ financingRequest: toWire(request) }, 201);
}

function answer(ctx: HandlerContext, request: SandboxFinancingRequest, body: JsonBody): Reply {
  if (!body.ok) return ruleError('financingInvalid', { detail: body.error });
  if (!isPlainObject(body.value)) return ruleError('financingInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' });
  const missing = firstMissing(body.value, ANSWER_FINANCING_REQUIRED);
  if (missing) return ruleError('missingField', { field: missing });
  const parsed = answerFinancingConditionsRequestSchema.safeParse(body.value);
  if (!parsed.success) return ruleError('financingInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  if (request.statusCode !== 'CONDITIONS') return ruleError('financingNotPending', { requestNo: request.requestNo, status: request.statusCode });
  request.statusCode = parsed.data.conditionsAcceptedInd === 'S' ? 'ACCEPTED' : 'DECLINED';
  request.answerDate = ctx.today();
  ctx.store.updated();
  return ok({ financingRequest: toWire(request) });
}

/** Every Financial operation. */
export function handleFinancial(
  ctx: HandlerContext,
  policy: PolicyState,
  operation: OperationId,
  params: Record<string, string>,
  query: URLSearchParams,
  body: () => JsonBody,
): Reply {
  if (operation === 'financial.request') return createRequest(ctx, policy, body());
  if (operation === 'financial.list') {
    const status = queryObject(query).statusCode;
    if (status !== undefined && !(FINANCING_STATUSES as readonly string[]).includes(status)) {
      return ruleError('queryInvalid', { detail: `el campo 'statusCode' no es válido (se espera ${FINANCING_STATUSES.join(', ')})` });
    }
    const all = policy.financingRequests
      .filter((f) => status === undefined || f.statusCode === status)
      .sort((a, b) => compareNumeric(a.requestNo, b.requestNo));
    return ok({ financingRequests: all.length > 0 ? all.map(toWire) : null });
  }
  const requestNo = params.requestNo ?? '';
  const request = policy.financingRequests.find((f) => f.requestNo === requestNo);
  if (!request) return ruleError('financingRequestNotFound', { requestNo });
  if (operation === 'financial.answerConditions') return answer(ctx, request, body());
  return ok({ financingRequest: toWire(request) });
}
