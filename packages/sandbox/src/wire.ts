import { toCesceDate, toCesceDecimal, type DebtorRecord, type SaleRecord } from '@cesce-connect/core';
import type { SandboxClassification, SandboxSale } from './data.js';

/**
 * Conversion between the data-file formats ("1234.56", YYYY-MM-DD) and Cesce's wire formats
 * ("1234,56", yyyyMMdd, "0" for no date). Every value on the wire is a string
 * ([third-party-client]: the Movements debtor record).
 */
export function wireAmount(amount: string): string {
  return toCesceDecimal(amount, 2);
}

export function wireDate(iso: string | null | undefined): string {
  return iso ? toCesceDate(iso) : '0';
}

export const OK_ENVELOPE = { errorCode: '0', errorDescription: '' } as const;

export function classificationToWire(c: SandboxClassification): DebtorRecord {
  return {
    requestNo: c.requestNo,
    endorsementNo: c.endorsementNo ?? '',
    countryCode: c.countryCode,
    taxCode: c.taxCode,
    customerReference: c.customerReference ?? '',
    companyName: c.companyName,
    address: c.address ?? '',
    city: c.city ?? '',
    state: c.state ?? '',
    postalCode: c.postalCode ?? '',
    creditLimitRequested: wireAmount(c.creditLimitRequested),
    paymentTermsRequested: c.paymentTermsRequested ?? '',
    paymentMethodRequestedCode: c.paymentMethodRequestedCode ?? '',
    currencyCode: c.currencyCode,
    creditLimitGranted: wireAmount(c.creditLimitGranted),
    paymentTermsGranted: c.paymentTermsGranted ?? '',
    statusCode: c.statusCode,
    requestEntryDate: wireDate(c.requestEntryDate),
    classificationDate: wireDate(c.classificationDate),
    effectiveDate: wireDate(c.effectiveDate),
    validityDate: wireDate(c.validityDate),
    cancellationDate: wireDate(c.cancellationDate),
  };
}

export function saleToWire(s: SandboxSale): SaleRecord {
  return {
    saleCesceReferenceNo: s.saleCesceReferenceNo,
    endorsementNo: s.endorsementNo,
    taxCode: s.taxCode ?? '',
    countryCode: s.countryCode ?? '',
    customerReference: s.customerReference ?? '',
    invoiceNo: s.invoiceNo,
    invoiceDate: wireDate(s.invoiceDate),
    dueDate: wireDate(s.dueDate),
    amount: wireAmount(s.amount),
    currencyCode: s.currencyCode,
    originalInvoiceNo: s.originalInvoiceNo ?? '',
    subsidiaryCode: s.subsidiaryCode ?? '',
    declarationDate: wireDate(s.declarationDate),
  };
}
