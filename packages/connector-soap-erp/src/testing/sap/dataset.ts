/**
 * The SAP emulator's dataset (`sap-dataset.json`): customers (KNA1/KNB1 data as the BAPIs show
 * it), SD billing documents (VBRK) and FI accounts-receivable items (BSID open, BSAD cleared).
 * Field names are the BAPI structure components; values are strings as SAP writes them in SOAP
 * XML (dates `YYYY-MM-DD`, amounts as decimal text, keys ALPHA zero-padded). Format: README.md,
 * section "SAP (BAPI over SOAMANAGER)".
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const amount = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal amount as text, e.g. "1234.56"');
const key10 = z.string().regex(/^\d{10}$/, 'expected 10 digits (ALPHA zero-padded), e.g. "0000100014"');
const text = z.string();

export const sapPitfallsSchema = z
  .object({
    /** `xsi:nil="true"` on the baseline date (BLINE_DATE) of every AR item (true) or of the items of these billing documents. */
    nilDueDate: z.union([z.boolean(), z.array(z.string())]).optional(),
    /** SOAP 1.2 envelopes and faults (content type application/soap+xml). */
    soap12: z.boolean().optional(),
    /** Answers in ISO-8859-1 with that charset in the Content-Type and the XML declaration. */
    latin1: z.boolean().optional(),
    /** A RETURN row of type E with this message on every call of the operation (e.g. `{ "BAPI_BILLINGDOC_GETLIST": "..." }`). */
    returnError: z.record(z.string(), z.string()).optional(),
    /** Leave out output tables that have no rows instead of sending them empty. */
    omitEmptyTables: z.boolean().optional(),
    /** Only return the output tables the request sent (as empty elements), as some SOAMANAGER releases do. */
    requireOutputTables: z.boolean().optional(),
  })
  .strict();
export type SapPitfalls = z.infer<typeof sapPitfallsSchema>;

const customerSchema = z
  .object({
    KUNNR: key10,
    NAME: text.min(1),
    NAME_2: text.optional(),
    STREET: text.optional(),
    CITY: text.optional(),
    POSTL_COD1: text.optional(),
    REGION: text.optional(),
    /** Country key (LAND1), ISO alpha-2 in a standard system. */
    COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'expected a country key such as ES'),
    LANGU: text.optional(),
    TEL1_NUMBR: text.optional(),
    E_MAIL: text.optional(),
    SORT1: text.optional(),
    /** National tax number 1 (the Spanish NIF/CIF, without country prefix). */
    STCD1: text.optional(),
    STCD2: text.optional(),
    /** EU VAT registration number, with its country prefix. */
    STCEG: text.optional(),
    /** Central deletion flag (`X` = archived). */
    DEL_FLAG: z.enum(['', 'X']).optional(),
    /** Customer extension (append to KNA1 / BAPICUSTOMER_KNA1): the credit limit to request from Cesce. */
    ZZ_CESCE_LIMIT: amount.optional(),
    /** Terms of payment key of the company code (KNB1-ZTERM), e.g. NT30. */
    PMNTTRMS: text.optional(),
  })
  .strict();

const billingDocSchema = z
  .object({
    BILLINGDOC: key10,
    /** FKART: F2 invoice, G2 credit memo, S1 invoice cancellation, S2 credit memo cancellation. */
    BILL_TYPE: text.min(1),
    /** VBTYP: M invoice, O credit memo, N invoice cancellation, S credit memo cancellation, P debit memo. */
    SD_DOC_CAT: text.min(1),
    BILL_DATE: date,
    PAYER: key10,
    SOLD_TO: key10.optional(),
    CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO currency code such as EUR'),
    NET_VALUE: amount,
    TAX_VALUE: amount,
    CANCELLED: z.enum(['', 'X']).optional(),
    /** For credit memos and cancellations: the billing document it refers to (the original invoice). */
    REF_BILL_DOC: key10.optional(),
    /** Accounting status: C = posted to FI. */
    ACCTSTATUS: text.optional(),
  })
  .strict();

const arItemSchema = z
  .object({
    DOC_NO: key10,
    FISC_YEAR: z.string().regex(/^\d{4}$/),
    ITEM_NUM: z.string().regex(/^\d{3}$/).optional(),
    CUSTOMER: key10,
    DOC_TYPE: text.optional(),
    PSTNG_DATE: date,
    DOC_DATE: date,
    /** Baseline date for payment; null is sent as `xsi:nil`. */
    BLINE_DATE: date.nullable(),
    /** Net payment-term days from the baseline date. */
    NETTERMS: z.string().regex(/^\d{1,3}$/),
    PMNTTRMS: text.optional(),
    CURRENCY: z.string().regex(/^[A-Z]{3}$/),
    AMT_DOCCUR: amount,
    /** S debit (invoice), H credit (credit memo, payment). */
    DB_CRED_IND: z.enum(['S', 'H']),
    REF_DOC_NO: text.optional(),
    ALLOC_NMBR: text.optional(),
    ITEM_TEXT: text.optional(),
    /** The SD billing document that created the item. */
    BILL_DOC: key10.optional(),
    /** Set on cleared items (BAPI_AR_ACC_GETBALANCEDITEMS); open items have neither. */
    CLEAR_DATE: date.optional(),
    CLR_DOC_NO: key10.optional(),
  })
  .strict();

export const sapDatasetSchema = z
  .object({
    description: z.string().optional(),
    /** SAP client (MANDT) in the service paths, e.g. "100". */
    client: z.string().regex(/^\d{3}$/, 'expected a 3-digit SAP client such as 100').default('100'),
    /** The company code (BUKRS) the customers and AR items belong to. */
    companyCode: z.string().regex(/^[A-Z0-9]{4}$/, 'expected a 4-character company code such as 1000').default('1000'),
    /** Host the WSDLs name in their addresses (not reachable: clients must override the endpoint). */
    wsdlHost: z.string().default('http://sapprd01.corp.local:8000'),
    users: z.array(z.object({ username: z.string().min(1), password: z.string().min(1) }).strict()).min(1),
    customers: z.array(customerSchema),
    billingDocuments: z.array(billingDocSchema),
    arItems: z.array(arItemSchema),
    pitfalls: sapPitfallsSchema.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const kunnrs = new Set<string>();
    d.customers.forEach((c, i) => {
      if (kunnrs.has(c.KUNNR)) ctx.addIssue({ code: 'custom', path: ['customers', i, 'KUNNR'], message: `duplicate customer ${c.KUNNR}` });
      kunnrs.add(c.KUNNR);
    });
    const docs = new Set<string>();
    d.billingDocuments.forEach((b, i) => {
      if (docs.has(b.BILLINGDOC)) ctx.addIssue({ code: 'custom', path: ['billingDocuments', i, 'BILLINGDOC'], message: `duplicate billing document ${b.BILLINGDOC}` });
      docs.add(b.BILLINGDOC);
      if (!kunnrs.has(b.PAYER)) ctx.addIssue({ code: 'custom', path: ['billingDocuments', i, 'PAYER'], message: `unknown customer ${b.PAYER}` });
    });
    d.billingDocuments.forEach((b, i) => {
      if (b.REF_BILL_DOC && !docs.has(b.REF_BILL_DOC)) {
        ctx.addIssue({ code: 'custom', path: ['billingDocuments', i, 'REF_BILL_DOC'], message: `unknown billing document ${b.REF_BILL_DOC}` });
      }
    });
    d.arItems.forEach((a, i) => {
      if (!kunnrs.has(a.CUSTOMER)) ctx.addIssue({ code: 'custom', path: ['arItems', i, 'CUSTOMER'], message: `unknown customer ${a.CUSTOMER}` });
      if (a.BILL_DOC && !docs.has(a.BILL_DOC)) ctx.addIssue({ code: 'custom', path: ['arItems', i, 'BILL_DOC'], message: `unknown billing document ${a.BILL_DOC}` });
      if ((a.CLEAR_DATE === undefined) !== (a.CLR_DOC_NO === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['arItems', i], message: 'give both CLEAR_DATE and CLR_DOC_NO (cleared item) or neither (open item)' });
      }
    });
  });

export type SapDataset = z.infer<typeof sapDatasetSchema>;
export type SapDatasetInput = z.input<typeof sapDatasetSchema>;
export type SapCustomer = SapDataset['customers'][number];
export type SapBillingDocument = SapDataset['billingDocuments'][number];
export type SapArItem = SapDataset['arItems'][number];

/** Validates a dataset; the error lists every field at fault with its path. */
export function parseSapDataset(data: unknown, source = 'SAP dataset'): SapDataset {
  const parsed = sapDatasetSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 20).map((i) => `  ${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
    const more = parsed.error.issues.length > 20 ? `\n  … and ${parsed.error.issues.length - 20} more` : '';
    throw new Error(`${source} is not a valid SAP emulator dataset:\n${lines.join('\n')}${more}`);
  }
  return parsed.data;
}

/** Reads and validates a `sap-dataset.json` file. */
export function loadSapDataset(file: string): SapDataset {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the SAP dataset ${file}: ${(error as Error).message}`);
  }
  return parseSapDataset(data, file);
}
