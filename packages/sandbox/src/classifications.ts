import {
  ACCEPT_DENY_PREMIUM_REQUIRED,
  acceptDenyPremiumRequestSchema,
  ACTIVATE_DEACTIVATE_REQUIRED,
  activateDeactivateRequestSchema,
  cancelClassificationRequestSchema,
  CLASSIFICATION_KEY_FIELD,
  classificationQuerySchema,
  compareDecimal,
  CREATE_CLASSIFICATION_REQUIRED,
  createClassificationRequestSchema,
  describeStatusCode,
} from '@cesce-connect/core';
import type { z } from 'zod';
import { percentOf, readWireAmount } from './amounts.js';
import { describeIssue, firstMissing, isPlainObject, queryObject, type JsonBody } from './api.js';
import type { HandlerContext, Reply } from './context.js';
import type { SandboxClassification } from './data.js';
import { ruleError, type ErrorReply } from './rules/messages.js';
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
  const inconsistent = found.find((c) => c.inconsistent);
  if (inconsistent) return ruleError('debtorInconsistent', { taxCode: inconsistent.taxCode });
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

/**
 * The classification of a suplemento: the classified one first, else a cancelled one, else any.
 * (A suplemento number is the request number of a classified request, so there is normally one.)
 */
export function findByEndorsementNo(policy: PolicyState, endorsementNo: string): SandboxClassification | undefined {
  const all = policy.classifications.filter((c) => c.endorsementNo === endorsementNo);
  return (
    all.find((c) => describeStatusCode(c.statusCode).state === 'classified') ??
    all.find((c) => describeStatusCode(c.statusCode).state === 'cancelled') ??
    all[0]
  );
}

interface ClassificationKey {
  endorsementNo?: string | undefined;
  requestNo?: string | undefined;
}

/** The classification named by endorsementNo and/or requestNo (both must agree when both are sent). */
function findByKey(policy: PolicyState, key: ClassificationKey): SandboxClassification | undefined {
  const endorsementNo = key.endorsementNo?.trim();
  const requestNo = key.requestNo?.trim();
  if (requestNo) {
    const c = policy.classifications.find((x) => x.requestNo === requestNo);
    return c && (!endorsementNo || c.endorsementNo === endorsementNo) ? c : undefined;
  }
  return endorsementNo ? findByEndorsementNo(policy, endorsementNo) : undefined;
}

type Keyed<T> = { ok: true; req: T; classification: SandboxClassification; key: string } | { ok: false; reply: ErrorReply };

/**
 * Common checks of the operations on one classification, in RULES order: JSON body → the key
 * (422 naming `endorsementNo` when neither key is sent) → the other required fields (422) → the
 * schema (CLA009) → the classification exists on the policy (CLA002, 400 not 404).
 */
function readKeyedRequest<S extends z.ZodType<ClassificationKey>>(
  policy: PolicyState,
  body: JsonBody,
  required: readonly string[],
  schema: S,
): Keyed<z.infer<S>> {
  if (!body.ok) return { ok: false, reply: ruleError('classificationInvalid', { detail: body.error }) };
  if (!isPlainObject(body.value)) {
    return { ok: false, reply: ruleError('classificationInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' }) };
  }
  if (firstMissing(body.value, ['endorsementNo']) && firstMissing(body.value, ['requestNo'])) {
    return { ok: false, reply: ruleError('missingField', { field: CLASSIFICATION_KEY_FIELD }) };
  }
  const missing = firstMissing(body.value, required);
  if (missing) return { ok: false, reply: ruleError('missingField', { field: missing }) };
  const parsed = schema.safeParse(body.value);
  if (!parsed.success) return { ok: false, reply: ruleError('classificationInvalid', { detail: describeIssue(parsed.error.issues[0]) }) };
  const req = parsed.data as z.infer<S>;
  const classification = findByKey(policy, req);
  if (!classification) return { ok: false, reply: ruleError('classificationNotFound') };
  const key = (req.endorsementNo?.trim() || req.requestNo?.trim()) ?? '';
  return { ok: true, req, classification, key };
}

function stateConflict(c: SandboxClassification, key: string): ErrorReply {
  return ruleError('classificationStateConflict', { key, state: describeStatusCode(c.statusCode).label.es });
}

function operated(c: SandboxClassification): Reply {
  return { status: 200, body: { error: OK_ENVELOPE, debtor: classificationToWire(c) } };
}

/**
 * POST …/classifications/activate-deactivate ([inferred] body `{endorsementNo | requestNo, activeInd: "S"|"N"}`).
 * Only a classified suplemento can be switched; switching to the state it already has is a no-op.
 * A deactivated classification keeps its statusCode; sales on it answer CLA002 until it is activated.
 */
export function handleActivateDeactivate(ctx: HandlerContext, policy: PolicyState, body: JsonBody): Reply {
  const r = readKeyedRequest(policy, body, ACTIVATE_DEACTIVATE_REQUIRED, activateDeactivateRequestSchema);
  if (!r.ok) return r.reply;
  const c = r.classification;
  if (describeStatusCode(c.statusCode).state !== 'classified') return stateConflict(c, r.key);
  const active = r.req.activeInd === 'S';
  if ((c.active !== false) !== active) {
    c.active = active;
    ctx.store.updated();
  }
  return operated(c);
}

/**
 * POST …/classifications/cancel ([inferred] body `{endorsementNo | requestNo, cancellationReasonCode?}`):
 * "Baja": statusCode 66 with today's cancellationDate. Refused on a cancelled or denied request.
 */
export function handleClassificationCancel(ctx: HandlerContext, policy: PolicyState, body: JsonBody): Reply {
  const r = readKeyedRequest(policy, body, [], cancelClassificationRequestSchema);
  if (!r.ok) return r.reply;
  const c = r.classification;
  const state = describeStatusCode(c.statusCode).state;
  if (state === 'cancelled' || state === 'denied') return stateConflict(c, r.key);
  c.statusCode = STATUS.cancelled;
  c.cancellationDate = ctx.today();
  if (r.req.cancellationReasonCode !== undefined) c.cancellationReasonCode = r.req.cancellationReasonCode;
  ctx.store.updated();
  return operated(c);
}

/**
 * POST …/classifications/accept-deny-premium ([inferred] body `{endorsementNo | requestNo, premiumAcceptedInd: "S"|"N"}`):
 * answers the premium offered on the classification (`premium.status` 'offered' → 'accepted' / 'denied').
 * Other effects of a denial are unknown and not emulated.
 */
export function handleAcceptDenyPremium(ctx: HandlerContext, policy: PolicyState, body: JsonBody): Reply {
  const r = readKeyedRequest(policy, body, ACCEPT_DENY_PREMIUM_REQUIRED, acceptDenyPremiumRequestSchema);
  if (!r.ok) return r.reply;
  const c = r.classification;
  const state = describeStatusCode(c.statusCode).state;
  if (state === 'cancelled' || state === 'denied') return stateConflict(c, r.key);
  if (!c.premium || c.premium.status !== 'offered') return ruleError('premiumNotOffered', { key: r.key });
  c.premium.status = r.req.premiumAcceptedInd === 'S' ? 'accepted' : 'denied';
  ctx.store.updated();
  return operated(c);
}
