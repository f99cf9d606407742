/**
 * A profile describes, as data, how one kind of SOAP ERP exposes customers, invoices, credit
 * notes and open items: which WSDL service and operation, what request to send (a template), where
 * the records are in the answer, how to page, how to recognise application errors, and how each
 * field of the neutral ERP model is read and transformed. Presets (`presets/*.json`) are profiles;
 * users can copy one and edit it, or write their own. Validated with zod; JSON or YAML.
 */
import { z } from 'zod';

/** A dot path into a parsed SOAP answer or record, e.g. `CUSTOMERADDRESS.NAME`. `''` = the value itself. */
const path = z.string().regex(/^$|^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/, 'expected a dot path such as A.B.C');

const TRANSFORM_NAMES = ['trim', 'upper', 'lower', 'alphaStrip', 'nullIfEmpty', 'country', 'taxId', 'abs', 'negate'] as const;

/** One step of a field's transform chain; applied in order to the value read at `path`. */
export const transformSchema = z.union([
  z.enum(TRANSFORM_NAMES),
  z.object({ alphaPad: z.number().int().min(1).max(40) }).strict(),
  z
    .object({
      /**
       * Parse a business date into `YYYY-MM-DD` without any time-zone shift: `YYYY-MM-DD`,
       * `YYYYMMDD` (ABAP DATS), `DD.MM.YYYY`, `DD/MM/YYYY`, `datetime` (an `xs:dateTime` with or
       * without offset: its calendar day as written), `jde-julian` (CYYDDD). `0000-00-00`,
       * `00000000` and `0001-01-01` (NAV's empty date) read as missing.
       */
      date: z.enum(['YYYY-MM-DD', 'YYYYMMDD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'datetime', 'jde-julian']),
    })
    .strict(),
  z
    .object({
      /** Exact decimal text, never a float: `1234.56`, `1.234,56` with `decimalSeparator: ','`. */
      decimal: z.object({ decimalSeparator: z.enum(['.', ',']).default('.') }).strict(),
    })
    .strict(),
  z
    .object({
      /** Map raw codes to values, e.g. VBTYP `{ "M": "invoice", "O": "credit_note" }`; unknown codes use `default` or fail. */
      enum: z.record(z.string(), z.string()),
      default: z.string().optional(),
    })
    .strict(),
  z.object({ default: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
  z
    .object({
      /**
       * Add the whole number of days read at this path (in the same record context) to a date
       * already parsed to `YYYY-MM-DD`, e.g. SAP's baseline date `BLINE_DATE` + `NETTERMS` = net due date.
       */
      addDays: path,
    })
    .strict(),
  z
    .object({
      /** Read a boolean: values listed in `true` are true, in `false` false; anything else fails. */
      bool: z.object({ true: z.array(z.string()), false: z.array(z.string()) }).strict(),
    })
    .strict(),
], {
  error: (issue) =>
    `not a transform (${JSON.stringify(issue.input)}): use one of ${TRANSFORM_NAMES.join(', ')}, or an object { alphaPad }, { date }, { decimal }, { enum }, { default }, { addDays }, { bool } (see the README's transform table)`,
});
export type Transform = z.infer<typeof transformSchema>;

/**
 * Where a field comes from. In a record, paths are relative to the record; `detail.` reads the
 * record's detail answer (when the entity has `detail`), `openItem.` the joined open item.
 * A list of paths takes the first non-empty one.
 */
export const fieldMapSchema = z.union([
  path,
  z
    .object({
      path: z.union([path, z.array(path).min(1)]).optional(),
      /** A constant instead of a path (e.g. the currency of an ERP without a currency field). */
      const: z.union([z.string(), z.number(), z.boolean()]).optional(),
      transforms: z.array(transformSchema).default([]),
    })
    .strict()
    .refine((f) => (f.path === undefined) !== (f.const === undefined), { message: 'give either path or const' }),
]);
export type FieldMap = z.infer<typeof fieldMapSchema>;

/** Application errors inside a successful SOAP answer, e.g. SAP's `RETURN` rows of type E/A. */
export const appErrorsSchema = z
  .object({
    /** Path to the row or rows (normalised to an array), e.g. `RETURN.item` or `RETURN`. */
    path,
    typeField: z.string().default('TYPE'),
    messageField: z.string().default('MESSAGE'),
    /** Optional message id / number fields shown with the message. */
    idFields: z.array(z.string()).default([]),
    errorTypes: z.array(z.string()).default(['E', 'A']),
  })
  .strict();

/** How an operation is paged. Request templates use the placeholders named per strategy. */
export const pagingSchema = z.discriminatedUnion('type', [
  /** One call returns everything. */
  z.object({ type: z.literal('none') }).strict(),
  /** NAV/BC `ReadMultiple`: `{{bookmarkKey}}` (null on the first page) and `{{pageSize}}`; stop on an empty page. */
  z.object({ type: z.literal('bookmark'), pageSize: z.number().int().min(1).max(10_000).default(500), keyPath: path.default('Key') }).strict(),
  /** A2X `LastReturnedObjectID`: `{{cursor}}` from `cursorPath` of the answer; stop when `morePath` is false or the cursor is empty. */
  z
    .object({ type: z.literal('cursor'), pageSize: z.number().int().min(1).max(10_000).default(500), cursorPath: path, morePath: path.optional() })
    .strict(),
  /** `{{pageIndex}}` from `firstPage`; stop on a short page or when `totalPagesPath` says so. */
  z
    .object({
      type: z.literal('pageIndex'),
      pageSize: z.number().int().min(1).max(10_000).default(500),
      firstPage: z.number().int().min(0).default(1),
      totalPagesPath: path.optional(),
    })
    .strict(),
  /** `{{offset}}` and `{{limit}}`; stop on a short page. */
  z.object({ type: z.literal('offset'), pageSize: z.number().int().min(1).max(10_000).default(500) }).strict(),
  /**
   * For BAPIs without a cursor: `{{from}}`/`{{to}}` windows over dates (`stepDays`) or numbers
   * (`step`), from `start` (or the incremental watermark) to `end` (default: today / `start` +
   * `maxWindows` steps). A window that returns `maxRows` rows is split in two, since it may have
   * been truncated.
   */
  z
    .object({
      type: z.literal('window'),
      over: z.enum(['date', 'number']),
      start: z.string(),
      end: z.string().optional(),
      stepDays: z.number().int().min(1).optional(),
      step: z.number().int().min(1).optional(),
      /** Format of `{{from}}`/`{{to}}` for dates. */
      format: z.enum(['YYYY-MM-DD', 'YYYYMMDD']).default('YYYY-MM-DD'),
      /** Width of number placeholders (ALPHA zero padding), e.g. 10 for VBELN. */
      pad: z.number().int().min(1).max(40).optional(),
      maxRows: z.number().int().min(1).optional(),
      maxWindows: z.number().int().min(1).default(10_000),
    })
    .strict(),
]);
export type Paging = z.infer<typeof pagingSchema>;

/** A SOAP operation of a profile service and the request to send (a JSON template). */
const operationSchema = z
  .object({
    /** Key of `services` (the WSDL that has this operation). */
    service: z.string(),
    /** WSDL service and port names, when the WSDL has several. */
    wsdlService: z.string().optional(),
    wsdlPort: z.string().optional(),
    operation: z.string(),
    /**
     * The arguments object. String values may hold `{{placeholders}}`: a value that is exactly
     * one placeholder takes the placeholder's type (number, null); others are text. Paging,
     * `{{since}}`, `{{company.*}}`, and for per-record calls `{{record.PATH}}` / `{{customer.erpId}}`.
     */
    request: z.record(z.string(), z.unknown()).default({}),
    /** Paths (from the answer's root) that must always be arrays: SAP `item`s, BC result wrappers. */
    arrayPaths: z.array(path).default([]),
    errors: appErrorsSchema.optional(),
  })
  .strict();

const listSchema = operationSchema.extend({
  /** How records of this list are named in messages, e.g. `billing document` (default: customer, invoice, credit note, open item). */
  label: z.string().min(1).optional(),
  /** Path to the records in the answer (normalised to an array; missing = no records). */
  recordsPath: path,
  paging: pagingSchema.default({ type: 'none' }),
  /** Keep only records whose value at `path` is (not) among the values. */
  filter: z
    .array(z.object({ path, in: z.array(z.string()).optional(), notIn: z.array(z.string()).optional() }).strict())
    .default([]),
  /**
   * A second call per record (e.g. BAPI_CUSTOMER_GETDETAIL2 for each customer of the list),
   * whose answer is available to field maps as `detail.*`.
   */
  detail: operationSchema.extend({ recordPath: path.default('') }).strict().optional(),
  /** Call the list once per customer read (`{{customer.erpId}}`), e.g. BAPI_AR_ACC_GETOPENITEMS. */
  perCustomer: z.boolean().default(false),
});

const customerFields = z
  .object({
    erpId: fieldMapSchema,
    name: fieldMapSchema,
    /** The tax id as the ERP holds it (with or without country prefix); normalised and validated. */
    taxId: fieldMapSchema.optional(),
    countryCode: fieldMapSchema.optional(),
    street: fieldMapSchema.optional(),
    city: fieldMapSchema.optional(),
    postalCode: fieldMapSchema.optional(),
    state: fieldMapSchema.optional(),
    customerReference: fieldMapSchema.optional(),
    /** Amount to request from Cesce (> 0 flags the customer), exact decimal. */
    requestedCreditLimit: fieldMapSchema.optional(),
    requestedCreditLimitCurrency: fieldMapSchema.optional(),
    requestedPaymentTermDays: fieldMapSchema.optional(),
    active: fieldMapSchema.optional(),
  })
  .strict();

const documentFields = z
  .object({
    erpId: fieldMapSchema,
    number: fieldMapSchema,
    /** Must map to `invoice`, `credit_note` or `ignore` (enum transform), or be set by the entity's `kind`. */
    kind: fieldMapSchema.optional(),
    debtorErpId: fieldMapSchema,
    invoiceDate: fieldMapSchema,
    dueDate: fieldMapSchema.optional(),
    /** Total in the document currency; the sign is dropped (`kind` carries it). */
    amount: fieldMapSchema,
    currency: fieldMapSchema,
    originErpId: fieldMapSchema.optional(),
    originNumber: fieldMapSchema.optional(),
    /** Change stamp for incremental reads. */
    updatedAt: fieldMapSchema.optional(),
    /** True for cancelled documents, which are not read. */
    cancelled: fieldMapSchema.optional(),
  })
  .strict();

/** Accounts-receivable items joined to documents for the due date. */
const itemListSchema = listSchema
  .extend({
    join: z.object({ documentKey: fieldMapSchema, itemKey: fieldMapSchema }).strict(),
    fields: z.object({ dueDate: fieldMapSchema.optional(), openAmount: fieldMapSchema.optional() }).strict(),
  })
  .strict();

const documentListSchema = listSchema
  .extend({
    fields: documentFields,
    /** Fixes the kind of every record of this list (NAV's separate invoice and credit-memo pages). */
    kind: z.enum(['invoice', 'credit_note']).optional(),
    /**
     * Reads one document by its ERP key (`{{id}}`), e.g. BAPI_BILLINGDOC_GETDETAIL or a page's
     * `Read`; the answer at `recordPath` is mapped with the same fields. Needed for incremental
     * runs, which re-read the documents earlier runs left open.
     */
    byId: operationSchema.extend({ recordPath: path.default('') }).strict().optional(),
  })
  .strict();

export const profileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().default(''),
    /** `1.1` (default) or `1.2` (SOAP 1.2 envelope and content type). */
    soapVersion: z.enum(['1.1', '1.2']).default('1.1'),
    /**
     * WSDLs by key. `wsdl` is a URL, a file path (relative to the profile) or inline XML;
     * `{{baseUrl}}` is replaced by the connection's base URL. `endpoint` overrides the address in
     * the WSDL (SAP and BC WSDLs often name internal hosts).
     */
    services: z.record(z.string(), z.object({ wsdl: z.string().min(1), endpoint: z.string().optional() }).strict()),
    customers: listSchema.extend({ fields: customerFields }).strict(),
    invoices: documentListSchema,
    /** A separate list of credit notes (NAV's Posted Sales Credit Memos), same field names. */
    creditNotes: documentListSchema.optional(),
    /**
     * Open items joined to documents for the due date (SAP: the SD billing document has no due
     * date; the FI open item has it). `documentKey`/`itemKey` name the join values.
     */
    openItems: itemListSchema.optional(),
    /**
     * Cleared (paid) items, joined like `openItems` when a document has no open item any more
     * (SAP: BAPI_AR_ACC_GETBALANCEDITEMS; an invoice paid before it is declared is still a sale).
     */
    clearedItems: itemListSchema.optional(),
    /** Incremental reads: how `{{since}}` is written and its value on a first (full) run. */
    incremental: z.object({ sinceFormat: z.enum(['YYYY-MM-DD', 'YYYYMMDD', 'datetime']).default('YYYY-MM-DD'), fullSince: z.string() }).strict().optional(),
  })
  .strict();

export type SoapErpProfile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;
