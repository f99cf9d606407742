import {
  compareDecimal,
  CREATE_COLLECTION_REQUIRED,
  createCollectionRequestSchema,
  fromMinorUnits,
  isNegative,
  toMinorUnits,
} from '@cesce-connect/core';
import { readWireAmount } from './amounts.js';
import { describeIssue, firstMissing, isPlainObject, type JsonBody } from './api.js';
import { compareNumeric, findByEndorsementNo } from './classifications.js';
import type { HandlerContext, Reply } from './context.js';
import type { SandboxCollection, SandboxSale } from './data.js';
import { ruleError } from './rules/messages.js';
import { readDate } from './sales.js';
import type { PolicyState } from './store.js';
import { collectionToWire, OK_ENVELOPE, wireAmount, wireDate } from './wire.js';

const norm = (s: string | undefined | null): string => (s ?? '').trim().toUpperCase();
const minor = (amount: string): bigint => toMinorUnits(amount, 2);

/**
 * What is still unpaid on a sale ([inferred]): its amount (a prórroga's `maturityAmount`), minus the
 * credit notes of its invoice (original sales only), minus the collections declared on it, minus
 * what was moved to its prórrogas. Never below zero. Exact on bigint minor units.
 */
export function outstandingOf(policy: PolicyState, sale: SandboxSale): string {
  let left = minor(sale.maturityAmount ?? sale.amount);
  if (sale.originalSaleCesceReferenceNo === undefined) {
    for (const s of policy.sales) {
      if (s.endorsementNo === sale.endorsementNo && s.originalInvoiceNo === sale.invoiceNo && isNegative(s.amount)) left += minor(s.amount);
    }
  }
  for (const c of policy.collections) if (c.saleCesceReferenceNo === sale.saleCesceReferenceNo) left -= minor(c.collectedAmount);
  for (const s of policy.sales) {
    if (s.originalSaleCesceReferenceNo === sale.saleCesceReferenceNo) left -= minor(s.maturityAmount ?? s.amount);
  }
  return fromMinorUnits(left < 0n ? 0n : left, 2);
}

/** The debtor's suplemento number from `client` (endorsementNo, or taxCode [+ countryCode]); undefined if none. */
function resolveDebtor(
  policy: PolicyState,
  client: { endorsementNo?: string | undefined; taxCode?: string | undefined; countryCode?: string | undefined },
): string | undefined {
  const endorsementNo = client.endorsementNo?.trim();
  const matchesTax = (c: { taxCode: string; countryCode: string }): boolean =>
    (!client.taxCode || norm(c.taxCode) === norm(client.taxCode)) && (!client.countryCode || norm(c.countryCode) === norm(client.countryCode));
  if (endorsementNo) {
    const c = findByEndorsementNo(policy, endorsementNo);
    return c && matchesTax(c) ? endorsementNo : undefined;
  }
  const found = policy.classifications
    .filter((c) => c.endorsementNo && matchesTax(c))
    .map((c) => c.endorsementNo!)
    .sort(compareNumeric);
  return found[0];
}

/**
 * POST …/collections/v1/contracts/{contractNo}/collections: the amount collected on a declared sale.
 * Required `client`, `sale`, `collectionDate` ([portal]) and `collectedAmount` ([inferred]).
 */
export function handleCollectionCreate(ctx: HandlerContext, policy: PolicyState, body: JsonBody): Reply {
  if (!body.ok) return ruleError('collectionInvalid', { detail: body.error });
  if (!isPlainObject(body.value)) return ruleError('collectionInvalid', { detail: 'el cuerpo de la petición debe ser un objeto JSON' });
  const missing = firstMissing(body.value, CREATE_COLLECTION_REQUIRED);
  if (missing) return ruleError('missingField', { field: missing });
  const parsed = createCollectionRequestSchema.safeParse(body.value);
  if (!parsed.success) return ruleError('collectionInvalid', { detail: describeIssue(parsed.error.issues[0]) });
  const req = parsed.data;

  const amount = readWireAmount(req.collectedAmount);
  if (!amount.ok) return ruleError('collectionInvalid', { detail: amount.detail });
  if (compareDecimal(amount.amount, '0') <= 0) {
    return ruleError('collectionInvalid', { detail: 'el importe cobrado (collectedAmount) debe ser mayor que cero' });
  }
  const date = readDate('collectionDate', req.collectionDate);
  if (!date.ok) return ruleError('collectionInvalid', { detail: date.detail });
  const today = ctx.today();
  if (date.iso > today) return ruleError('collectionInvalid', { detail: `la fecha de cobro (collectionDate) es posterior a hoy (${wireDate(today)})` });

  const endorsementNo = resolveDebtor(policy, req.client);
  if (!endorsementNo) return ruleError('classificationNotFound');

  let sale: SandboxSale | undefined;
  if (req.sale.saleCesceReferenceNo) {
    const ref = req.sale.saleCesceReferenceNo.trim();
    sale = policy.sales.find((s) => s.saleCesceReferenceNo === ref);
    if (!sale) return ruleError('saleNotFound', { saleCesceReferenceNo: ref });
  } else {
    const invoiceNo = (req.sale.invoiceNo ?? '').trim();
    let invoiceDate: string | undefined;
    if (req.sale.invoiceDate !== undefined) {
      const d = readDate('sale.invoiceDate', req.sale.invoiceDate);
      if (!d.ok) return ruleError('collectionInvalid', { detail: d.detail });
      invoiceDate = d.iso;
    }
    sale = policy.sales
      .filter(
        (s) =>
          s.endorsementNo === endorsementNo &&
          s.invoiceNo === invoiceNo &&
          s.originalSaleCesceReferenceNo === undefined &&
          !isNegative(s.amount) &&
          (invoiceDate === undefined || s.invoiceDate === invoiceDate),
      )
      .sort((a, b) => compareNumeric(a.saleCesceReferenceNo, b.saleCesceReferenceNo))[0];
    if (!sale) return ruleError('saleNotFound', { saleCesceReferenceNo: invoiceNo });
  }

  if (sale.endorsementNo !== endorsementNo) {
    return ruleError('collectionInvalid', {
      detail: `la venta ${sale.saleCesceReferenceNo} no corresponde al deudor indicado (suplemento ${endorsementNo})`,
    });
  }
  if (isNegative(sale.amount)) {
    return ruleError('collectionInvalid', { detail: `la venta ${sale.saleCesceReferenceNo} es un abono y no admite cobros` });
  }
  const currencyCode = req.currencyCode ?? sale.currencyCode;
  if (currencyCode !== sale.currencyCode) {
    return ruleError('collectionInvalid', { detail: `la divisa del cobro (${currencyCode}) no es la de la venta (${sale.currencyCode})` });
  }
  if (date.iso < sale.invoiceDate) {
    return ruleError('collectionInvalid', {
      detail: `la fecha de cobro (collectionDate) es anterior a la fecha de factura (${wireDate(sale.invoiceDate)})`,
    });
  }
  const outstanding = outstandingOf(policy, sale);
  if (compareDecimal(amount.amount, outstanding) > 0) {
    return ruleError('collectionExceedsOutstanding', {
      collectedAmount: wireAmount(amount.amount),
      saleCesceReferenceNo: sale.saleCesceReferenceNo,
      outstanding: wireAmount(outstanding),
    });
  }

  const collection: SandboxCollection = {
    collectionReferenceNo: ctx.store.nextCollectionReferenceNo(),
    saleCesceReferenceNo: sale.saleCesceReferenceNo,
    endorsementNo,
    collectionDate: date.iso,
    collectedAmount: amount.amount,
    currencyCode,
    declarationDate: today,
  };
  ctx.store.addCollection(policy, collection);
  return {
    status: 201,
    body: { error: OK_ENVELOPE, collection: collectionToWire(collection, sale.invoiceNo, outstandingOf(policy, sale)) },
  };
}
