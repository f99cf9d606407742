/**
 * Shared fixtures for the emulator tests (not part of the published API). Tests build their own
 * data here and never depend on data/demo.json.
 */
import { startCesceEmulator, type CesceEmulator, type CesceEmulatorOptions } from './server.js';
import type { SandboxData } from './data.js';

export const TODAY = '2026-05-15';

export const HOLDER = 'B65410011';
export const OTHER_HOLDER = 'A28000001';

/** Contracts of the fixture. */
export const C = {
  /** Policy with credit notes and Endosos, EUR, 180 days. */
  main: '34109150331',
  /** Policy without credit notes nor Endosos, EUR+USD, 90 days, duplicates rejected. */
  strict: '38100029218',
  /** Expired policy (2025-06-30). */
  expired: '34100000017',
  /** Policy of another policyholder. */
  foreign: '38199999999',
} as const;

export const APPS = {
  full: { clientId: 'app-full', clientSecret: 'secret-full', username: 'user1', password: 'pass1' },
  readOnly: { clientId: 'app-read', clientSecret: 'secret-read' },
  createOnly: { clientId: 'app-create', clientSecret: 'secret-create' },
  noOauth: { clientId: 'app-no-oauth', clientSecret: 'secret-no-oauth' },
  noSales: { clientId: 'app-no-sales', clientSecret: 'secret-no-sales' },
} as const;

const ALL_PRODUCTS = ['oauth', 'classifications', 'sales', 'movements', 'collections', 'claims', 'financial'];

export function fixtureData(): SandboxData {
  return {
    description: 'test fixture',
    applications: [
      {
        ...APPS.full,
        scopes: ['create', 'read', 'update', 'delete'],
        products: ['oauth', 'classifications', 'sales', 'movements', 'collections', 'claims', 'financial'],
        policyholderTaxCode: HOLDER,
      },
      { ...APPS.readOnly, scopes: ['read'], products: ALL_PRODUCTS, policyholderTaxCode: HOLDER },
      { ...APPS.createOnly, scopes: ['create'], products: ALL_PRODUCTS, policyholderTaxCode: HOLDER },
      { ...APPS.noOauth, scopes: ['read', 'create'], products: ['classifications', 'sales'], policyholderTaxCode: HOLDER },
      { ...APPS.noSales, scopes: ['read', 'create'], products: ['oauth', 'classifications'], policyholderTaxCode: HOLDER },
    ],
    policies: [
      {
        contractNo: C.main,
        policyholderTaxCode: HOLDER,
        policyholderName: 'Industrias Demo Levante SL',
        effectiveDate: '2026-01-01',
        expiryDate: '2031-12-31',
        currencies: ['EUR'],
        options: { creditNotes: true, endorsements: true, maxPaymentTermDays: 180 },
        classificationRules: {
          autoGrantUpTo: '100000.00',
          grantPercent: 80,
          deniedTaxCodes: ['B00000018'],
          inProgressTaxCodes: ['B00000026'],
        },
        classifications: [
          classification('5000001', '5000001', 'A08001851', '2', { customerReference: 'C-1' }),
          classification('5000002', null, 'B46001897', '1'),
          classification('5000003', null, 'B12345674', '10'),
          classification('5000004', '5000004', 'A58818501', '66', { cancellationDate: '2026-03-01' }),
          classification('5000005', '5000005', 'B85132678', '2', { validityDate: '2026-03-31' }),
          classification('5000006', '5000006', 'FR12345678901', '2', {
            countryCode: 'FR',
            customerReference: 'C-FR',
            premium: { amount: '350.00', currency: 'EUR', status: 'offered' },
          }),
          classification('5000007', '5000007', 'B97000006', '2', { active: false }),
          classification('5000008', '5000008', 'B97000014', '2', { premium: { amount: '99.90', currency: 'EUR', status: 'accepted' } }),
        ],
        subsidiaries: [
          { code: 'F01', name: 'Filial Norte SL', taxCode: 'B11111118', active: true },
          { code: 'F02', name: 'Filial Antigua SL', active: false },
          { code: 'F03', name: 'Filial Sur SL' },
        ],
        sales: [
          {
            saleCesceReferenceNo: '9000000100',
            endorsementNo: '5000001',
            invoiceNo: 'SEED-1',
            invoiceDate: '2026-02-10',
            dueDate: '2026-04-10',
            amount: '1000.00',
            currencyCode: 'EUR',
            originalInvoiceNo: null,
            declarationDate: '2026-02-11',
          },
        ],
        dossiers: [
          {
            dossierNo: '8000000001',
            endorsementNo: '5000001',
            statusCode: 'A',
            openingDate: '2026-04-20',
            currencyCode: 'EUR',
            nonPayments: [
              { internalNo: '1', saleCesceReferenceNo: '9000000100', unpaidAmount: '400.00', currencyCode: 'EUR', declarationDate: '2026-04-20' },
            ],
            recoveries: [{ recoveryNo: '1', recoveryDate: '2026-05-02', amount: '50.25', currencyCode: 'EUR' }],
            documents: [{ documentNo: '1', fileName: 'factura-SEED-1.pdf', mimeType: 'application/pdf', sizeBytes: 2048, uploadDate: '2026-04-21' }],
            processingSteps: [{ no: '1', date: '2026-04-20', code: 'APE', description: 'Apertura del expediente' }],
            recoveryProcedures: [{ no: '1', date: '2026-04-25', code: 'REQ', description: 'Requerimiento de pago al deudor' }],
            datesPendingSettlement: [{ date: '2026-08-20', amount: '349.75', description: 'Liquidación pendiente' }],
          },
          { dossierNo: '8000000002', endorsementNo: '5000005', statusCode: 'C', openingDate: '2026-01-15', closingDate: '2026-03-01', currencyCode: 'EUR' },
        ],
        financing: { advancePercent: 80, feeRatePercent: 1.5, maxAmount: '50000.00', autoAcceptUpTo: '1000.00' },
        settlements: [
          { settlementNo: '8100000001', dossierNo: '8000000001', settlementDate: '2026-05-10', amount: '300.00', currencyCode: 'EUR', statusCode: 'P', internalNos: ['1'] },
        ],
      },
      {
        contractNo: C.strict,
        policyholderTaxCode: HOLDER,
        policyholderName: 'Industrias Demo Levante SL',
        effectiveDate: '2026-01-01',
        expiryDate: '2030-12-31',
        currencies: ['EUR', 'USD'],
        options: { creditNotes: false, endorsements: false, maxPaymentTermDays: 90, rejectDuplicateInvoices: true },
        classificationRules: { autoGrantUpTo: '50000.00', deniedTaxCodes: [], inProgressTaxCodes: [] },
        classifications: [
          classification('6000001', '6000001', 'A08001851', '2'),
          classification('6000002', '6000002', 'A58818501', '66'),
          classification('6000003', '6000003', 'B85132678', '2', { validityDate: '2026-03-31' }),
        ],
      },
      {
        contractNo: C.expired,
        policyholderTaxCode: HOLDER,
        policyholderName: 'Industrias Demo Levante SL',
        effectiveDate: '2020-07-01',
        expiryDate: '2025-06-30',
        currencies: ['EUR'],
        options: { creditNotes: true, endorsements: true, maxPaymentTermDays: 120 },
        classificationRules: { autoGrantUpTo: '100000.00', deniedTaxCodes: [], inProgressTaxCodes: [] },
        classifications: [],
      },
      {
        contractNo: C.foreign,
        policyholderTaxCode: OTHER_HOLDER,
        policyholderName: 'Otra Empresa SA',
        effectiveDate: '2026-01-01',
        expiryDate: '2030-12-31',
        currencies: ['EUR'],
        options: { creditNotes: true, endorsements: true, maxPaymentTermDays: 120 },
        classificationRules: { autoGrantUpTo: '100000.00', deniedTaxCodes: [], inProgressTaxCodes: [] },
        classifications: [],
      },
    ],
  };
}

function classification(
  requestNo: string,
  endorsementNo: string | null,
  taxCode: string,
  statusCode: string,
  extra: Partial<SandboxData['policies'][number]['classifications'][number]> = {},
): SandboxData['policies'][number]['classifications'][number] {
  const classified = statusCode === '2' || statusCode === '66';
  return {
    requestNo,
    endorsementNo,
    taxCode,
    countryCode: 'ES',
    companyName: `Deudor ${taxCode}`,
    creditLimitRequested: '50000.00',
    creditLimitGranted: classified ? '40000.00' : '0.00',
    currencyCode: 'EUR',
    statusCode,
    requestEntryDate: '2026-01-10',
    classificationDate: statusCode === '1' ? null : '2026-01-11',
    effectiveDate: classified ? '2026-01-11' : null,
    validityDate: null,
    cancellationDate: null,
    ...extra,
  };
}

export async function start(options: CesceEmulatorOptions = {}): Promise<CesceEmulator> {
  return startCesceEmulator({ data: fixtureData(), now: () => TODAY, ...options });
}

export interface HttpResult {
  status: number;
  body: any;
  headers: Headers;
}

export async function postForm(url: string, fields: Record<string, string | undefined>): Promise<HttpResult> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export async function getToken(
  emu: CesceEmulator,
  app: { clientId: string; clientSecret: string } = APPS.full,
  scope = 'create read update delete',
): Promise<string> {
  const r = await postForm(`${emu.url}/oauth2/v1/token`, {
    grant_type: 'password',
    client_id: app.clientId,
    client_secret: app.clientSecret,
    scope,
  });
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.access_token as string;
}

export async function call(
  emu: CesceEmulator,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  options: { token?: string; json?: unknown; rawBody?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.rawBody !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.rawBody;
  }
  const res = await fetch(`${emu.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export const classificationsPath = (contractNo: string, query = ''): string =>
  `/classifications/v1/contracts/${contractNo}/classifications${query}`;
export const salesPath = (contractNo: string, query = ''): string => `/sales/v1/contracts/${contractNo}/sales${query}`;
export const salePath = (contractNo: string, query = ''): string => `/sales/v1/contracts/${contractNo}/sale${query}`;
export const subsidiariesPath = (contractNo: string): string => `/sales/v1/contracts/${contractNo}/subsidiaries`;
export const movementsPath = (contractNo: string, query = ''): string =>
  `/portfolio-movements/v1/contracts/${contractNo}/movements${query}`;
export const claimsPath = (contractNo: string, rest: string): string => `/claims/v1/contracts/${contractNo}/${rest}`;
export const financialPath = (contractNo: string, rest = ''): string => `/financial/v1/contracts/${contractNo}/financing-requests${rest}`;
export const collectionsPath = (contractNo: string): string => `/collections/v1/contracts/${contractNo}/collections`;
/** Path of activate-deactivate, cancel or accept-deny-premium. */
export const classificationOpPath = (
  contractNo: string,
  op: 'activate-deactivate' | 'cancel' | 'accept-deny-premium',
): string => `/classifications/v1/contracts/${contractNo}/classifications/${op}`;

/** A valid collection body on the seeded sale 9000000100 (1000.00 on endorsement 5000001), overridable. */
export function collectionBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client: { endorsementNo: '5000001' },
    sale: { saleCesceReferenceNo: '9000000100' },
    collectionDate: '20260410',
    collectedAmount: '300,00',
    currencyCode: 'EUR',
    ...overrides,
  };
}

/** A valid sale body on the main policy (endorsement 5000001), overridable. */
export function saleBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    endorsementNo: '5000001',
    taxCode: 'A08001851',
    countryCode: 'ES',
    invoiceNo: 'F-2026-0001',
    invoiceDate: '20260401',
    dueDate: '20260531',
    amount: '1234,56',
    currencyCode: 'EUR',
    ...overrides,
  };
}

export function classificationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    taxCode: 'B98765437',
    countryCode: 'ES',
    companyName: 'Nuevo Deudor SL',
    customerReference: 'C-NEW',
    creditLimitRequested: '12345,67',
    currencyCode: 'EUR',
    paymentTermsRequested: '90',
    ...overrides,
  };
}

/**
 * The fixture with the knowledge-base fault flags of the data file: the strict policy is
 * `inactive` (400-3) and classification 5000003 of the main policy is `inconsistent` (400-4).
 */
export function faultFlagData(): SandboxData {
  const data = fixtureData();
  for (const p of data.policies) {
    if (p.contractNo === C.strict) p.inactive = true;
    for (const c of p.classifications) if (c.requestNo === '5000003') c.inconsistent = true;
  }
  return data;
}
