import {
  toCesceDate,
  toCesceDecimal,
  type CollectionRecord,
  type DebtorRecord,
  type SaleRecord,
  type SubsidiaryRecord,
} from '@cesce-connect/core';
import type { SandboxClassification, SandboxCollection, SandboxSale, SandboxSubsidiary } from './data.js';

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
    // [inferred] fields (not in the published Movements record)
    activeInd: c.active === false ? 'N' : 'S',
    ...(c.premium
      ? { premiumAmount: wireAmount(c.premium.amount), premiumCurrencyCode: c.premium.currency, premiumStatus: c.premium.status }
      : {}),
    ...(c.cancellationReasonCode !== undefined ? { cancellationReasonCode: c.cancellationReasonCode } : {}),
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
    // [inferred] prórroga and correction fields, only on the sales that have them
    ...(s.maturityAmount !== undefined ? { maturityAmount: wireAmount(s.maturityAmount) } : {}),
    ...(s.originalSaleCesceReferenceNo !== undefined ? { originalSaleCesceReferenceNo: s.originalSaleCesceReferenceNo } : {}),
    ...(s.modificationDate !== undefined ? { modificationDate: wireDate(s.modificationDate) } : {}),
  };
}

export function collectionToWire(c: SandboxCollection, invoiceNo: string, outstanding: string): CollectionRecord {
  return {
    collectionReferenceNo: c.collectionReferenceNo,
    saleCesceReferenceNo: c.saleCesceReferenceNo,
    endorsementNo: c.endorsementNo,
    invoiceNo,
    collectionDate: wireDate(c.collectionDate),
    collectedAmount: wireAmount(c.collectedAmount),
    currencyCode: c.currencyCode,
    outstandingAmount: wireAmount(outstanding),
    declarationDate: wireDate(c.declarationDate),
  };
}

export function subsidiaryToWire(s: SandboxSubsidiary): SubsidiaryRecord {
  return { subsidiaryCode: s.code, companyName: s.name, taxCode: s.taxCode ?? '' };
}
