import { negate, type DeclareSaleInput, type Debtor, type SaleDocument } from '@cesce-connect/core';

/** The sales declaration of an invoice, on the suplemento (endorsement) of its customer's classification. */
export function invoiceInput(doc: SaleDocument & { dueDate: string }, debtor: Debtor, endorsementNo: string): DeclareSaleInput {
  return {
    endorsementNo,
    taxCode: debtor.taxCode,
    countryCode: debtor.countryCode,
    customerReference: debtor.customerReference,
    invoiceNo: doc.number,
    invoiceDate: doc.invoiceDate,
    dueDate: doc.dueDate,
    amount: doc.total,
  };
}

/**
 * The declaration of a credit note: a negative sale on its invoice's suplemento, naming the invoice
 * it corrects; due on its own date when it has no due date.
 */
export function creditNoteInput(doc: SaleDocument, debtor: Debtor | undefined, origin: { endorsementNo: string; invoiceNo: string }): DeclareSaleInput {
  return {
    endorsementNo: origin.endorsementNo,
    taxCode: debtor?.taxCode,
    countryCode: debtor?.countryCode,
    customerReference: debtor?.customerReference,
    invoiceNo: doc.number,
    invoiceDate: doc.invoiceDate,
    dueDate: doc.dueDate ?? doc.invoiceDate,
    amount: { currency: doc.total.currency, amount: negate(doc.total.amount) },
    originalInvoiceNo: origin.invoiceNo,
  };
}
