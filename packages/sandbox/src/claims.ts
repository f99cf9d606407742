import {
  addDecimal,
  compareDecimal,
  DECLARE_NON_PAYMENT_REQUIRED,
  declareNonPaymentRequestSchema,
  dossiersListQuerySchema,
  fromMinorUnits,
  isNegative,
  MAX_DOCUMENT_BYTES,
  NEW_DOSSIER_NO,
  toMinorUnits,
  UPLOAD_DOCUMENT_REQUIRED,
  uploadDocumentRequestSchema,
  type OperationId,
} from '@cesce-connect/core';
import { readWireAmount } from './amounts.js';
import { describeIssue, firstMissing, isPlainObject, paginate, queryObject, type JsonBody } from './api.js';
import { compareNumeric, findByEndorsementNo } from './classifications.js';
import { outstandingOf } from './collections.js';
import type { HandlerContext, Reply } from './context.js';
import type { SandboxDossier, SandboxDossierEvent, SandboxNonPayment, SandboxSale } from './data.js';
import { ruleError } from './rules/messages.js';
import { DEFAULT_PAGE_SIZE } from './sales.js';
import type { PolicyState } from './store.js';
import { OK_ENVELOPE, wireAmount, wireDate } from './wire.js';

/**
 * Claims ([portal] operation list; everything else [inferred]): dossiers (expedientes), their
 * non-payments, settlements, recoveries, documents, processing steps, recovery procedures and
 * dates pending settlement. Declaring a non-payment on dossier "0" opens a dossier for the sale's
 * debtor, or adds to the debtor's open one.
 */

const sum = (amounts: string[]): string => amounts.reduce((a, b) => addDecimal(a, b), '0.00');
const minor = (amount: string): bigint => toMinorUnits(amount, 2);

function dossierToWire(policy: PolicyState, d: SandboxDossier): Record<string, string> {
  const debtor = findByEndorsementNo(policy, d.endorsementNo);
  const settled = policy.settlements.filter((s) => s.dossierNo === d.dossierNo).map((s) => s.amount);
  const recovered = (d.recoveries ?? []).map((r) => r.amount);
  return {
    dossierNo: d.dossierNo,
    endorsementNo: d.endorsementNo,
    taxCode: debtor?.taxCode ?? '',
    countryCode: debtor?.countryCode ?? '',
    companyName: debtor?.companyName ?? '',
    statusCode: d.statusCode,
    openingDate: wireDate(d.openingDate),
    closingDate: wireDate(d.closingDate),
    currencyCode: d.currencyCode,
    declaredAmount: wireAmount(sum((d.nonPayments ?? []).map((n) => n.unpaidAmount))),
    settledAmount: settled.length > 0 ? wireAmount(sum(settled)) : '',
    recoveredAmount: recovered.length > 0 ? wireAmount(sum(recovered)) : '',
  };
}

function nonPaymentToWire(policy: PolicyState, dossierNo: string, n: SandboxNonPayment): Record<string, string> {
  const sale = policy.sales.find((s) => s.saleCesceReferenceNo === n.saleCesceReferenceNo);
  return {
    internalNo: n.internalNo,
    dossierNo,
    saleCesceReferenceNo: n.saleCesceReferenceNo,
    invoiceNo: sale?.invoiceNo ?? '',
    dueDate: wireDate(sale?.dueDate),
    unpaidAmount: wireAmount(n.unpaidAmount),
    currencyCode: n.currencyCode,
    nonPaymentInd: 'S',
    declarationDate: wireDate(n.declarationDate),
    comments: n.comments ?? '',
  };
}

const list = <T>(items: T[]): T[] | null => (items.length > 0 ? items : null);
const ok = (body: Record<string, unknown>, status = 200): Reply => ({ status, body: { error: OK_ENVELOPE, ...body } });

function findDossier(policy: PolicyState, dossierNo: string): SandboxDossier | undefined {
  return policy.dossiers.find((d) => d.dossierNo === dossierNo);
}

/** What can still be declared unpaid on a sale: its outstanding amount minus the non-payments already declared on it. */
export function claimableOf(policy: PolicyState, sale: SandboxSale): string {
  let left = minor(outstandingOf(policy, sale));
  for (const d of policy.dossiers) {
    for (const n of d.nonPayments ?? []) if (n.saleCesceReferenceNo === sale.saleCesceReferenceNo) left -= minor(n.unpaidAmount);
  }
  return fromMinorUnits(left < 0n ? 0n : left, 2);
}

function nextEventNo(events: SandboxDossierEvent[] | undefined): string {
  return String((events ?? []).length + 1);
}

function addStep(d: SandboxDossier, date: string, code: string, description: string): void {
  d.processingSteps = [...(d.processingSteps ?? []), { no: nextEventNo(d.processingSteps), date, code, description }];
}

/** GET …/dossiers?endorsementNo=&statusCode=A|C&pageNo=&pageSize= */
function listDossiers(policy: PolicyState, query: URLSearchParams): Reply {
  const parsed = dossiersListQuerySchema.safeParse(queryObject(query));
  if (!parsed.success) return ruleError('queryInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const q = parsed.data;
  const pageNo = q.pageNo ?? 1;
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  const matching = policy.dossiers
    .filter((d) => (!q.endorsementNo || d.endorsementNo === q.endorsementNo) && (!q.statusCode || d.statusCode === q.statusCode))
    .sort((a, b) => compareNumeric(a.dossierNo, b.dossierNo));
  const { page, pagination } = paginate(matching, pageNo, pageSize);
  return ok({ dossiers: list(page.map((d) => dossierToWire(policy, d))), pagination });
}

/** POST …/dossiers/{dossierNo}/non-payments: the aviso de impago. */
function declareNonPayment(ctx: HandlerContext, policy: PolicyState, dossierNo: string, body: JsonBody): Reply {
  if (!body.ok) return ruleError('nonPaymentInvalid', { detail: body.error });
  if (!isPlainObject(body.value)) return ruleError('nonPaymentInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' });
  const missing = firstMissing(body.value, DECLARE_NON_PAYMENT_REQUIRED);
  if (missing) return ruleError('missingField', { field: missing });
  const parsed = declareNonPaymentRequestSchema.safeParse(body.value);
  if (!parsed.success) return ruleError('nonPaymentInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const req = parsed.data;

  const opening = dossierNo === NEW_DOSSIER_NO;
  let dossier = opening ? undefined : findDossier(policy, dossierNo);
  if (!opening && !dossier) return ruleError('dossierNotFound', { dossierNo });
  const ref = req.saleCesceReferenceNo.trim();
  const sale = policy.sales.find((s) => s.saleCesceReferenceNo === ref);
  if (!sale) return ruleError('saleNotFound', { saleCesceReferenceNo: ref });

  if (req.nonPaymentInd !== 'S') {
    return ruleError('nonPaymentInvalid', { detail: "el indicador de impago (nonPaymentInd) debe ser 'S' para declarar un impago" });
  }
  const amount = readWireAmount(req.unpaidAmount);
  if (!amount.ok) return ruleError('nonPaymentInvalid', { detail: amount.detail });
  if (compareDecimal(amount.amount, '0') <= 0) {
    return ruleError('nonPaymentInvalid', { detail: 'el importe impagado (unpaidAmount) debe ser mayor que cero' });
  }
  if (isNegative(sale.amount)) {
    return ruleError('nonPaymentInvalid', { detail: `la venta ${sale.saleCesceReferenceNo} es un abono y no admite impagos` });
  }
  const currencyCode = req.currencyCode ?? sale.currencyCode;
  if (currencyCode !== sale.currencyCode) {
    return ruleError('nonPaymentInvalid', { detail: `la divisa del impago (${currencyCode}) no es la de la venta (${sale.currencyCode})` });
  }
  if (dossier && dossier.endorsementNo !== sale.endorsementNo) {
    return ruleError('nonPaymentInvalid', {
      detail: `la venta ${sale.saleCesceReferenceNo} no corresponde al deudor del expediente ${dossier.dossierNo} (suplemento ${dossier.endorsementNo})`,
    });
  }
  if (dossier && dossier.statusCode !== 'A') {
    return ruleError('nonPaymentInvalid', { detail: `el expediente ${dossier.dossierNo} está cerrado` });
  }
  const claimable = claimableOf(policy, sale);
  if (compareDecimal(amount.amount, claimable) > 0) {
    return ruleError('nonPaymentExceedsOutstanding', {
      unpaidAmount: wireAmount(amount.amount),
      saleCesceReferenceNo: sale.saleCesceReferenceNo,
      outstanding: wireAmount(claimable),
    });
  }

  const today = ctx.today();
  if (!dossier) {
    dossier = policy.dossiers.find((d) => d.endorsementNo === sale.endorsementNo && d.statusCode === 'A');
    if (!dossier) {
      dossier = {
        dossierNo: ctx.store.nextDossierNo(),
        endorsementNo: sale.endorsementNo,
        statusCode: 'A',
        openingDate: today,
        currencyCode: sale.currencyCode,
        nonPayments: [],
      };
      addStep(dossier, today, 'APE', 'Apertura del expediente por aviso de impago');
      policy.dossiers.push(dossier);
    }
  }
  const nonPayment: SandboxNonPayment = {
    internalNo: String((dossier.nonPayments ?? []).reduce((max, n) => Math.max(max, Number(n.internalNo) || 0), 0) + 1),
    saleCesceReferenceNo: sale.saleCesceReferenceNo,
    unpaidAmount: amount.amount,
    currencyCode,
    declarationDate: today,
    ...(req.comments !== undefined ? { comments: req.comments } : {}),
  };
  dossier.nonPayments = [...(dossier.nonPayments ?? []), nonPayment];
  addStep(dossier, today, 'AVI', `Aviso de impago ${nonPayment.internalNo} (venta ${sale.saleCesceReferenceNo})`);
  ctx.store.updated();
  return ok({ dossier: dossierToWire(policy, dossier), nonPayment: nonPaymentToWire(policy, dossier.dossierNo, nonPayment) }, 201);
}

/** POST …/dossiers/{dossierNo}/documents ([inferred] path): `{fileName, mimeType?, content (base64), description?}`. */
function uploadDocument(ctx: HandlerContext, policy: PolicyState, dossier: SandboxDossier, body: JsonBody): Reply {
  if (!body.ok) return ruleError('documentInvalid', { detail: body.error });
  if (!isPlainObject(body.value)) return ruleError('documentInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' });
  const missing = firstMissing(body.value, UPLOAD_DOCUMENT_REQUIRED);
  if (missing) return ruleError('missingField', { field: missing });
  const parsed = uploadDocumentRequestSchema.safeParse(body.value);
  if (!parsed.success) return ruleError('documentInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const req = parsed.data;
  if (req.content.length % 4 !== 0) return ruleError('documentInvalid', { detail: "el campo 'content' no es base64 válido (longitud)" });
  const size = Buffer.from(req.content, 'base64').byteLength;
  if (size === 0) return ruleError('documentInvalid', { detail: 'el documento está vacío' });
  if (size > MAX_DOCUMENT_BYTES) return ruleError('documentTooLarge', { fileName: req.fileName, size, max: MAX_DOCUMENT_BYTES });
  if (dossier.statusCode !== 'A') return ruleError('documentInvalid', { detail: `el expediente ${dossier.dossierNo} está cerrado` });
  const today = ctx.today();
  const doc = {
    documentNo: ctx.store.nextDocumentNo(),
    fileName: req.fileName,
    ...(req.mimeType !== undefined ? { mimeType: req.mimeType } : {}),
    sizeBytes: size,
    uploadDate: today,
    ...(req.description !== undefined ? { description: req.description } : {}),
  };
  dossier.documents = [...(dossier.documents ?? []), doc];
  addStep(dossier, today, 'DOC', `Aportación del documento ${doc.fileName}`);
  ctx.store.updated();
  return ok({ document: documentToWire(dossier, doc) }, 201);
}

function documentToWire(d: SandboxDossier, doc: NonNullable<SandboxDossier['documents']>[number]): Record<string, string> {
  return {
    documentNo: doc.documentNo,
    dossierNo: d.dossierNo,
    fileName: doc.fileName,
    mimeType: doc.mimeType ?? '',
    sizeBytes: String(doc.sizeBytes),
    uploadDate: wireDate(doc.uploadDate),
    description: doc.description ?? '',
  };
}

/** Every Claims operation. `params` are the route's path parameters. */
export function handleClaims(
  ctx: HandlerContext,
  policy: PolicyState,
  operation: OperationId,
  params: Record<string, string>,
  query: URLSearchParams,
  body: () => JsonBody,
): Reply {
  if (operation === 'claims.dossiers') return listDossiers(policy, query);
  if (operation === 'claims.settlements') {
    const all = [...policy.settlements].sort((a, b) => compareNumeric(a.settlementNo, b.settlementNo));
    return ok({ settlements: list(all.map(settlementToWire)) });
  }
  if (operation === 'claims.settlement' || operation === 'claims.unpaidSettlements') {
    const settlementNo = params.settlementNo ?? '';
    const s = policy.settlements.find((x) => x.settlementNo === settlementNo);
    if (!s) return ruleError('settlementNotFound', { settlementNo });
    if (operation === 'claims.settlement') return ok({ settlement: settlementToWire(s) });
    const d = findDossier(policy, s.dossierNo);
    const covered = (d?.nonPayments ?? []).filter((n) => s.internalNos.includes(n.internalNo));
    return ok({ nonPayments: list(covered.map((n) => nonPaymentToWire(policy, s.dossierNo, n))) });
  }
  if (operation === 'claims.declareNonPayment') return declareNonPayment(ctx, policy, params.dossierNo ?? '', body());

  let dossierNo = params.dossierNo;
  if (operation === 'claims.documents') {
    dossierNo = queryObject(query).dossierNo;
    if (!dossierNo) return ruleError('missingField', { field: 'dossierNo' });
  }
  const d = findDossier(policy, dossierNo ?? '');
  if (!d) return ruleError('dossierNotFound', { dossierNo: dossierNo ?? '' });
  switch (operation) {
    case 'claims.dossier':
      return ok({ dossier: dossierToWire(policy, d) });
    case 'claims.nonPayments':
      return ok({ nonPayments: list((d.nonPayments ?? []).map((n) => nonPaymentToWire(policy, d.dossierNo, n))) });
    case 'claims.nonPayment': {
      const internalNo = params.internalNo ?? '';
      const n = (d.nonPayments ?? []).find((x) => x.internalNo === internalNo);
      if (!n) return ruleError('nonPaymentNotFound', { internalNo, dossierNo: d.dossierNo });
      return ok({ nonPayment: nonPaymentToWire(policy, d.dossierNo, n) });
    }
    case 'claims.recoveries':
      return ok({
        recoveries: list(
          (d.recoveries ?? []).map((r) => ({
            recoveryNo: r.recoveryNo,
            dossierNo: d.dossierNo,
            recoveryDate: wireDate(r.recoveryDate),
            recoveredAmount: wireAmount(r.amount),
            currencyCode: r.currencyCode,
          })),
        ),
      });
    case 'claims.documents':
      return ok({ documents: list((d.documents ?? []).map((doc) => documentToWire(d, doc))) });
    case 'claims.uploadDocument':
      return uploadDocument(ctx, policy, d, body());
    case 'claims.processingSteps':
      return ok({
        processingSteps: list(
          (d.processingSteps ?? []).map((e) => ({ stepNo: e.no, stepDate: wireDate(e.date), stepCode: e.code, description: e.description ?? '' })),
        ),
      });
    case 'claims.recoveryProcedures':
      return ok({
        recoveryProcedures: list(
          (d.recoveryProcedures ?? []).map((e) => ({
            procedureNo: e.no,
            procedureDate: wireDate(e.date),
            procedureCode: e.code,
            description: e.description ?? '',
          })),
        ),
      });
    case 'claims.datesPendingSettlements':
      return ok({
        datesPendingSettlements: list(
          (d.datesPendingSettlement ?? []).map((p) => ({
            pendingSettlementDate: wireDate(p.date),
            pendingAmount: p.amount !== undefined ? wireAmount(p.amount) : '',
            currencyCode: d.currencyCode,
            description: p.description ?? '',
          })),
        ),
      });
    default:
      return ruleError('internalError', { detail: `operación ${operation} sin manejador` });
  }
}

function settlementToWire(s: PolicyState['settlements'][number]): Record<string, string> {
  return {
    settlementNo: s.settlementNo,
    dossierNo: s.dossierNo,
    settlementDate: wireDate(s.settlementDate),
    settledAmount: wireAmount(s.amount),
    currencyCode: s.currencyCode,
    statusCode: s.statusCode ?? '',
  };
}
