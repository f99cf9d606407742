import { afterEach, describe, expect, it } from 'vitest';
import { CesceApiError, ValidationError } from '../../errors.js';
import { API_BASE_PATHS } from '../../environments.js';
import { json, loopback, type Loopback } from '../../testing/loopback.js';
import { DECLARE_NON_PAYMENT_REQUIRED, declareNonPaymentRequestSchema, MAX_DOCUMENT_BYTES, uploadDocumentRequestSchema } from './schemas.js';

let lb: Loopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

const base = '/claims/v1/contracts/34109150331';
const dossier = {
  dossierNo: 8000000001,
  endorsementNo: '5000001',
  taxCode: 'A08001851',
  companyName: 'Deudor SA',
  statusCode: 'A',
  openingDate: '20260515',
  closingDate: '0',
  currencyCode: 'EUR',
  declaredAmount: '600,00',
  settledAmount: '',
  recoveredAmount: '100,50',
};
const nonPayment = {
  internalNo: '1',
  dossierNo: '8000000001',
  saleCesceReferenceNo: '9000000100',
  invoiceNo: 'F-1',
  dueDate: '20260410',
  unpaidAmount: '600,00',
  currencyCode: 'EUR',
  nonPaymentInd: 'S',
  declarationDate: '20260515',
};

describe('client.claims', () => {
  it('declares a non-payment with nonPaymentInd S on dossier "0" and parses dossier and non-payment', async () => {
    lb = await loopback((_req, res) => json(res, 201, { error: { errorCode: '0' }, dossier, nonPayment }));
    const r = await lb.client().claims.declareNonPayment({ saleCesceReferenceNo: '9000000100', unpaid: { currency: 'EUR', amount: '600' } });
    expect(lb.requests[0]).toEqual({
      method: 'POST',
      path: `${base}/dossiers/0/non-payments`,
      query: {},
      body: { nonPaymentInd: 'S', saleCesceReferenceNo: '9000000100', unpaidAmount: '600,00', currencyCode: 'EUR' },
    });
    expect(declareNonPaymentRequestSchema.safeParse(lb.requests[0]!.body).success).toBe(true);
    expect(DECLARE_NON_PAYMENT_REQUIRED[0]).toBe('nonPaymentInd');
    expect(r.dossier).toEqual({
      dossierNo: '8000000001',
      endorsementNo: '5000001',
      taxCode: 'A08001851',
      companyName: 'Deudor SA',
      statusCode: 'A',
      open: true,
      openingDate: '2026-05-15',
      closingDate: null,
      declared: { currency: 'EUR', amount: '600.00' },
      settled: null,
      recovered: { currency: 'EUR', amount: '100.50' },
    });
    expect(r.nonPayment).toMatchObject({ internalNo: '1', unpaid: { currency: 'EUR', amount: '600.00' }, dueDate: '2026-04-10', comments: null });
  });

  it('refuses a zero amount before any call and maps the seed 422 exactly', async () => {
    lb = await loopback((_req, res) => json(res, 422, { error: { errorCode: 'VAL422', errorDescription: "'nonPaymentInd' is missing." } }));
    const c = lb.client();
    await expect(c.claims.declareNonPayment({ saleCesceReferenceNo: '1', unpaid: { currency: 'EUR', amount: '0' } })).rejects.toBeInstanceOf(ValidationError);
    expect(lb.requests).toHaveLength(0);
    const err = (await c.claims
      .declareNonPayment({ saleCesceReferenceNo: '1', unpaid: { currency: 'EUR', amount: '1' } }, '8000000001')
      .catch((e: unknown) => e)) as CesceApiError;
    expect(err).toBeInstanceOf(CesceApiError);
    expect(err).toMatchObject({ status: 422, operation: 'claims.declareNonPayment', cesceMessage: "'nonPaymentInd' is missing." });
    expect(err.entry.id).toBe('cesce-422-missing-field');
    expect(lb.requests).toHaveLength(1);
  });

  it('pages through the dossiers list', async () => {
    lb = await loopback((req, res) => {
      const pageNo = Number(req.query.pageNo);
      json(res, 200, {
        dossiers: pageNo === 1 ? [dossier] : [{ ...dossier, dossierNo: '8000000002', statusCode: 'C', closingDate: '20260601' }],
        pagination: { pageNo, pageSize: 1, totalPages: 2, totalElements: 2 },
      });
    });
    const all = [];
    for await (const d of lb.client().claims.listDossiers({ endorsementNo: '5000001', pageSize: 1 })) all.push(d);
    expect(all.map((d) => [d.dossierNo, d.open, d.closingDate])).toEqual([
      ['8000000001', true, null],
      ['8000000002', false, '2026-06-01'],
    ]);
    expect(lb.requests.map((r) => [r.path, r.query])).toEqual([
      [`${base}/dossiers`, { endorsementNo: '5000001', pageNo: '1', pageSize: '1' }],
      [`${base}/dossiers`, { endorsementNo: '5000001', pageNo: '2', pageSize: '1' }],
    ]);
  });

  it('calls every read operation on its normalised path and parses null lists as empty', async () => {
    lb = await loopback((req, res) => {
      const p = req.path.slice(base.length);
      if (p === '/dossiers/8000000001') return json(res, 200, { dossier });
      if (p.endsWith('/non-payments/1')) return json(res, 200, { nonPayment });
      if (p.endsWith('/non-payments')) return json(res, 200, { nonPayments: [nonPayment] });
      if (p === '/settlements') return json(res, 200, { settlements: [{ settlementNo: 3, dossierNo: '8000000001', settlementDate: '20260601', settledAmount: '450,00', currencyCode: 'EUR' }] });
      if (p === '/settlements/3') return json(res, 200, { settlement: { settlementNo: '3', dossierNo: '8000000001', settlementDate: '20260601', settledAmount: '450,00', currencyCode: 'EUR', statusCode: 'P' } });
      if (p === '/settlements/3/unpaid-settlements') return json(res, 200, { nonPayments: [nonPayment] });
      if (p.endsWith('/recoveries')) return json(res, 200, { recoveries: [{ recoveryNo: '1', dossierNo: '8000000001', recoveryDate: '20260520', recoveredAmount: '100,50', currencyCode: 'EUR' }] });
      if (p === '/documents') return json(res, 200, { documents: null });
      if (p.endsWith('/processing-steps')) return json(res, 200, { processingSteps: [{ stepNo: 1, stepDate: '20260515', stepCode: 'APE', description: 'Apertura' }] });
      if (p.endsWith('/recovery-procedures')) return json(res, 200, { recoveryProcedures: null });
      if (p.endsWith('/dates-pending-settlements')) return json(res, 200, { datesPendingSettlements: [{ pendingSettlementDate: '20260815', pendingAmount: '600,00', currencyCode: 'EUR' }] });
      json(res, 404, { error: { errorCode: 'SIN404', errorDescription: 'No se encuentra el expediente.' } });
    });
    const c = lb.client().claims;
    expect((await c.dossier('8000000001')).dossierNo).toBe('8000000001');
    expect(await c.nonPayments('8000000001')).toHaveLength(1);
    expect((await c.nonPayment('8000000001', '1')).internalNo).toBe('1');
    expect(await c.settlements()).toEqual([{ settlementNo: '3', dossierNo: '8000000001', settlementDate: '2026-06-01', amount: { currency: 'EUR', amount: '450.00' }, statusCode: null }]);
    expect((await c.settlement('3')).statusCode).toBe('P');
    expect(await c.unpaidSettlements('3')).toHaveLength(1);
    expect((await c.recoveries('8000000001'))[0]!.amount).toEqual({ currency: 'EUR', amount: '100.50' });
    expect(await c.documents('8000000001')).toEqual([]);
    expect(await c.processingSteps('8000000001')).toEqual([{ no: '1', date: '2026-05-15', code: 'APE', description: 'Apertura' }]);
    expect(await c.recoveryProcedures('8000000001')).toEqual([]);
    expect(await c.datesPendingSettlements('8000000001')).toEqual([{ date: '2026-08-15', amount: { currency: 'EUR', amount: '600.00' }, description: null }]);
    expect(lb.requests.find((r) => r.path === `${base}/documents`)?.query).toEqual({ dossierNo: '8000000001' });
    expect(lb.requests.some((r) => r.path === `${base}/dossiers/8000000001/recoveries`)).toBe(true);
    const err = (await c.dossier('9').catch((e: unknown) => e)) as CesceApiError;
    expect(err).toMatchObject({ status: 404, operation: 'claims.dossier' });
    expect(err.entry.id).toBe('cesce-404-sandbox-dataset');
  });

  it('uploads a document base64-encoded in JSON and refuses one above the limit before any call', async () => {
    lb = await loopback((req, res) =>
      json(res, 201, {
        document: { documentNo: '1', dossierNo: '8000000001', fileName: (req.body as { fileName: string }).fileName, mimeType: 'application/pdf', sizeBytes: 3, uploadDate: '20260515' },
      }),
    );
    const c = lb.client().claims;
    const d = await c.uploadDocument('8000000001', { fileName: 'factura.pdf', mimeType: 'application/pdf', content: new Uint8Array([1, 2, 3]) });
    expect(lb.requests[0]).toMatchObject({ method: 'POST', path: `${base}/dossiers/8000000001/documents`, body: { fileName: 'factura.pdf', content: 'AQID' } });
    expect(uploadDocumentRequestSchema.safeParse(lb.requests[0]!.body).success).toBe(true);
    expect(d).toMatchObject({ documentNo: '1', sizeBytes: 3, uploadDate: '2026-05-15', description: null });
    await expect(c.uploadDocument('8000000001', { fileName: 'big.pdf', content: new Uint8Array(MAX_DOCUMENT_BYTES + 1) })).rejects.toBeInstanceOf(ValidationError);
    expect(lb.requests).toHaveLength(1);
  });

  it('uses the [inferred] base path', () => {
    expect(API_BASE_PATHS.claims).toBe('claims/v1');
  });
});
