import {
  classificationQuerySchema,
  compareDecimal,
  CREATE_CLASSIFICATION_REQUIRED,
  createClassificationRequestSchema,
  describeStatusCode,
} from '@cesce-connect/core';
import { percentOf, readWireAmount } from './amounts.js';
import { describeIssue, firstMissing, isPlainObject, queryObject, type JsonBody } from './api.js';
import type { HandlerContext, Reply } from './context.js';
import type { SandboxClassification } from './data.js';
import { ruleError } from './rules/messages.js';
import type { PolicyState } from './store.js';
import { classificationToWire, OK_ENVELOPE } from './wire.js';

/** Status codes the emulator gives to new requests ([inferred] meanings; core's status table). */
export const STATUS = { inProgress: '1', classified: '2', denied: '10', cancelled: '66' } as const;

const norm = (s: string | undefined | null): string => (s ?? '').trim().toUpperCase();

/** GET …/classifications?taxCode=&countryCode= | endorsementNo= | customerReference= */
export function handleClassificationQuery(ctx: HandlerContext, policy: PolicyState, query: URLSearchParams): Reply {
  const params = queryObject(query);
  const parsed = classificationQuerySchema.safeParse(params);
  if (!parsed.success) {
    return ruleError('queryInvalid', { detail: 'indique taxCode (con countryCode), endorsementNo o customerReference' });
  }
  const q = parsed.data;
  const found = policy.classifications
    .filter(
      (c) =>
        (!q.taxCode || norm(c.taxCode) === norm(q.taxCode)) &&
        (!q.countryCode || norm(c.countryCode) === norm(q.countryCode)) &&
        (!q.endorsementNo || c.endorsementNo === q.endorsementNo) &&
        (!q.customerReference || c.customerReference === q.customerReference),
    )
    .sort((a, b) => compareNumeric(a.requestNo, b.requestNo));
  if (found.length === 0) return ruleError('classificationNotFound');
  return {
    status: 200,
    body: { error: OK_ENVELOPE, client: { contractNo: policy.contractNo }, debtor: found.map(classificationToWire) },
  };
}

/** POST …/classifications: an individual credit-limit request, decided at once by the policy's rules. */
export function handleClassificationCreate(ctx: HandlerContext, policy: PolicyState, body: JsonBody): Reply {
  if (!body.ok) return ruleError('classificationInvalid', { detail: body.error });
  if (!isPlainObject(body.value)) return ruleError('classificationInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' });
  const missing = firstMissing(body.value, CREATE_CLASSIFICATION_REQUIRED);
  if (missing) return ruleError('missingField', { field: missing });
  const parsed = createClassificationRequestSchema.safeParse(body.value);
  if (!parsed.success) return ruleError('classificationInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const req = parsed.data;

  const amount = readWireAmount(req.creditLimitRequested);
  if (!amount.ok) return ruleError('classificationInvalid', { detail: amount.detail });
  if (compareDecimal(amount.amount, '0') <= 0) {
    return ruleError('classificationInvalid', { detail: 'el importe solicitado (creditLimitRequested) debe ser mayor que cero' });
  }
  if (!policy.currencies.includes(req.currencyCode)) {
    return ruleError('classificationCurrencyNotAllowed', { currency: req.currencyCode });
  }

  const taxCode = norm(req.taxCode);
  const countryCode = norm(req.countryCode);
  const existing = policy.classifications.find((c) => {
    const state = describeStatusCode(c.statusCode).state;
    return norm(c.taxCode) === taxCode && norm(c.countryCode) === countryCode && state !== 'cancelled' && state !== 'denied';
  });
  if (existing) return ruleError('duplicateClassification', { taxCode });

  const rules = policy.classificationRules;
  const today = ctx.today();
  const requestNo = ctx.store.nextRequestNo();
  let statusCode: string;
  if (rules.deniedTaxCodes.some((t) => norm(t) === taxCode)) statusCode = STATUS.denied;
  else if (rules.inProgressTaxCodes.some((t) => norm(t) === taxCode) || compareDecimal(amount.amount, rules.autoGrantUpTo) > 0) {
    statusCode = STATUS.inProgress;
  } else statusCode = STATUS.classified;
  const classified = statusCode === STATUS.classified;

  let paymentTermsGranted: string | undefined;
  if (classified && req.paymentTermsRequested !== undefined) {
    paymentTermsGranted = String(Math.min(Number(req.paymentTermsRequested), policy.options.maxPaymentTermDays));
  }

  const record: SandboxClassification = {
    requestNo,
    endorsementNo: classified ? requestNo : null,
    taxCode,
    countryCode,
    companyName: req.companyName,
    ...(req.customerReference !== undefined ? { customerReference: req.customerReference } : {}),
    creditLimitRequested: amount.amount,
    creditLimitGranted: classified ? percentOf(amount.amount, rules.grantPercent ?? 100) : '0.00',
    currencyCode: req.currencyCode,
    statusCode,
    ...(req.paymentTermsRequested !== undefined ? { paymentTermsRequested: req.paymentTermsRequested } : {}),
    ...(paymentTermsGranted !== undefined ? { paymentTermsGranted } : {}),
    requestEntryDate: today,
    classificationDate: statusCode === STATUS.inProgress ? null : today,
    effectiveDate: classified ? today : null,
    validityDate: null,
    cancellationDate: null,
    ...(req.address !== undefined ? { address: req.address } : {}),
    ...(req.city !== undefined ? { city: req.city } : {}),
    ...(req.postalCode !== undefined ? { postalCode: req.postalCode } : {}),
    ...(req.state !== undefined ? { state: req.state } : {}),
    ...(req.paymentMethodRequestedCode !== undefined ? { paymentMethodRequestedCode: req.paymentMethodRequestedCode } : {}),
  };
  ctx.store.addClassification(policy, record);
  return { status: 201, body: { error: OK_ENVELOPE, debtor: classificationToWire(record) } };
}

/** Orders numeric strings by value, others as text. */
export function compareNumeric(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
