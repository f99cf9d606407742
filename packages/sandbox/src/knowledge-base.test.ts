import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchKnowledgeBase, type OperationId } from '@cesce-connect/core';
import { RULES, type RuleName } from './rules/messages.js';
import type { CesceEmulator } from './server.js';
import {
  APPS,
  C,
  call,
  claimsPath,
  financialPath,
  classificationBody,
  classificationOpPath,
  classificationsPath,
  collectionBody,
  collectionsPath,
  faultFlagData,
  getToken,
  movementsPath,
  postForm,
  saleBody,
  salePath,
  salesPath,
  start,
  type HttpResult,
} from './test-support.js';

/**
 * Every error rule, produced by the real server, must resolve in core's knowledge base to the
 * entry it was written for (RULES[rule].kb).
 */

type Scenario = { rule: RuleName; operation?: OperationId; environment?: 'sandbox' | 'pre'; run: () => Promise<HttpResult> };

let emu: CesceEmulator;
let pre: CesceEmulator;
let broken: CesceEmulator;
let flags: CesceEmulator;
let limited: CesceEmulator;
let flaky: CesceEmulator;
let token: string;
let readToken: string;
let noSalesToken: string;

beforeAll(async () => {
  emu = await start();
  pre = await start({ environment: 'pre' });
  broken = await start({ now: () => 'not-a-date' });
  flags = await start({ data: faultFlagData() });
  limited = await start({ faults: { rateLimit: { requests: 1, perSeconds: 3600 } } });
  flaky = await start({ faults: { status5xxRate: 1 } });
  token = await getToken(emu);
  readToken = await getToken(emu, APPS.readOnly, 'read');
  noSalesToken = await getToken(emu, APPS.noSales, 'read create');
  // A positive sale to make duplicates possible on the strict policy.
  const r = await call(emu, 'POST', salesPath(C.strict), { token, json: saleBody({ endorsementNo: '6000001', invoiceNo: 'DUP', dueDate: '20260430' }) });
  expect(r.status).toBe(201);
});
afterAll(async () => {
  await Promise.all([emu, pre, broken, flags, limited, flaky].map((e) => e.close()));
});

const tokenForm = (fields: Record<string, string>) => postForm(`${emu.url}/oauth2/v1/token`, fields);
const full = { client_id: APPS.full.clientId, client_secret: APPS.full.clientSecret };
const sale = (json: unknown, contractNo: string = C.main) => call(emu, 'POST', salesPath(contractNo), { token, json });
const classify = (json: unknown, contractNo: string = C.main) => call(emu, 'POST', classificationsPath(contractNo), { token, json });
const classificationOp = (op: 'activate-deactivate' | 'cancel' | 'accept-deny-premium', json: unknown, t: string = token) =>
  call(emu, 'POST', classificationOpPath(C.main, op), { token: t, json });
const modify = (json: unknown, contractNo: string = C.main) => call(emu, 'POST', salePath(contractNo), { token, json });
const collect = (json: unknown) => call(emu, 'POST', collectionsPath(C.main), { token, json });
const claims = (method: 'GET' | 'POST', rest: string, json?: unknown) =>
  call(emu, method, claimsPath(C.main, rest), json === undefined ? { token } : { token, json });
const nonPayment = (o: Record<string, unknown> = {}) => ({ nonPaymentInd: 'S', saleCesceReferenceNo: '9000000100', unpaidAmount: '1,00', ...o });

const SCENARIOS: Scenario[] = [
  { rule: 'unsupportedGrantType', operation: 'token', run: () => tokenForm({ grant_type: 'client_credentials', ...full }) },
  { rule: 'invalidClient', operation: 'token', run: () => tokenForm({ grant_type: 'password', client_id: 'x', client_secret: 'y' }) },
  {
    rule: 'oauthNotSubscribed',
    operation: 'token',
    run: () => tokenForm({ grant_type: 'password', client_id: APPS.noOauth.clientId, client_secret: APPS.noOauth.clientSecret }),
  },
  {
    rule: 'invalidGrant',
    operation: 'token',
    environment: 'pre',
    run: () => postForm(`${pre.url}/oauth2/v1/token`, { grant_type: 'password', ...full, username: 'u', password: 'p' }),
  },
  { rule: 'invalidScope', operation: 'token', run: () => tokenForm({ grant_type: 'password', ...full, scope: 'admin' }) },
  { rule: 'notFound', run: () => call(emu, 'GET', '/unknown/v1/contracts/34109150331/things', { token }) },
  { rule: 'methodNotAllowed', run: () => call(emu, 'PUT', salePath(C.main), { token, json: {} }) },
  {
    rule: 'payloadTooLarge',
    operation: 'sales.create',
    run: () => call(emu, 'POST', salesPath(C.main), { token, rawBody: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) }),
  },
  { rule: 'securityChecks', operation: 'sales.list', run: () => call(emu, 'GET', salesPath(C.main), { token: 'expired-or-unknown' }) },
  { rule: 'productNotSubscribed', operation: 'sales.list', run: () => call(emu, 'GET', salesPath(C.main), { token: noSalesToken }) },
  { rule: 'missingScope', operation: 'sales.create', run: () => call(emu, 'POST', salesPath(C.main), { token: readToken, json: saleBody() }) },
  {
    rule: 'missingScope',
    operation: 'classifications.cancel',
    run: () => classificationOp('cancel', { requestNo: '5000002' }, readToken),
  },
  {
    rule: 'productNotSubscribed',
    operation: 'movements.list',
    run: () => call(emu, 'GET', movementsPath(C.main), { token: noSalesToken }),
  },
  { rule: 'contractFormat', operation: 'sales.create', run: () => sale(saleBody(), '09150331') },
  { rule: 'policyNotRegistered', operation: 'sales.create', run: () => sale(saleBody(), C.foreign) },
  { rule: 'policyExpired', operation: 'sales.create', run: () => sale(saleBody(), C.expired) },
  { rule: 'missingField', operation: 'sales.create', run: () => sale(saleBody({ invoiceNo: '' })) },
  { rule: 'missingField', operation: 'classifications.create', run: () => classify(classificationBody({ companyName: null })) },
  { rule: 'missingField', operation: 'classifications.activateDeactivate', run: () => classificationOp('activate-deactivate', { activeInd: 'N' }) },
  { rule: 'missingField', operation: 'classifications.acceptDenyPremium', run: () => classificationOp('accept-deny-premium', { endorsementNo: '5000006' }) },
  { rule: 'missingField', operation: 'sales.modify', run: () => modify({ saleCesceReferenceNo: '9000000100', extensionInd: 'S', dueDate: '20260610' }) },
  { rule: 'missingField', operation: 'collections.create', run: () => collect(collectionBody({ collectionDate: undefined })) },
  {
    rule: 'classificationInvalid',
    operation: 'classifications.acceptDenyPremium',
    run: () => classificationOp('accept-deny-premium', { endorsementNo: '5000006', premiumAcceptedInd: 'yes' }),
  },
  { rule: 'classificationInvalid', operation: 'classifications.create', run: () => classify(classificationBody({ countryCode: 'Spain' })) },
  { rule: 'queryInvalid', operation: 'classifications.query', run: () => call(emu, 'GET', classificationsPath(C.main), { token }) },
  { rule: 'queryInvalid', operation: 'movements.list', run: () => call(emu, 'GET', movementsPath(C.main, '?languageCode=Spanish'), { token }) },
  { rule: 'saleInvalid', operation: 'sales.create', run: () => sale(saleBody({ dueDate: '20260301' })) },
  { rule: 'saleInvalid', operation: 'sales.create', run: () => sale(saleBody({ invoiceDate: '20260230' })) },
  { rule: 'saleInvalid', operation: 'sales.create', run: () => sale(saleBody({ amount: '0,00' })) },
  { rule: 'saleInvalid', operation: 'sales.modify', run: () => modify({ saleCesceReferenceNo: '9000000100' }) },
  {
    rule: 'collectionInvalid',
    operation: 'collections.create',
    run: () => collect(collectionBody({ collectionDate: '20260101' })),
  },
  {
    rule: 'classificationNotFound',
    operation: 'classifications.query',
    run: () => call(emu, 'GET', classificationsPath(C.main, '?taxCode=B99999999'), { token }),
  },
  { rule: 'classificationNotFound', operation: 'classifications.cancel', run: () => classificationOp('cancel', { endorsementNo: '5999999' }) },
  {
    rule: 'classificationNotFound',
    operation: 'classifications.activateDeactivate',
    run: () => classificationOp('activate-deactivate', { requestNo: '5999999', activeInd: 'S' }),
  },
  {
    rule: 'classificationNotFound',
    operation: 'classifications.acceptDenyPremium',
    run: () => classificationOp('accept-deny-premium', { endorsementNo: '5000006', requestNo: '5000001', premiumAcceptedInd: 'S' }),
  },
  { rule: 'classificationNotFound', operation: 'collections.create', run: () => collect(collectionBody({ client: { taxCode: 'B99999999' } })) },
  { rule: 'duplicateClassification', operation: 'classifications.create', run: () => classify(classificationBody({ taxCode: 'A08001851' })) },
  {
    rule: 'classificationCurrencyNotAllowed',
    operation: 'classifications.create',
    run: () => classify(classificationBody({ currencyCode: 'GBP' })),
  },
  {
    rule: 'classificationStateConflict',
    operation: 'classifications.activateDeactivate',
    run: () => classificationOp('activate-deactivate', { requestNo: '5000002', activeInd: 'N' }),
  },
  { rule: 'classificationStateConflict', operation: 'classifications.cancel', run: () => classificationOp('cancel', { endorsementNo: '5000004' }) },
  {
    rule: 'premiumNotOffered',
    operation: 'classifications.acceptDenyPremium',
    run: () => classificationOp('accept-deny-premium', { endorsementNo: '5000008', premiumAcceptedInd: 'N' }),
  },
  {
    rule: 'premiumNotOffered',
    operation: 'classifications.acceptDenyPremium',
    run: () => classificationOp('accept-deny-premium', { endorsementNo: '5000001', premiumAcceptedInd: 'S' }),
  },
  { rule: 'saleWithoutClassification', operation: 'sales.create', run: () => sale(saleBody({ endorsementNo: '5000002' })) },
  { rule: 'saleWithoutClassification', operation: 'sales.create', run: () => sale(saleBody({ endorsementNo: '5000007' })) },
  { rule: 'endorsementsNotIncluded', operation: 'sales.create', run: () => sale(saleBody({ endorsementNo: '6000002' }), C.strict) },
  { rule: 'currencyNotAllowed', operation: 'sales.create', run: () => sale(saleBody({ currencyCode: 'JPY' })) },
  { rule: 'paymentTermTooLong', operation: 'sales.create', run: () => sale(saleBody({ dueDate: '20261231' })) },
  {
    rule: 'creditNotesNotIncluded',
    operation: 'sales.create',
    run: () => sale(saleBody({ endorsementNo: '6000001', amount: '-5,00', originalInvoiceNo: 'DUP', dueDate: '20260430' }), C.strict),
  },
  { rule: 'creditNoteWithoutSale', operation: 'sales.create', run: () => sale(saleBody({ amount: '-5,00', originalInvoiceNo: 'NONE' })) },
  {
    rule: 'duplicateInvoice',
    operation: 'sales.create',
    run: () => sale(saleBody({ endorsementNo: '6000001', invoiceNo: 'DUP', dueDate: '20260430' }), C.strict),
  },
  {
    rule: 'maturityAmountExceeded',
    operation: 'sales.modify',
    run: () => modify({ saleCesceReferenceNo: '9000000100', extensionInd: 'S', dueDate: '20260610', maturityAmount: '1000,01' }),
  },
  {
    rule: 'collectionExceedsOutstanding',
    operation: 'collections.create',
    run: () => collect(collectionBody({ collectedAmount: '1000,01' })),
  },
  { rule: 'saleNotFound', operation: 'sales.modify', run: () => modify({ saleCesceReferenceNo: '1', amount: '5,00' }) },
  {
    rule: 'saleNotFound',
    operation: 'collections.create',
    run: () => collect(collectionBody({ sale: { invoiceNo: 'NOPE' } })),
  },
  {
    rule: 'saleNotFound',
    operation: 'sales.consult',
    run: () => call(emu, 'GET', salePath(C.main, '?saleCesceReferenceNo=1'), { token }),
  },
  {
    rule: 'missingField',
    operation: 'claims.declareNonPayment',
    run: () => claims('POST', 'dossiers/0/non-payments', { saleCesceReferenceNo: '9000000100', unpaidAmount: '1,00' }),
  },
  { rule: 'missingField', operation: 'claims.documents', run: () => claims('GET', 'documents') },
  { rule: 'queryInvalid', operation: 'claims.dossiers', run: () => claims('GET', 'dossiers?statusCode=X') },
  { rule: 'saleNotFound', operation: 'claims.declareNonPayment', run: () => claims('POST', 'dossiers/0/non-payments', nonPayment({ saleCesceReferenceNo: '1' })) },
  { rule: 'nonPaymentInvalid', operation: 'claims.declareNonPayment', run: () => claims('POST', 'dossiers/0/non-payments', nonPayment({ nonPaymentInd: 'N' })) },
  {
    rule: 'nonPaymentExceedsOutstanding',
    operation: 'claims.declareNonPayment',
    run: () => claims('POST', 'dossiers/0/non-payments', nonPayment({ unpaidAmount: '600,01' })),
  },
  {
    rule: 'documentInvalid',
    operation: 'claims.uploadDocument',
    run: () => claims('POST', 'dossiers/8000000001/documents', { fileName: 'x', content: 'no base64!' }),
  },
  {
    rule: 'documentTooLarge',
    operation: 'claims.uploadDocument',
    run: () => claims('POST', 'dossiers/8000000001/documents', { fileName: 'big.bin', content: Buffer.alloc(600 * 1024).toString('base64') }),
  },
  { rule: 'dossierNotFound', operation: 'claims.dossier', run: () => claims('GET', 'dossiers/1') },
  { rule: 'dossierNotFound', operation: 'claims.declareNonPayment', run: () => claims('POST', 'dossiers/1/non-payments', nonPayment()) },
  { rule: 'nonPaymentNotFound', operation: 'claims.nonPayment', run: () => claims('GET', 'dossiers/8000000001/non-payments/9') },
  { rule: 'settlementNotFound', operation: 'claims.unpaidSettlements', run: () => claims('GET', 'settlements/1/unpaid-settlements') },
  { rule: 'missingField', operation: 'financial.request', run: () => call(emu, 'POST', financialPath(C.main), { token, json: {} }) },
  { rule: 'financingInvalid', operation: 'financial.request', run: () => call(emu, 'POST', financialPath(C.main), { token, json: { saleCesceReferenceNos: [] } }) },
  {
    rule: 'financingNotIncluded',
    operation: 'financial.request',
    run: () => call(emu, 'POST', financialPath(C.strict), { token, json: { saleCesceReferenceNos: ['1'] } }),
  },
  { rule: 'financingRequestNotFound', operation: 'financial.status', run: () => call(emu, 'GET', financialPath(C.main, '/1'), { token }) },
  { rule: 'queryInvalid', operation: 'financial.list', run: () => call(emu, 'GET', financialPath(C.main, '?statusCode=X'), { token }) },
  {
    rule: 'financingNotPending',
    operation: 'financial.answerConditions',
    run: async () => {
      const denied = await call(emu, 'POST', financialPath(C.main), { token, json: { saleCesceReferenceNos: ['1'] } });
      return call(emu, 'POST', financialPath(C.main, `/${denied.body.financingRequest.requestNo}/answer`), { token, json: { conditionsAcceptedInd: 'S' } });
    },
  },
  { rule: 'policyInactive', operation: 'sales.list', run: async () => call(flags, 'GET', salesPath(C.strict), { token: await getToken(flags) }) },
  {
    rule: 'debtorInconsistent',
    operation: 'classifications.query',
    run: async () => call(flags, 'GET', classificationsPath(C.main, '?taxCode=B12345674&countryCode=ES'), { token: await getToken(flags) }),
  },
  {
    rule: 'rateLimited',
    operation: 'sales.list',
    run: async () => call(limited, 'GET', salesPath(C.main), { token: await getToken(limited) }),
  },
  { rule: 'serviceUnavailable', operation: 'sales.list', run: async () => call(flaky, 'GET', salesPath(C.main), { token: await getToken(flaky) }) },
  {
    rule: 'internalError',
    operation: 'sales.list',
    run: async () => call(broken, 'GET', salesPath(C.main), { token: await getToken(broken) }),
  },
];

/** What a client extracts from each body format (as core's http layer does). */
function facts(body: any): { code: string | undefined; message: string } {
  if (body && typeof body.error === 'object' && body.error !== null) {
    return { code: String(body.error.errorCode), message: String(body.error.errorDescription ?? '') };
  }
  if (body && typeof body.error === 'string') return { code: body.error, message: String(body.error_description ?? '') };
  return { code: String(body.httpCode), message: String(body.moreInformation ?? body.httpMessage ?? '') };
}

describe('every error rule resolves to its knowledge-base entry', () => {
  it('has a scenario for every rule in RULES', () => {
    const covered = new Set(SCENARIOS.map((s) => s.rule));
    expect(Object.keys(RULES).filter((r) => !covered.has(r as RuleName))).toEqual([]);
  });

  it.each(SCENARIOS.map((s, i) => [`${s.rule}${s.operation ? ` (${s.operation})` : ''} #${i}`, s] as const))('%s', async (_, s) => {
    const r = await s.run();
    const rule = RULES[s.rule];
    expect(r.status).toBe(rule.status);
    const { code, message } = facts(r.body);
    expect(code).toBe(rule.code);
    // The message is the rule's template with its placeholders filled.
    const pattern = new RegExp(`^${rule.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\w+\\\}/g, '.+')}$`);
    expect(message).toMatch(pattern);
    const entry = matchKnowledgeBase({ status: r.status, message, code, operation: s.operation, environment: s.environment ?? 'sandbox' });
    expect(entry.id).toBe(rule.kb);
  });

  it('maps the entries named in the brief', () => {
    const expected: Partial<Record<RuleName, string>> = {
      contractFormat: 'cesce-400-contract-format',
      policyNotRegistered: 'cesce-403-policy-not-registered',
      policyExpired: 'cesce-400-policy-expired',
      missingField: 'cesce-422-missing-field',
      saleWithoutClassification: 'cesce-400-classification-required',
      classificationNotFound: 'cesce-400-classification-required',
      endorsementsNotIncluded: 'cesce-400-policy-conditions',
      creditNotesNotIncluded: 'cesce-400-policy-conditions',
      creditNoteWithoutSale: 'cesce-400-credit-note-order',
      classificationStateConflict: 'cesce-400-classification-state',
      premiumNotOffered: 'cesce-400-classification-state',
      maturityAmountExceeded: 'cesce-400-sale-data',
      collectionInvalid: 'cesce-400-sale-data',
      collectionExceedsOutstanding: 'cesce-400-sale-data',
      currencyNotAllowed: 'cesce-400-adjust-to-policy',
      paymentTermTooLong: 'cesce-400-adjust-to-policy',
      duplicateClassification: 'cesce-400-adjust-to-policy',
      duplicateInvoice: 'cesce-400-adjust-to-policy',
      saleInvalid: 'cesce-400-sale-data',
      invalidClient: 'cesce-401-client-credentials',
      oauthNotSubscribed: 'cesce-401-product-subscription',
      productNotSubscribed: 'cesce-401-product-subscription',
    };
    for (const [rule, kb] of Object.entries(expected)) expect(RULES[rule as RuleName].kb).toBe(kb);
  });
});
