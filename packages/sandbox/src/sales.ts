import {
  CREATE_SALE_REQUIRED,
  createSaleRequestSchema,
  daysBetween,
  describeStatusCode,
  fromCesceDate,
  isNegative,
  isZero,
  salesListQuerySchema,
} from '@cesce-connect/core';
import { readWireAmount } from './amounts.js';
import { describeIssue, firstMissing, isPlainObject, queryObject, type JsonBody } from './api.js';
import { compareNumeric } from './classifications.js';
import type { HandlerContext, Reply } from './context.js';
import type { SandboxClassification, SandboxSale } from './data.js';
import { ruleError } from './rules/messages.js';
import type { PolicyState } from './store.js';
import { OK_ENVELOPE, saleToWire } from './wire.js';

export const DEFAULT_PAGE_SIZE = 50;

function readDate(field: string, text: string): { ok: true; iso: string } | { ok: false; detail: string } {
  try {
    const iso = fromCesceDate(text);
    if (iso) return { ok: true, iso };
  } catch {
    // fall through
  }
  return { ok: false, detail: `la fecha ${field} '${text}' no es una fecha válida (yyyyMMdd)` };
}

/** The debtor's classification for an endorsementNo: an active one first, else a cancelled one. */
function findClassification(policy: PolicyState, endorsementNo: string): SandboxClassification | undefined {
  const all = policy.classifications.filter((c) => c.endorsementNo === endorsementNo);
  return (
    all.find((c) => describeStatusCode(c.statusCode).state === 'classified') ??
    all.find((c) => describeStatusCode(c.statusCode).state === 'cancelled') ??
    all[0]
  );
}

/** POST …/sales: declare a sale (or a credit note: negative amount). Rules checked in RULES order. */
export function handleSaleCreate(ctx: HandlerContext, policy: PolicyState, body: JsonBody): Reply {
  if (!body.ok) return ruleError('saleInvalid', { detail: body.error });
  if (!isPlainObject(body.value)) return ruleError('saleInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' });
  const missing = firstMissing(body.value, CREATE_SALE_REQUIRED);
  if (missing) return ruleError('missingField', { field: missing });
  const parsed = createSaleRequestSchema.safeParse(body.value);
  if (!parsed.success) return ruleError('saleInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const req = parsed.data;

  const amount = readWireAmount(req.amount);
  if (!amount.ok) return ruleError('saleInvalid', { detail: amount.detail });
  const invoiceDate = readDate('invoiceDate', req.invoiceDate);
  if (!invoiceDate.ok) return ruleError('saleInvalid', { detail: invoiceDate.detail });
  const dueDate = readDate('dueDate', req.dueDate);
  if (!dueDate.ok) return ruleError('saleInvalid', { detail: dueDate.detail });
  const days = daysBetween(invoiceDate.iso, dueDate.iso);
  if (days < 0) {
    return ruleError('saleInvalid', { detail: 'la fecha de vencimiento (dueDate) es anterior a la fecha de factura (invoiceDate)' });
  }
  if (isZero(amount.amount)) return ruleError('saleInvalid', { detail: 'el importe (amount) no puede ser cero' });

  const endorsementNo = req.endorsementNo.trim();
  const classification = findClassification(policy, endorsementNo);
  const state = classification ? describeStatusCode(classification.statusCode).state : 'missing';
  if (!classification || (state !== 'classified' && state !== 'cancelled')) {
    return ruleError('saleWithoutClassification', { endorsementNo });
  }
  const lapsed = classification.validityDate ? invoiceDate.iso > classification.validityDate : false;
  if ((state === 'cancelled' || lapsed) && !policy.options.endorsements) return ruleError('endorsementsNotIncluded');

  if (!policy.currencies.includes(req.currencyCode)) return ruleError('currencyNotAllowed', { currency: req.currencyCode });
  if (days > policy.options.maxPaymentTermDays) {
    return ruleError('paymentTermTooLong', { days, max: policy.options.maxPaymentTermDays });
  }

  const negative = isNegative(amount.amount);
  const originalInvoiceNo = req.originalInvoiceNo?.trim() || undefined;
  if (negative) {
    if (!policy.options.creditNotes) return ruleError('creditNotesNotIncluded');
    const offsets =
      originalInvoiceNo !== undefined &&
      policy.sales.some(
        (s) => s.endorsementNo === endorsementNo && s.invoiceNo === originalInvoiceNo && !isNegative(s.amount) && !isZero(s.amount),
      );
    if (!offsets) return ruleError('creditNoteWithoutSale', { originalInvoiceNo: originalInvoiceNo ?? '(no indicada)' });
  }

  const invoiceNo = req.invoiceNo.trim();
  if (policy.options.rejectDuplicateInvoices) {
    const duplicate = policy.sales.some(
      (s) => s.endorsementNo === endorsementNo && s.invoiceNo === invoiceNo && isNegative(s.amount) === negative,
    );
    if (duplicate) return ruleError('duplicateInvoice', { invoiceNo });
  }

  const sale: SandboxSale = {
    saleCesceReferenceNo: ctx.store.nextSaleCesceReferenceNo(),
    endorsementNo,
    invoiceNo,
    invoiceDate: invoiceDate.iso,
    dueDate: dueDate.iso,
    amount: amount.amount,
    currencyCode: req.currencyCode,
    originalInvoiceNo: originalInvoiceNo ?? null,
    declarationDate: ctx.today(),
    ...(req.taxCode !== undefined ? { taxCode: req.taxCode } : {}),
    ...(req.countryCode !== undefined ? { countryCode: req.countryCode } : {}),
    ...(req.customerReference !== undefined ? { customerReference: req.customerReference } : {}),
    ...(req.subsidiaryCode !== undefined ? { subsidiaryCode: req.subsidiaryCode } : {}),
  };
  ctx.store.addSale(policy, sale);
  return { status: 201, body: { error: OK_ENVELOPE, sale: saleToWire(sale) } };
}

/** GET …/sales?endorsementNo=&invoiceMonth=yyyyMM&pageNo=&pageSize= */
export function handleSalesList(_ctx: HandlerContext, policy: PolicyState, query: URLSearchParams): Reply {
  const parsed = salesListQuerySchema.safeParse(queryObject(query));
  if (!parsed.success) return ruleError('queryInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const q = parsed.data;
  const pageNo = q.pageNo ?? 1;
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  const matching = policy.sales
    .filter(
      (s) =>
        (!q.endorsementNo || s.endorsementNo === q.endorsementNo) &&
        (!q.invoiceMonth || s.invoiceDate.replaceAll('-', '').slice(0, 6) === q.invoiceMonth),
    )
    .sort((a, b) => compareNumeric(a.saleCesceReferenceNo, b.saleCesceReferenceNo));
  const page = matching.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  return {
    status: 200,
    body: {
      error: OK_ENVELOPE,
      sales: page.length > 0 ? page.map(saleToWire) : null,
      pagination: {
        pageNo: String(pageNo),
        pageSize: String(pageSize),
        totalPages: String(Math.ceil(matching.length / pageSize)),
        totalElements: String(matching.length),
      },
    },
  };
}

/** GET …/sale?saleCesceReferenceNo= */
export function handleSaleConsult(_ctx: HandlerContext, policy: PolicyState, query: URLSearchParams): Reply {
  const ref = queryObject(query).saleCesceReferenceNo;
  if (!ref) return ruleError('missingField', { field: 'saleCesceReferenceNo' });
  const sale = policy.sales.find((s) => s.saleCesceReferenceNo === ref);
  if (!sale) return ruleError('saleNotFound', { saleCesceReferenceNo: ref });
  return { status: 200, body: { error: OK_ENVELOPE, sale: saleToWire(sale) } };
}
