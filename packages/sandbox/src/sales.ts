import {
  compareDecimal,
  CREATE_SALE_REQUIRED,
  createSaleRequestSchema,
  daysBetween,
  describeStatusCode,
  fromCesceDate,
  isNegative,
  isZero,
  MODIFY_SALE_REQUIRED,
  modifySaleRequestSchema,
  PROROGUE_SALE_REQUIRED,
  SALE_CORRECTABLE_FIELDS,
  salesListQuerySchema,
  type ModifySaleRequest,
} from '@cesce-connect/core';
import { readWireAmount } from './amounts.js';
import { describeIssue, firstMissing, isPlainObject, paginate, queryObject, type JsonBody } from './api.js';
import { compareNumeric, findByEndorsementNo } from './classifications.js';
import type { HandlerContext, Reply } from './context.js';
import type { SandboxSale } from './data.js';
import { ruleError, type ErrorReply } from './rules/messages.js';
import type { PolicyState } from './store.js';
import { OK_ENVELOPE, saleToWire, subsidiaryToWire, wireAmount, wireDate } from './wire.js';

export const DEFAULT_PAGE_SIZE = 50;

export function readDate(field: string, text: string): { ok: true; iso: string } | { ok: false; detail: string } {
  try {
    const iso = fromCesceDate(text);
    if (iso) return { ok: true, iso };
  } catch {
    // fall through
  }
  return { ok: false, detail: `la fecha ${field} '${text}' no es una fecha válida (yyyyMMdd)` };
}

/**
 * Declaration and prórroga: the debtor's suplemento must be classified and active (CLA002), and a
 * cancelled or lapsed one (an endorsed sale) needs the Endosos suplemento (POL006).
 */
function checkCover(policy: PolicyState, endorsementNo: string, invoiceDate: string): ErrorReply | undefined {
  const classification = findByEndorsementNo(policy, endorsementNo);
  const state = classification ? describeStatusCode(classification.statusCode).state : 'missing';
  if (!classification || (state !== 'classified' && state !== 'cancelled') || classification.active === false) {
    return ruleError('saleWithoutClassification', { endorsementNo });
  }
  const lapsed = classification.validityDate ? invoiceDate > classification.validityDate : false;
  if ((state === 'cancelled' || lapsed) && !policy.options.endorsements) return ruleError('endorsementsNotIncluded');
  return undefined;
}

/** Another sale of the debtor with the same invoice number and sign (duplicate declaration). */
function hasDuplicate(policy: PolicyState, endorsementNo: string, invoiceNo: string, negative: boolean, except?: SandboxSale): boolean {
  return policy.sales.some(
    (s) => s !== except && s.endorsementNo === endorsementNo && s.invoiceNo === invoiceNo && isNegative(s.amount) === negative,
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
  const cover = checkCover(policy, endorsementNo, invoiceDate.iso);
  if (cover) return cover;

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
  if (policy.options.rejectDuplicateInvoices && hasDuplicate(policy, endorsementNo, invoiceNo, negative)) {
    return ruleError('duplicateInvoice', { invoiceNo });
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
  const { page, pagination } = paginate(matching, pageNo, pageSize);
  return { status: 200, body: { error: OK_ENVELOPE, sales: page.length > 0 ? page.map(saleToWire) : null, pagination } };
}

/** GET …/sale?saleCesceReferenceNo= */
export function handleSaleConsult(_ctx: HandlerContext, policy: PolicyState, query: URLSearchParams): Reply {
  const ref = queryObject(query).saleCesceReferenceNo;
  if (!ref) return ruleError('missingField', { field: 'saleCesceReferenceNo' });
  const sale = policy.sales.find((s) => s.saleCesceReferenceNo === ref);
  if (!sale) return ruleError('saleNotFound', { saleCesceReferenceNo: ref });
  return { status: 200, body: { error: OK_ENVELOPE, sale: saleToWire(sale) } };
}

/**
 * POST …/sale (Modify Sale, [portal] path). [inferred] body: `saleCesceReferenceNo` names the sale;
 * `extensionInd: "S"` asks for a prórroga (a NEW sale), anything else is a correction of the sale
 * itself. Published rules: modify only corrects errors; a prórroga gets a different
 * `saleCesceReferenceNo` and a `maturityAmount` that never exceeds the original invoice amount.
 */
export function handleSaleModify(ctx: HandlerContext, policy: PolicyState, body: JsonBody): Reply {
  if (!body.ok) return ruleError('saleInvalid', { detail: body.error });
  if (!isPlainObject(body.value)) return ruleError('saleInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' });
  const extension = body.value.extensionInd === 'S';
  const missing = firstMissing(body.value, extension ? PROROGUE_SALE_REQUIRED : MODIFY_SALE_REQUIRED);
  if (missing) return ruleError('missingField', { field: missing });
  const parsed = modifySaleRequestSchema.safeParse(body.value);
  if (!parsed.success) return ruleError('saleInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const req = parsed.data;
  const ref = req.saleCesceReferenceNo.trim();
  const sale = policy.sales.find((s) => s.saleCesceReferenceNo === ref);
  if (!sale) return ruleError('saleNotFound', { saleCesceReferenceNo: ref });
  if (req.endorsementNo !== undefined && req.endorsementNo.trim() !== sale.endorsementNo) {
    return ruleError('saleInvalid', {
      detail: 'el deudor (endorsementNo) de una venta no se puede modificar: declare un abono y una venta nueva',
    });
  }
  return extension ? prorogue(ctx, policy, sale, req) : correct(ctx, policy, sale, req);
}

/** Correction: the same sale, the given fields corrected and checked as in a declaration. */
function correct(ctx: HandlerContext, policy: PolicyState, sale: SandboxSale, req: ModifySaleRequest): Reply {
  if (req.maturityAmount !== undefined) {
    return ruleError('saleInvalid', { detail: "maturityAmount solo se admite en una prórroga (extensionInd 'S')" });
  }
  if (!SALE_CORRECTABLE_FIELDS.some((f) => req[f] !== undefined)) {
    return ruleError('saleInvalid', {
      detail: `la modificación no indica ningún campo a corregir (${SALE_CORRECTABLE_FIELDS.join(', ')})`,
    });
  }
  let amount = sale.amount;
  if (req.amount !== undefined) {
    const read = readWireAmount(req.amount);
    if (!read.ok) return ruleError('saleInvalid', { detail: read.detail });
    amount = read.amount;
  }
  let invoiceDate = sale.invoiceDate;
  if (req.invoiceDate !== undefined) {
    const read = readDate('invoiceDate', req.invoiceDate);
    if (!read.ok) return ruleError('saleInvalid', { detail: read.detail });
    invoiceDate = read.iso;
  }
  let dueDate = sale.dueDate;
  if (req.dueDate !== undefined) {
    const read = readDate('dueDate', req.dueDate);
    if (!read.ok) return ruleError('saleInvalid', { detail: read.detail });
    dueDate = read.iso;
  }
  const days = daysBetween(invoiceDate, dueDate);
  if (days < 0) {
    return ruleError('saleInvalid', { detail: 'la fecha de vencimiento (dueDate) es anterior a la fecha de factura (invoiceDate)' });
  }
  if (isZero(amount)) return ruleError('saleInvalid', { detail: 'el importe (amount) no puede ser cero' });
  const negative = isNegative(sale.amount);
  if (isNegative(amount) !== negative) {
    return ruleError('saleInvalid', { detail: 'una corrección no puede cambiar el signo del importe: declare un abono' });
  }
  const currencyCode = req.currencyCode ?? sale.currencyCode;
  if (!policy.currencies.includes(currencyCode)) return ruleError('currencyNotAllowed', { currency: currencyCode });
  if (days > policy.options.maxPaymentTermDays) {
    return ruleError('paymentTermTooLong', { days, max: policy.options.maxPaymentTermDays });
  }
  const invoiceNo = req.invoiceNo?.trim() ?? sale.invoiceNo;
  if (policy.options.rejectDuplicateInvoices && hasDuplicate(policy, sale.endorsementNo, invoiceNo, negative, sale)) {
    return ruleError('duplicateInvoice', { invoiceNo });
  }

  Object.assign(sale, {
    invoiceNo,
    invoiceDate,
    dueDate,
    amount,
    currencyCode,
    modificationDate: ctx.today(),
    ...(req.customerReference !== undefined ? { customerReference: req.customerReference } : {}),
    ...(req.subsidiaryCode !== undefined ? { subsidiaryCode: req.subsidiaryCode } : {}),
  });
  ctx.store.updated();
  return { status: 200, body: { error: OK_ENVELOPE, sale: saleToWire(sale) } };
}

/** Prórroga: a NEW sale for the same invoice with a later due date and the unpaid amount. */
function prorogue(ctx: HandlerContext, policy: PolicyState, sale: SandboxSale, req: ModifySaleRequest): Reply {
  const extra = SALE_CORRECTABLE_FIELDS.filter((f) => f !== 'dueDate' && req[f] !== undefined);
  if (extra.length > 0) {
    return ruleError('saleInvalid', {
      detail: `una prórroga solo admite dueDate y maturityAmount; para corregir ${extra.join(', ')} envíe una modificación sin extensionInd`,
    });
  }
  if (isNegative(sale.amount)) return ruleError('saleInvalid', { detail: 'un abono no se puede prorrogar' });
  const dueDate = readDate('dueDate', req.dueDate ?? '');
  if (!dueDate.ok) return ruleError('saleInvalid', { detail: dueDate.detail });
  if (dueDate.iso <= sale.dueDate) {
    return ruleError('saleInvalid', {
      detail: `la nueva fecha de vencimiento (dueDate) debe ser posterior a la de la venta ${sale.saleCesceReferenceNo} (${wireDate(sale.dueDate)})`,
    });
  }
  const maturity = readWireAmount(req.maturityAmount ?? '');
  if (!maturity.ok) return ruleError('saleInvalid', { detail: maturity.detail });
  if (compareDecimal(maturity.amount, '0') <= 0) {
    return ruleError('saleInvalid', { detail: 'el importe pendiente (maturityAmount) debe ser mayor que cero' });
  }
  if (compareDecimal(maturity.amount, sale.amount) > 0) {
    return ruleError('maturityAmountExceeded', {
      maturityAmount: wireAmount(maturity.amount),
      invoiceNo: sale.invoiceNo,
      amount: wireAmount(sale.amount),
    });
  }
  const cover = checkCover(policy, sale.endorsementNo, sale.invoiceDate);
  if (cover) return cover;

  const extended: SandboxSale = {
    saleCesceReferenceNo: ctx.store.nextSaleCesceReferenceNo(),
    endorsementNo: sale.endorsementNo,
    invoiceNo: sale.invoiceNo,
    invoiceDate: sale.invoiceDate,
    dueDate: dueDate.iso,
    amount: sale.amount,
    currencyCode: sale.currencyCode,
    originalInvoiceNo: null,
    declarationDate: ctx.today(),
    ...(sale.taxCode !== undefined ? { taxCode: sale.taxCode } : {}),
    ...(sale.countryCode !== undefined ? { countryCode: sale.countryCode } : {}),
    ...(sale.customerReference !== undefined ? { customerReference: sale.customerReference } : {}),
    ...(sale.subsidiaryCode !== undefined ? { subsidiaryCode: sale.subsidiaryCode } : {}),
    maturityAmount: maturity.amount,
    originalSaleCesceReferenceNo: sale.saleCesceReferenceNo,
  };
  ctx.store.addSale(policy, extended);
  return { status: 201, body: { error: OK_ENVELOPE, sale: saleToWire(extended) } };
}

/** GET …/subsidiaries: the policy's subsidiaries that are active now; `null` when there are none. */
export function handleSubsidiaries(_ctx: HandlerContext, policy: PolicyState): Reply {
  const active = (policy.subsidiaries ?? []).filter((s) => s.active !== false);
  return {
    status: 200,
    body: {
      error: OK_ENVELOPE,
      client: { contractNo: policy.contractNo },
      subsidiaries: active.length > 0 ? active.map(subsidiaryToWire) : null,
    },
  };
}
