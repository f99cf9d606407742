/** Types of generate.mjs, for the tests that import it. */
export declare const ROOT: string;
export declare const OUTPUT: { odoo: string; sandbox: string; readme: string };
export declare const DEMO: {
  database: string;
  login: string;
  password: string;
  companyId: number;
  companyName: string;
  companyTaxCode: string;
  clientId: string;
  clientSecret: string;
  contractNo: string;
  expiredContractNo: string;
  firstDate: string;
  lastDate: string;
  asOf: string;
};
export interface DemoSummary {
  database: string;
  login: string;
  company: string;
  partners: { records: number; debtors: number; activeDebtors: number; archivedDebtors: number; invoiceAddresses: number; personContacts: number; suppliers: number; companyAndUsers: number };
  taxIds: { spanishCif: number; spanishCifWithEsPrefix: number; spanishNif: number; euVat: Record<string, number>; missing: number; invalidCheckDigit: number; blockedDebtors: number };
  flagged: { total: number; alreadyClassified: number; toRequestAutoGranted: number; toRequestStaysInProgress: number; toRequestDenied: number; blockedNoVat: number; blockedInvalidVat: number };
  cesce: { classifications: number; classified: number; inProgress: number; denied: number; cancelled: number; withoutClassification: number };
  moves: {
    records: number;
    postedInvoices: number;
    postedCreditNotes: number;
    creditNotesTotalReversal: number;
    creditNotesPartial: number;
    creditNotesWithoutOrigin: number;
    drafts: number;
    cancelled: number;
    vendorBills: number;
    usdInvoices: number;
    termOver180Days: number;
    addressedToInvoiceContact: number;
    postedEurTotal: string;
    postedEurCreditNotes: string;
  };
  documentsToRead: number;
  documentsByDebtor: Record<string, number>;
}
export declare function generateDemo(): { odoo: unknown; sandbox: unknown; summary: DemoSummary; countsMarkdown: string };
export declare function readmeWithCounts(readme: string, markdown: string): string;
