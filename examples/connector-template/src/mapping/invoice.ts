import { abs, isNegative, isZero, money } from '@cesce-connect/core';
import type { DocumentKind, MappingIssue, SaleDocument } from '@cesce-connect/core';
import type { AcmeInvoice } from '../acme-types.js';
import { currencyDecimals, decimal, plainDate, text } from './values.js';

const KINDS: Record<string, DocumentKind> = { invoice: 'invoice', credit_memo: 'credit_note' };

/** Posted invoices and credit memos are sales; drafts, voided documents and unknown types are not. */
export function isSaleDocument(record: AcmeInvoice): boolean {
  return record.status === 'posted' && typeof record.type === 'string' && record.type in KINDS;
}

/** "invoice 1203 A-2026-0012" / "credit memo 1210 R-2026-0003". */
export function invoiceRef(id: number, type: string | undefined, number: string | null): string {
  const what = type === 'credit_memo' ? 'credit memo' : 'invoice';
  return number ? `${what} ${id} ${number}` : `${what} ${id}`;
}

/**
 * Maps a posted Acme invoice or credit memo onto a `SaleDocument`. Pure. The total is exact
 * (decimal string at the currency's decimals) and positive: Acme signs credit memos negative,
 * the neutral model carries the sign in `kind`.
 */
export function mapInvoice(record: AcmeInvoice): SaleDocument {
  if (!Number.isSafeInteger(record.id)) throw new TypeError(`Acme invoice without an integer id: ${JSON.stringify(record.id)}`);
  const kind = record.type ? KINDS[record.type] : undefined;
  if (!kind) throw new TypeError(`Acme invoice ${record.id} has type ${JSON.stringify(record.type)}, not invoice/credit_memo`);
  const number = text(record.number);
  const ref = invoiceRef(record.id, record.type, number);
  const issues: MappingIssue[] = [];
  const issue = (field: string, message: string, severity: MappingIssue['severity'] = 'blocking') => issues.push({ record: ref, field, message, severity });

  if (!number) issue('number', 'the document has no number');
  const customerId = record.customerId;
  const hasCustomer = typeof customerId === 'number' && Number.isSafeInteger(customerId);
  if (!hasCustomer) issue('customerId', 'the document has no customer');

  const invoiceDate = plainDate(record.issueDate);
  if (invoiceDate === null) issue('issueDate', 'the document has no issue date');
  else if (invoiceDate === undefined) issue('issueDate', `'${String(record.issueDate)}' is not a valid date`);
  const due = plainDate(record.dueDate);
  if (due === null) issue('dueDate', 'the document has no due date');
  else if (due === undefined) issue('dueDate', `'${String(record.dueDate)}' is not a valid date`);
  else if (invoiceDate && due < invoiceDate) issue('dueDate', `the due date ${due} is before the issue date ${invoiceDate}`);

  const currency = text(record.currency)?.toUpperCase() ?? null;
  const decimals = currency ? currencyDecimals(currency) : null;
  if (!currency) issue('currency', 'the document has no currency');
  else if (decimals === null) issue('currency', `'${currency}' is not an ISO 4217 currency`);
  const signed = decimal(record.total, decimals ?? 2);
  if (signed === null) issue('total', 'the document has no total');
  else if (signed === undefined) issue('total', `${JSON.stringify(record.total)} is not an amount`);
  else if (isZero(signed)) issue('total', 'the total is zero: there is nothing to declare');
  else if (kind === 'invoice' && isNegative(signed)) issue('total', `the total ${signed} is negative: a refund must be a credit memo`);
  const total = money(decimals === null ? 'XXX' : currency!, signed ? abs(signed) : '0', decimals ?? 2);

  let originErpId: string | null = null;
  let originNumber: string | null = null;
  if (kind === 'credit_note') {
    const origin = record.corrects;
    if (origin && Number.isSafeInteger(origin.id)) {
      originErpId = String(origin.id);
      originNumber = text(origin.number);
    } else {
      issue('corrects', 'the credit memo does not say which invoice it corrects: it is not declared until it is linked');
    }
  }

  return {
    kind,
    erpId: String(record.id),
    number: number ?? '',
    ref,
    debtorErpId: hasCustomer ? String(customerId) : '',
    invoiceDate: invoiceDate ?? '',
    dueDate: due ?? null,
    total,
    originErpId,
    originNumber,
    updatedAt: text(record.updatedAt),
    issues,
  };
}
