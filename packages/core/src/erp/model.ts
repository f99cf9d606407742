import type { Money } from '../money.js';

/**
 * The neutral ERP model. Connectors map their records onto it with pure functions; `sync` plans
 * Cesce calls from it. Values an ERP leaves empty are `null` here, never `false` or `''`.
 */

/** A problem found while mapping one ERP record; it names the record and the field. */
export interface MappingIssue {
  /** ERP record reference, e.g. "res.partner,42" or "account.move,1203 (INV/2026/00012)". */
  record: string;
  /** The ERP field at fault, e.g. "vat". */
  field: string;
  message: string;
  /** `blocking` issues stop the record from being sent; `warning`s are reported only. */
  severity: 'blocking' | 'warning';
}

export interface Address {
  street: string | null;
  city: string | null;
  postalCode: string | null;
  /** Province/state code, e.g. "M" or "B". */
  state: string | null;
  countryCode: string | null;
}

/** A customer the company sells to on credit (the commercial entity, never a contact). */
export interface Debtor {
  /** Stable ERP key, e.g. "42". */
  erpId: string;
  /** Human reference for messages, e.g. "res.partner,42 Construcciones Norte SL". */
  ref: string;
  name: string;
  /** Normalised tax id without country prefix, or null when missing/invalid (see `issues`). */
  taxCode: string | null;
  countryCode: string | null;
  /** The ERP's own code for the debtor (Cesce's `customerReference`). */
  customerReference: string | null;
  address: Address;
  /** Amount the user asked to request from Cesce; null = not flagged for classification. */
  requestedCreditLimit: Money | null;
  /** Requested payment term in days, when the ERP has one. */
  requestedPaymentTermDays: number | null;
  active: boolean;
  issues: MappingIssue[];
}

export type DocumentKind = 'invoice' | 'credit_note';

/** A posted customer invoice or credit note. */
export interface SaleDocument {
  kind: DocumentKind;
  /** Stable ERP key, e.g. "1203". */
  erpId: string;
  /** Document number as printed, e.g. "INV/2026/00012". */
  number: string;
  /** Human reference for messages. */
  ref: string;
  /** `erpId` of the debtor (the commercial partner). */
  debtorErpId: string;
  invoiceDate: string;
  dueDate: string | null;
  /** Total amount in the document currency, always positive; `kind` carries the sign. */
  total: Money;
  /** For credit notes: the ERP key and number of the invoice it corrects, when linked. */
  originErpId: string | null;
  originNumber: string | null;
  /** ERP's last-modified stamp, used for incremental reads. */
  updatedAt: string | null;
  issues: MappingIssue[];
}

/**
 * Why Cesce refused a request, with the knowledge-base explanation, for the ERP user who will
 * read it on the record (e.g. a message on an Odoo record's chatter).
 */
export interface CesceRejection {
  /** HTTP status of Cesce's answer (0 when there was none). */
  httpStatus: number;
  /** Knowledge-base entry id, e.g. "400-3". */
  kbId: string;
  /** Cesce's own message, as received. */
  message: string;
  cause: { es: string; en: string };
  fix: { es: string; en: string };
}

/** What Cesce decided on a debtor, written back into the ERP. */
export interface ClassificationWriteBack {
  debtorErpId: string;
  /** Named state, e.g. "classified", "in-progress", "denied"; "rejected" when Cesce refused the request. */
  state: string;
  /** Cesce's status label (Spanish), e.g. "Clasificado". */
  stateLabel: string;
  grantedLimit: Money | null;
  endorsementNo: string | null;
  /** Set when Cesce refused the classification request; the other fields keep what is known. */
  rejection?: CesceRejection | undefined;
}

/** The declaration state of a sale document, written back into the ERP. */
export type SaleDeclarationState = 'declared' | 'rejected';

export interface SaleWriteBack {
  documentErpId: string;
  /** `declared` (with the sale reference) or `rejected` (with the reason). */
  state: SaleDeclarationState;
  /** Cesce's reference of the declared sale; null when rejected. */
  saleCesceReferenceNo: string | null;
  rejection?: CesceRejection | undefined;
}

export interface ErpDescription {
  system: string;
  version: string;
  company: { id: string; name: string; taxCode: string | null; currency: string };
  url: string;
}
