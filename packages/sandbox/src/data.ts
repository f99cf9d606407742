import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { checkContractNumber, isIsoDate } from '@cesce-connect/core';

/**
 * The seed data file of the emulator, exactly as described in `docs/sandbox-data-format.md`:
 * amounts are decimal strings with a dot ("150000.00"), dates are `YYYY-MM-DD`. The emulator
 * converts to Cesce's wire formats ("150000,00", `yyyyMMdd`) at the HTTP edge only.
 *
 * A few optional fields beyond the documented format (marked "extension") let the state file,
 * which is itself a valid data file, keep everything a request carried.
 */

/** Absolute path of the embedded demo data file (`packages/sandbox/data/demo.json`). This module
 * sits directly under `src/` (and is bundled into `dist/index.js`), so `../data` is the package's
 * `data/` folder in both cases. */
export const DEFAULT_DATA_FILE: string = fileURLToPath(new URL('../data/demo.json', import.meta.url));

const isoDate = z.string().refine(isIsoDate, { message: 'expected a date as YYYY-MM-DD' });
const decimal = z.string().regex(/^-?\d+(?:\.\d+)?$/, { message: 'expected a decimal with a dot, e.g. "150000.00"' });
const nonNegativeDecimal = z
  .string()
  .regex(/^\d+(?:\.\d+)?$/, { message: 'expected a non-negative decimal with a dot, e.g. "150000.00"' });
const positiveDecimal = nonNegativeDecimal.refine((v) => /[1-9]/.test(v), { message: 'expected an amount greater than zero' });
const contractNo = z.string().superRefine((value, ctx) => {
  const r = checkContractNumber(value);
  if (!r.ok || r.contract.value !== value) {
    ctx.addIssue({ code: 'custom', message: `contract number ${r.ok ? `'${value}' is not canonical` : r.message}` });
  }
});

export const SCOPES = ['create', 'read', 'update', 'delete'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Catalogs of Cesce's gateway, one per environment (`https://api.cesce.es/sandbox`, [portal];
 * `/pre` and `/pro` [inferred]). The emulator serves each under its path prefix.
 */
export const CATALOGS = ['sandbox', 'pre', 'pro'] as const;
export type Catalog = (typeof CATALOGS)[number];

/** [inferred] The catalogs a record exists in; absent: all of them. */
const catalogList = z.array(z.enum(CATALOGS)).min(1, { message: 'expected at least one of sandbox, pre, pro (or leave it out: all)' });

export const sandboxApplicationSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /** Only checked outside the sandbox catalog (PRE/PRO); sandbox does not issue them. */
  username: z.string().optional(),
  password: z.string().optional(),
  scopes: z.array(z.enum(SCOPES)),
  /** 'oauth', 'classifications', 'sales', 'movements', 'collections', 'claims', 'financial' (other names are kept but unused). */
  products: z.array(z.string().min(1)),
  policyholderTaxCode: z.string().min(1),
  /**
   * [inferred] Catalogs the application is registered in (default: all). PRE and PRO issue separate
   * credentials: in any other catalog its client id is unknown (401 invalid_client).
   */
  environments: catalogList.optional(),
});
export type SandboxApplication = z.infer<typeof sandboxApplicationSchema>;

export const sandboxClassificationSchema = z.object({
  requestNo: z.string().min(1),
  endorsementNo: z.string().min(1).nullable(),
  taxCode: z.string().min(1),
  countryCode: z.string().min(1),
  companyName: z.string(),
  customerReference: z.string().optional(),
  creditLimitRequested: nonNegativeDecimal,
  creditLimitGranted: nonNegativeDecimal,
  currencyCode: z.string().min(1),
  statusCode: z.string().min(1),
  paymentTermsRequested: z.string().optional(),
  paymentTermsGranted: z.string().optional(),
  requestEntryDate: isoDate,
  classificationDate: isoDate.nullish(),
  effectiveDate: isoDate.nullish(),
  validityDate: isoDate.nullish(),
  cancellationDate: isoDate.nullish(),
  // extension: identity fields a create request may carry
  address: z.string().optional(),
  city: z.string().optional(),
  postalCode: z.string().optional(),
  state: z.string().optional(),
  paymentMethodRequestedCode: z.string().optional(),
  /**
   * [inferred] false once deactivated with activate-deactivate: sales on it are refused (CLA002).
   * Absent means active.
   */
  active: z.boolean().optional(),
  /** [inferred] A premium Cesce offers on the classification, answered with accept-deny-premium. */
  premium: z
    .object({
      amount: positiveDecimal,
      currency: z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code such as "EUR"' }),
      status: z.enum(['offered', 'accepted', 'denied']),
    })
    .optional(),
  // extension: the reason code an Annul Classification request carried
  cancellationReasonCode: z.string().optional(),
  /** [inferred] Fault for the knowledge base: a query that finds it answers 400 "error técnico" (entry 400-4). */
  inconsistent: z.boolean().optional(),
});
export type SandboxClassification = z.infer<typeof sandboxClassificationSchema>;

export const sandboxSaleSchema = z.object({
  saleCesceReferenceNo: z.string().min(1),
  endorsementNo: z.string().min(1),
  invoiceNo: z.string().min(1),
  invoiceDate: isoDate,
  dueDate: isoDate,
  /** Negative for credit notes. */
  amount: decimal,
  currencyCode: z.string().min(1),
  originalInvoiceNo: z.string().nullish(),
  declarationDate: isoDate,
  // extension: optional fields a declaration may carry
  taxCode: z.string().optional(),
  countryCode: z.string().optional(),
  customerReference: z.string().optional(),
  subsidiaryCode: z.string().optional(),
  // extension: prórroga (an extended sale) and corrections (Modify Sale)
  /** Prórroga: the unpaid amount of the original invoice. */
  maturityAmount: nonNegativeDecimal.optional(),
  /** Prórroga: the sale it extends (a sale of the same policy). */
  originalSaleCesceReferenceNo: z.string().optional(),
  /** Date of the last correction. */
  modificationDate: isoDate.optional(),
});
export type SandboxSale = z.infer<typeof sandboxSaleSchema>;

/** [inferred] An amount collected on a declared sale (Collections API). */
export const sandboxCollectionSchema = z.object({
  collectionReferenceNo: z.string().min(1),
  saleCesceReferenceNo: z.string().min(1),
  endorsementNo: z.string().min(1),
  collectionDate: isoDate,
  collectedAmount: positiveDecimal,
  currencyCode: z.string().min(1),
  declarationDate: isoDate,
});
export type SandboxCollection = z.infer<typeof sandboxCollectionSchema>;

/** A subsidiary (filial) of the policyholder with Cesce's internal code. */
export const sandboxSubsidiarySchema = z.object({
  code: z.string().min(1),
  name: z.string(),
  taxCode: z.string().optional(),
  /** Only active subsidiaries are listed ([portal]). Default true. */
  active: z.boolean().optional(),
});
export type SandboxSubsidiary = z.infer<typeof sandboxSubsidiarySchema>;

/** [inferred] A non-payment (impago) declared in a dossier (Claims API). */
export const sandboxNonPaymentSchema = z.object({
  /** Number of the non-payment within its dossier ("1", "2", …). */
  internalNo: z.string().min(1),
  saleCesceReferenceNo: z.string().min(1),
  unpaidAmount: positiveDecimal,
  currencyCode: z.string().min(1),
  declarationDate: isoDate,
  comments: z.string().optional(),
});
export type SandboxNonPayment = z.infer<typeof sandboxNonPaymentSchema>;

/** [inferred] A dated event of a dossier: a processing step (trámite) or a recovery procedure (gestión de recobro). */
export const sandboxDossierEventSchema = z.object({
  no: z.string().min(1),
  date: isoDate,
  code: z.string().min(1),
  description: z.string().optional(),
});
export type SandboxDossierEvent = z.infer<typeof sandboxDossierEventSchema>;

/** [inferred] A claim file (expediente) and everything the Claims API lists of it. */
export const sandboxDossierSchema = z.object({
  dossierNo: z.string().regex(/^\d+$/, { message: 'expected a numeric dossier number' }),
  /** The debtor's suplemento. */
  endorsementNo: z.string().min(1),
  /** "A" open, "C" closed. */
  statusCode: z.enum(['A', 'C']),
  openingDate: isoDate,
  closingDate: isoDate.optional(),
  currencyCode: z.string().min(1),
  nonPayments: z.array(sandboxNonPaymentSchema).optional(),
  recoveries: z
    .array(z.object({ recoveryNo: z.string().min(1), recoveryDate: isoDate, amount: positiveDecimal, currencyCode: z.string().min(1) }))
    .optional(),
  /** Metadata of the documents contributed (the content is not kept). */
  documents: z
    .array(
      z.object({
        documentNo: z.string().min(1),
        fileName: z.string().min(1),
        mimeType: z.string().optional(),
        sizeBytes: z.number().int().min(0),
        uploadDate: isoDate,
        description: z.string().optional(),
      }),
    )
    .optional(),
  processingSteps: z.array(sandboxDossierEventSchema).optional(),
  recoveryProcedures: z.array(sandboxDossierEventSchema).optional(),
  datesPendingSettlement: z
    .array(z.object({ date: isoDate, amount: nonNegativeDecimal.optional(), description: z.string().optional() }))
    .optional(),
});
export type SandboxDossier = z.infer<typeof sandboxDossierSchema>;

/** [inferred] A settlement (liquidación) paid on a dossier, covering some of its non-payments. */
export const sandboxSettlementSchema = z.object({
  settlementNo: z.string().min(1),
  dossierNo: z.string().min(1),
  settlementDate: isoDate,
  amount: positiveDecimal,
  currencyCode: z.string().min(1),
  statusCode: z.string().optional(),
  /** internalNo of the dossier's non-payments the settlement covers. */
  internalNos: z.array(z.string().min(1)),
});
export type SandboxSettlement = z.infer<typeof sandboxSettlementSchema>;

/** [inferred] Financing of insured invoices (Financial API): the policy's data-driven rules. */
export const sandboxFinancingRulesSchema = z.object({
  /** Share of a sale's outstanding amount that is financed, e.g. 80. */
  advancePercent: z.number().gt(0).max(100),
  /** Fee charged on the financed amount, e.g. 1.5. */
  feeRatePercent: z.number().min(0).max(100),
  /** A request financing more than this is denied (MAX_AMOUNT_EXCEEDED). */
  maxAmount: nonNegativeDecimal,
  /** Requests financing up to this are accepted at once; above it they get CONDITIONS to accept. */
  autoAcceptUpTo: nonNegativeDecimal,
  /** Value date = request date + this many days (default 1). */
  valueDateDays: z.number().int().min(0).max(365).optional(),
});
export type SandboxFinancingRules = z.infer<typeof sandboxFinancingRulesSchema>;

/** [inferred] A financing request and its answer (Financial API). */
export const sandboxFinancingRequestSchema = z.object({
  requestNo: z.string().min(1),
  statusCode: z.enum(['ACCEPTED', 'CONDITIONS', 'DENIED', 'DECLINED']),
  requestDate: isoDate,
  currencyCode: z.string().min(1),
  outstandingAmount: nonNegativeDecimal,
  financedAmount: nonNegativeDecimal.optional(),
  advancePercent: z.number().optional(),
  feeRatePercent: z.number().optional(),
  feeAmount: nonNegativeDecimal.optional(),
  valueDate: isoDate.optional(),
  denialReasonCode: z.string().optional(),
  answerDate: isoDate.optional(),
  sales: z.array(
    z.object({
      saleCesceReferenceNo: z.string().min(1),
      outstandingAmount: nonNegativeDecimal.optional(),
      financedAmount: nonNegativeDecimal.optional(),
      denialReasonCode: z.string().optional(),
    }),
  ),
});
export type SandboxFinancingRequest = z.infer<typeof sandboxFinancingRequestSchema>;

export const sandboxPolicySchema = z.object({
  contractNo,
  policyholderTaxCode: z.string().min(1),
  policyholderName: z.string(),
  effectiveDate: isoDate,
  expiryDate: isoDate,
  /** [inferred] Policy not valid to operate (entry 400-3): every API call on it answers 400 POL006. */
  inactive: z.boolean().optional(),
  /** [inferred] Catalogs the policy is registered in (default: all); elsewhere 403 POL003 (not registered). */
  environments: catalogList.optional(),
  currencies: z.array(z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code such as "EUR"' })),
  options: z.object({
    creditNotes: z.boolean(),
    endorsements: z.boolean(),
    maxPaymentTermDays: z.number().int().min(0),
    rejectDuplicateInvoices: z.boolean().optional(),
  }),
  classificationRules: z.object({
    autoGrantUpTo: nonNegativeDecimal,
    grantPercent: z.number().min(0).max(100).optional(),
    deniedTaxCodes: z.array(z.string()),
    inProgressTaxCodes: z.array(z.string()),
  }),
  classifications: z.array(sandboxClassificationSchema),
  sales: z.array(sandboxSaleSchema).optional(),
  /** Subsidiaries (filiales) for GET …/subsidiaries. */
  subsidiaries: z.array(sandboxSubsidiarySchema).optional(),
  /** Amounts collected on the policy's sales. */
  collections: z.array(sandboxCollectionSchema).optional(),
  /** [inferred] Claim files (Claims API). */
  dossiers: z.array(sandboxDossierSchema).optional(),
  /** [inferred] Settlements of the policy's dossiers (Claims API). */
  settlements: z.array(sandboxSettlementSchema).optional(),
  /** [inferred] Financing rules (Financial API); absent: the policy does not include financing. */
  financing: sandboxFinancingRulesSchema.optional(),
  /** [inferred] Financing requests made so far. */
  financingRequests: z.array(sandboxFinancingRequestSchema).optional(),
});
export type SandboxPolicy = z.infer<typeof sandboxPolicySchema>;

export const sandboxDataSchema = z
  .object({
    description: z.string().optional(),
    /** Token lifetime in seconds (default 3600, the IBM API Connect default). */
    tokenTtlSeconds: z.number().int().positive().optional(),
    /** Debtor records per Portfolio Movements page (default 50). [inferred] */
    movementsPageSize: z.number().int().min(1).max(1000).optional(),
    applications: z.array(sandboxApplicationSchema),
    policies: z.array(sandboxPolicySchema),
  })
  .superRefine((data, ctx) => {
    const seen = new Map<string, number>();
    data.applications.forEach((a, i) => {
      if (seen.has(a.clientId)) {
        ctx.addIssue({ code: 'custom', path: ['applications', i, 'clientId'], message: `duplicate clientId '${a.clientId}'` });
      }
      seen.set(a.clientId, i);
    });
    const contracts = new Set<string>();
    const requestNos = new Set<string>();
    const saleRefs = new Set<string>();
    const collectionRefs = new Set<string>();
    data.policies.forEach((p, i) => {
      if (contracts.has(p.contractNo)) {
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'contractNo'], message: `duplicate contractNo '${p.contractNo}'` });
      }
      contracts.add(p.contractNo);
      if (p.expiryDate < p.effectiveDate) {
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'expiryDate'], message: 'expiryDate is before effectiveDate' });
      }
      p.classifications.forEach((c, j) => {
        if (requestNos.has(c.requestNo)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies', i, 'classifications', j, 'requestNo'],
            message: `duplicate requestNo '${c.requestNo}'`,
          });
        }
        requestNos.add(c.requestNo);
      });
      (p.sales ?? []).forEach((s, j) => {
        if (saleRefs.has(s.saleCesceReferenceNo)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies', i, 'sales', j, 'saleCesceReferenceNo'],
            message: `duplicate saleCesceReferenceNo '${s.saleCesceReferenceNo}'`,
          });
        }
        saleRefs.add(s.saleCesceReferenceNo);
      });
      const ownSales = new Map((p.sales ?? []).map((s) => [s.saleCesceReferenceNo, s]));
      (p.sales ?? []).forEach((s, j) => {
        if (s.originalSaleCesceReferenceNo !== undefined && !ownSales.has(s.originalSaleCesceReferenceNo)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies', i, 'sales', j, 'originalSaleCesceReferenceNo'],
            message: `no sale '${s.originalSaleCesceReferenceNo}' on this policy`,
          });
        }
      });
      (p.collections ?? []).forEach((c, j) => {
        if (collectionRefs.has(c.collectionReferenceNo)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies', i, 'collections', j, 'collectionReferenceNo'],
            message: `duplicate collectionReferenceNo '${c.collectionReferenceNo}'`,
          });
        }
        collectionRefs.add(c.collectionReferenceNo);
        if (!ownSales.has(c.saleCesceReferenceNo)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies', i, 'collections', j, 'saleCesceReferenceNo'],
            message: `no sale '${c.saleCesceReferenceNo}' on this policy`,
          });
        }
      });
      const dossierNos = new Set<string>();
      (p.dossiers ?? []).forEach((d, j) => {
        if (dossierNos.has(d.dossierNo)) {
          ctx.addIssue({ code: 'custom', path: ['policies', i, 'dossiers', j, 'dossierNo'], message: `duplicate dossierNo '${d.dossierNo}'` });
        }
        dossierNos.add(d.dossierNo);
        (d.nonPayments ?? []).forEach((n, k) => {
          if (!ownSales.has(n.saleCesceReferenceNo)) {
            ctx.addIssue({
              code: 'custom',
              path: ['policies', i, 'dossiers', j, 'nonPayments', k, 'saleCesceReferenceNo'],
              message: `no sale '${n.saleCesceReferenceNo}' on this policy`,
            });
          }
        });
      });
      (p.settlements ?? []).forEach((st, j) => {
        if (!dossierNos.has(st.dossierNo)) {
          ctx.addIssue({ code: 'custom', path: ['policies', i, 'settlements', j, 'dossierNo'], message: `no dossier '${st.dossierNo}' on this policy` });
        }
      });
      const codes = new Set<string>();
      (p.subsidiaries ?? []).forEach((s, j) => {
        if (codes.has(s.code)) {
          ctx.addIssue({ code: 'custom', path: ['policies', i, 'subsidiaries', j, 'code'], message: `duplicate subsidiary code '${s.code}'` });
        }
        codes.add(s.code);
      });
    });
  });
export type SandboxData = z.infer<typeof sandboxDataSchema>;

/** Formats a zod path as a JSON path: `$.policies[0].classifications[2].requestNo`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

/** Thrown when a data or state file cannot be read or does not validate. */
export class SandboxDataError extends Error {
  readonly file: string;
  readonly issues: { path: string; message: string }[];

  constructor(file: string, issues: { path: string; message: string }[]) {
    super(`Invalid sandbox data file ${file}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'SandboxDataError';
    this.file = file;
    this.issues = issues;
  }
}

/** Reads a JSON file and validates it with `schema`, naming the file and the JSON path of each problem. */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SandboxDataError(file, [{ path: '$', message: `cannot read the file: ${(err as Error).message}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SandboxDataError(file, [{ path: '$', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new SandboxDataError(
      file,
      parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message })),
    );
  }
  return parsed.data;
}

/** Loads and validates a seed data file (see `docs/sandbox-data-format.md`). */
export function loadSandboxData(file: string = DEFAULT_DATA_FILE): SandboxData {
  return readJsonFile(file, sandboxDataSchema);
}

/** Validates an in-memory data object, with the same error format (`source` names it). */
export function parseSandboxData(data: unknown, source = '(options.data)'): SandboxData {
  const parsed = sandboxDataSchema.safeParse(data);
  if (!parsed.success) {
    throw new SandboxDataError(
      source,
      parsed.error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message })),
    );
  }
  return parsed.data;
}
