import { compareDecimal, isIsoDate, scaleOf, toMinorUnits, type SaleDocument } from '@cesce-connect/core';

export interface Problem {
  field: string;
  message: string;
}

/**
 * Checks every connector's documents before they are planned, whatever the ERP: a safety net
 * behind the connector's own mapping checks. Fields are named in the neutral model.
 */
export function documentProblem(doc: SaleDocument): Problem | null {
  if (!doc.number.trim()) return { field: 'number', message: 'the document has no number' };
  if (!isIsoDate(doc.invoiceDate)) return { field: 'invoiceDate', message: `'${doc.invoiceDate}' is not a valid invoice date` };
  if (doc.dueDate !== null && !isIsoDate(doc.dueDate)) return { field: 'dueDate', message: `'${doc.dueDate}' is not a valid due date` };
  if (doc.dueDate !== null && doc.dueDate < doc.invoiceDate) {
    return { field: 'dueDate', message: `the due date ${doc.dueDate} is before the invoice date ${doc.invoiceDate}` };
  }
  if (!/^[A-Z]{3}$/.test(doc.total.currency)) return { field: 'currency', message: `'${doc.total.currency}' is not an ISO 4217 currency code` };
  let minor: bigint;
  try {
    minor = toMinorUnits(doc.total.amount, scaleOf(doc.total.amount));
  } catch {
    return { field: 'total', message: `'${doc.total.amount}' is not an amount` };
  }
  if (minor <= 0n) return { field: 'total', message: `the total ${doc.total.amount} ${doc.total.currency} is not positive` };
  // Cesce amounts carry 2 decimals ("1234,56"): an amount that needs more is not rounded silently.
  const scale = scaleOf(doc.total.amount);
  if (scale > 2 && toMinorUnits(doc.total.amount, 2) * 10n ** BigInt(scale - 2) !== minor) {
    return { field: 'total', message: `the total ${doc.total.amount} ${doc.total.currency} has more decimals than Cesce amounts carry (2)` };
  }
  return null;
}

/**
 * Documents that share a number (and kind, and customer) with another: Cesce tells sales apart by
 * number. The one already declared keeps the number; otherwise the earliest in `documents` order.
 */
export function findDuplicateNumbers(documents: readonly SaleDocument[], declared: (doc: SaleDocument) => boolean): Map<string, SaleDocument> {
  const first = new Map<string, SaleDocument>();
  const duplicateOf = new Map<string, SaleDocument>();
  const ordered = [...documents.filter(declared), ...documents.filter((d) => !declared(d))];
  for (const doc of ordered) {
    if (!doc.number) continue;
    const key = `${doc.kind}|${doc.debtorErpId}|${doc.number}`;
    const earlier = first.get(key);
    if (earlier) duplicateOf.set(doc.erpId, earlier);
    else first.set(key, doc);
  }
  return duplicateOf;
}

/** Whether two signed decimal amounts are equal (exactly). */
export function sameAmount(a: string, b: string): boolean {
  return compareDecimal(a, b) === 0;
}
