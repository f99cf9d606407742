/**
 * The NAV emulator's dataset (`nav-dataset.json`): the company, the users, and the records of each
 * published page, with the page controls as keys. Validated on load; errors name every record
 * and field at fault. Format documented in the package README.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BLOCKED, DOCUMENT_TYPES } from './pages.js';

const code = (max: number) => z.string().max(max, `longer than ${max} characters (a NAV Code[${max}] field)`);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD (0001-01-01 = blank)');
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal as text, e.g. "1234.50"');

export const navPitfallsSchema = z
  .object({
    /** SOAP 1.2 envelopes and faults (the client must send SOAP 1.2). */
    soap12: z.boolean().optional(),
    /** Answers encoded in ISO-8859-1 with `charset=ISO-8859-1` and the XML declaration saying so. */
    latin1: z.boolean().optional(),
    /** `xsi:nil="true"` on `Due_Date` of posted documents: all (`true`) or the listed document numbers. */
    nilDueDate: z.union([z.boolean(), z.array(z.string())]).optional(),
    /** `0001-01-01` (NAV's blank date) in `Due_Date` of posted documents: all or the listed numbers. */
    blankDates: z.union([z.boolean(), z.array(z.string())]).optional(),
    /** `ReadMultiple` answers at most one record per call, whatever `setSize` asks (single-element lists). */
    singleRecordPages: z.boolean().optional(),
    /** Every call on this page (service name, e.g. `CustomerLedgerEntries`) answers a SOAP fault. */
    faultPage: z.string().optional(),
    /** With WS-Security: a `wsu:Timestamp` in the header is refused with a fault. */
    rejectTimestamp: z.boolean().optional(),
  })
  .strict();
export type NavPitfalls = z.infer<typeof navPitfallsSchema>;

const customer = z
  .object({
    No: code(20).min(1),
    Name: z.string().max(100),
    Address: z.string().default(''),
    City: z.string().default(''),
    Post_Code: z.string().default(''),
    County: z.string().default(''),
    Country_Region_Code: code(10).default(''),
    VAT_Registration_No: z.string().max(20).default(''),
    Credit_Limit_LCY: decimal.default('0'),
    Blocked: z.enum(BLOCKED).default('_blank_'),
    Payment_Terms_Code: code(10).default(''),
    Currency_Code: code(10).default(''),
    Last_Date_Modified: date.default('0001-01-01'),
    Cesce_Requested_Limit: decimal.default('0'),
  })
  .strict();

const documentShape = {
  No: code(20).min(1),
  Sell_to_Customer_No: code(20),
  Bill_to_Customer_No: code(20),
  Posting_Date: date,
  Document_Date: date,
  Due_Date: date.default('0001-01-01'),
  Payment_Terms_Code: code(10).default(''),
  /** Empty = the company's local currency (LCY). */
  Currency_Code: code(10).default(''),
  External_Document_No: z.string().max(35).default(''),
  Amount: decimal,
  Amount_Including_VAT: decimal,
};
const invoice = z.object(documentShape).strict();
const creditMemo = z
  .object({ ...documentShape, Applies_to_Doc_Type: z.enum(DOCUMENT_TYPES).default('_blank_'), Applies_to_Doc_No: code(20).default('') })
  .strict();

const ledgerEntry = z
  .object({
    Entry_No: z.number().int().min(1),
    Customer_No: code(20),
    Posting_Date: date,
    Document_Date: date.default('0001-01-01'),
    Due_Date: date.default('0001-01-01'),
    Document_Type: z.enum(DOCUMENT_TYPES),
    Document_No: code(20),
    Description: z.string().default(''),
    Currency_Code: code(10).default(''),
    /** Signed, in the entry's currency: invoices positive, credit memos and payments negative. */
    Amount: decimal,
    Remaining_Amount: decimal,
    Open: z.boolean(),
  })
  .strict();

export const navDatasetSchema = z
  .object({
    description: z.string().optional(),
    /** Server instance, the first URL segment (default `DynamicsNAV110`). */
    instance: z.string().regex(/^[\w.-]+$/).default('DynamicsNAV110'),
    company: z.object({ name: z.string().min(1), lcyCode: z.string().regex(/^[A-Z]{3}$/).default('EUR') }).strict(),
    /** NavUserPassword users (HTTP basic, or the WS-Security UsernameToken). */
    users: z.array(z.object({ username: z.string().min(1), password: z.string().min(1) }).strict()).min(1),
    auth: z.enum(['basic', 'wsse', 'none']).default('basic'),
    pitfalls: navPitfallsSchema.default({}),
    customers: z.array(customer),
    postedSalesInvoices: z.array(invoice).default([]),
    postedSalesCreditMemos: z.array(creditMemo).default([]),
    customerLedgerEntries: z.array(ledgerEntry).default([]),
  })
  .strict();

export type NavDataset = z.infer<typeof navDatasetSchema>;
export type NavDatasetInput = z.input<typeof navDatasetSchema>;
export type NavCustomer = NavDataset['customers'][number];
export type NavPostedInvoice = NavDataset['postedSalesInvoices'][number];
export type NavPostedCreditMemo = NavDataset['postedSalesCreditMemos'][number];
export type NavLedgerEntry = NavDataset['customerLedgerEntries'][number];

export class NavDatasetError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid NAV dataset ${source}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'NavDatasetError';
  }
}

/** Validates a dataset (shape, unique keys, references between records); throws `NavDatasetError`. */
export function validateNavDataset(data: unknown, source = 'data'): NavDataset {
  const parsed = navDatasetSchema.safeParse(data);
  if (!parsed.success) {
    throw new NavDatasetError(
      source,
      parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`),
    );
  }
  const ds = parsed.data;
  const issues: string[] = [];
  const unique = (list: readonly { [k: string]: unknown }[], key: string, where: string) => {
    const seen = new Set<unknown>();
    list.forEach((r, i) => {
      if (seen.has(r[key])) issues.push(`${where}.${i}.${key}: duplicate ${key} ${JSON.stringify(r[key])}`);
      seen.add(r[key]);
    });
  };
  unique(ds.customers, 'No', 'customers');
  unique(ds.postedSalesInvoices, 'No', 'postedSalesInvoices');
  unique(ds.postedSalesCreditMemos, 'No', 'postedSalesCreditMemos');
  unique(ds.customerLedgerEntries, 'Entry_No', 'customerLedgerEntries');
  const customers = new Set(ds.customers.map((c) => c.No));
  const invoices = new Set(ds.postedSalesInvoices.map((d) => d.No));
  const ref = (value: string, where: string) => {
    if (!customers.has(value)) issues.push(`${where}: customer ${JSON.stringify(value)} is not in customers`);
  };
  for (const [key, list] of [['postedSalesInvoices', ds.postedSalesInvoices], ['postedSalesCreditMemos', ds.postedSalesCreditMemos]] as const) {
    list.forEach((d, i) => {
      ref(d.Sell_to_Customer_No, `${key}.${i}.Sell_to_Customer_No`);
      ref(d.Bill_to_Customer_No, `${key}.${i}.Bill_to_Customer_No`);
    });
  }
  ds.postedSalesCreditMemos.forEach((d, i) => {
    if (d.Applies_to_Doc_No && d.Applies_to_Doc_Type === 'Invoice' && !invoices.has(d.Applies_to_Doc_No)) {
      issues.push(`postedSalesCreditMemos.${i}.Applies_to_Doc_No: invoice ${JSON.stringify(d.Applies_to_Doc_No)} is not in postedSalesInvoices`);
    }
  });
  ds.customerLedgerEntries.forEach((e, i) => ref(e.Customer_No, `customerLedgerEntries.${i}.Customer_No`));
  if (issues.length > 0) throw new NavDatasetError(source, issues);
  return ds;
}

/** Reads and validates a dataset file. */
export function loadNavDataset(file: string): NavDataset {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new NavDatasetError(file, [`(file): cannot read or parse: ${(error as Error).message}`]);
  }
  return validateNavDataset(data, file);
}
