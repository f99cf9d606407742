/**
 * The wire format of the fictional "Acme ERP" REST API, as documented by its vendor. Replace this
 * file with your ERP's records. Everything is optional-ish on purpose: the mapping functions must
 * cope with whatever the ERP really sends (a missing field is a `MappingIssue`, not a crash).
 */

/** `GET /api/company`: the company the bearer token belongs to. */
export interface AcmeCompanyResponse {
  apiVersion: string;
  company: { id: string; name: string; taxId: string | null; country: string | null; currency: string };
}

export interface AcmeAddress {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  postalCode?: string | null;
  /** Province/state code, e.g. "M". */
  region?: string | null;
}

/** Custom fields the ERP admin created to hold Cesce's answers (write-back). */
export type AcmeCustomFields = Record<string, string | null>;

/** A record of `GET /api/customers`. */
export interface AcmeCustomer {
  id: number;
  /** The ERP's customer code, e.g. "C-ALFA". */
  code?: string | null;
  /** `contact` records are people of a customer (`parentId`): never debtors. */
  type?: 'company' | 'person' | 'contact';
  parentId?: number | null;
  name?: string | null;
  /** VAT / tax id as typed by users, with or without country prefix. */
  taxId?: string | null;
  /** ISO 3166-1 alpha-2. */
  country?: string | null;
  address?: AcmeAddress | null;
  /** Credit limit the user wants to ask Cesce for, in the company currency (JSON number or decimal string). */
  creditLimitRequested?: number | string | null;
  paymentTermsDays?: number | null;
  status?: 'active' | 'archived';
  customFields?: AcmeCustomFields;
}

/** A record of `GET /api/invoices` and `GET /api/invoices/:id`. */
export interface AcmeInvoice {
  id: number;
  number?: string | null;
  type?: 'invoice' | 'credit_memo';
  /** Only `posted` documents are sales; drafts and voided ones are skipped. */
  status?: 'draft' | 'posted' | 'void';
  customerId?: number | null;
  /** `YYYY-MM-DD`; some Acme versions send `YYYY-MM-DDT00:00:00` (a calendar day, no time zone). */
  issueDate?: string | null;
  dueDate?: string | null;
  currency?: string | null;
  /** Signed: credit memos are negative. JSON number or decimal string. */
  total?: number | string | null;
  /** For credit memos: the invoice corrected. */
  corrects?: { id: number; number?: string | null } | null;
  /** Last change, UTC ISO 8601 with milliseconds ("2026-10-01T08:00:00.000Z"). */
  updatedAt?: string | null;
  customFields?: AcmeCustomFields;
}

/** `GET /api/customers?page=&pageSize=`: page-number pagination (pages start at 1). */
export interface AcmePage<T> {
  data: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** `GET /api/invoices?updatedSince=&cursor=&limit=`: cursor pagination in (updatedAt, id) order. */
export interface AcmeCursorPage<T> {
  data: T[];
  nextCursor: string | null;
}
