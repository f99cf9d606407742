import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CesceApiError, CesceClient, matchKnowledgeBase, MAX_DOCUMENT_BYTES } from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import { APPS, C, call, claimsPath, getToken, postForm, saleBody, salesPath, start } from './test-support.js';

let emu: CesceEmulator;
let token: string;
beforeEach(async () => {
  emu = await start();
  token = await getToken(emu);
});
afterEach(async () => {
  await emu.close();
});

const get = (rest: string) => call(emu, 'GET', claimsPath(C.main, rest), { token });
const post = (rest: string, json: unknown) => call(emu, 'POST', claimsPath(C.main, rest), { token, json });
const np = (o: Record<string, unknown> = {}) => ({ nonPaymentInd: 'S', saleCesceReferenceNo: '9000000100', unpaidAmount: '200,00', ...o });

describe('claims emulator over HTTP', () => {
  it('answers the seeded dossier and everything listed of it, in wire formats', async () => {
    const list = await get('dossiers');
    expect(list.status).toBe(200);
    expect(list.body.pagination).toEqual({ pageNo: '1', pageSize: '50', totalPages: '1', totalElements: '2' });
    expect(list.body.dossiers[0]).toMatchObject({
      dossierNo: '8000000001',
      endorsementNo: '5000001',
      taxCode: 'A08001851',
      statusCode: 'A',
      openingDate: '20260420',
      closingDate: '0',
      declaredAmount: '400,00',
      settledAmount: '300,00',
      recoveredAmount: '50,25',
    });
    expect((await get('dossiers?statusCode=C')).body.dossiers.map((d: any) => d.dossierNo)).toEqual(['8000000002']);
    expect((await get('dossiers?endorsementNo=5999999')).body.dossiers).toBeNull();
    expect((await get('dossiers/8000000001')).body.dossier.dossierNo).toBe('8000000001');
    expect((await get('dossiers/8000000001/non-payments')).body.nonPayments).toEqual([
      {
        internalNo: '1',
        dossierNo: '8000000001',
        saleCesceReferenceNo: '9000000100',
        invoiceNo: 'SEED-1',
        dueDate: '20260410',
        unpaidAmount: '400,00',
        currencyCode: 'EUR',
        nonPaymentInd: 'S',
        declarationDate: '20260420',
        comments: '',
      },
    ]);
    expect((await get('dossiers/8000000001/non-payments/1')).body.nonPayment.internalNo).toBe('1');
    expect((await get('settlements')).body.settlements).toHaveLength(1);
    expect((await get('settlements/8100000001')).body.settlement).toMatchObject({ settledAmount: '300,00', settlementDate: '20260510' });
    expect((await get('settlements/8100000001/unpaid-settlements')).body.nonPayments.map((n: any) => n.internalNo)).toEqual(['1']);
    expect((await get('dossiers/8000000001/recoveries')).body.recoveries[0]).toMatchObject({ recoveredAmount: '50,25', recoveryDate: '20260502' });
    expect((await get('documents?dossierNo=8000000001')).body.documents[0]).toMatchObject({ fileName: 'factura-SEED-1.pdf', sizeBytes: '2048' });
    expect((await get('dossiers/8000000001/processing-steps')).body.processingSteps[0]).toMatchObject({ stepCode: 'APE' });
    expect((await get('dossiers/8000000001/recovery-procedures')).body.recoveryProcedures[0]).toMatchObject({ procedureCode: 'REQ' });
    expect((await get('dossiers/8000000001/dates-pending-settlements')).body.datesPendingSettlements[0]).toMatchObject({
      pendingSettlementDate: '20260820',
      pendingAmount: '349,75',
    });
    expect((await get('dossiers/8000000002/recoveries')).body.recoveries).toBeNull();
  });

  it('answers 404 for unknown dossierNo, internalNo and settlementNo', async () => {
    for (const [rest, code] of [
      ['dossiers/1', 'SIN404'],
      ['dossiers/1/non-payments', 'SIN404'],
      ['dossiers/1/recoveries', 'SIN404'],
      ['documents?dossierNo=1', 'SIN404'],
      ['dossiers/8000000001/non-payments/9', 'SIN405'],
      ['settlements/1', 'SIN406'],
      ['settlements/1/unpaid-settlements', 'SIN406'],
    ] as const) {
      const r = await get(rest);
      expect([rest, r.status, r.body.error.errorCode]).toEqual([rest, 404, code]);
    }
    const r = await get('documents');
    expect([r.status, r.body.error.errorDescription]).toEqual([422, "'dossierNo' is missing."]);
  });

  it("answers a declaration without nonPaymentInd with exactly 'nonPaymentInd' is missing.", async () => {
    const r = await post('dossiers/0/non-payments', { saleCesceReferenceNo: '9000000100', unpaidAmount: '1,00' });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ error: { errorCode: 'VAL422', errorDescription: "'nonPaymentInd' is missing." } });
  });

  it('adds a non-payment to the open dossier of the debtor; caps it at what is unpaid on the sale', async () => {
    // Sale 9000000100: 1000,00, 400,00 already declared unpaid → 600,00 left.
    const over = await post('dossiers/0/non-payments', np({ unpaidAmount: '600,01' }));
    expect([over.status, over.body.error.errorCode]).toEqual([400, 'SIN010']);
    expect(over.body.error.errorDescription).toContain('(600,00)');
    const r = await post('dossiers/8000000001/non-payments', np({ unpaidAmount: '600,00', comments: 'segundo aviso' }));
    expect(r.status).toBe(201);
    expect(r.body.dossier).toMatchObject({ dossierNo: '8000000001', declaredAmount: '1000,00' });
    expect(r.body.nonPayment).toMatchObject({ internalNo: '2', unpaidAmount: '600,00', declarationDate: '20260515', comments: 'segundo aviso' });
    const again = await post('dossiers/0/non-payments', np({ unpaidAmount: '0,01' }));
    expect([again.status, again.body.error.errorCode]).toEqual([400, 'SIN010']);
    const steps = (await get('dossiers/8000000001/processing-steps')).body.processingSteps;
    expect(steps.map((s: any) => s.stepCode)).toEqual(['APE', 'AVI']);
  });

  it('opens a dossier when a default is declared on a sale of a debtor without an open one', async () => {
    const sale = await call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ endorsementNo: '5000006', taxCode: 'FR12345678901', countryCode: 'FR' }) });
    expect(sale.status).toBe(201);
    const ref = sale.body.sale.saleCesceReferenceNo as string;
    const r = await post('dossiers/0/non-payments', np({ saleCesceReferenceNo: ref, unpaidAmount: '1234,56' }));
    expect(r.status).toBe(201);
    expect(r.body.dossier).toMatchObject({ dossierNo: '8000000003', endorsementNo: '5000006', statusCode: 'A', openingDate: '20260515', declaredAmount: '1234,56' });
    expect(r.body.nonPayment).toMatchObject({ internalNo: '1', saleCesceReferenceNo: ref, invoiceNo: 'F-2026-0001' });
    expect((await get('dossiers/8000000003/non-payments')).body.nonPayments).toHaveLength(1);
    expect(emu.state().policies[0]!.dossiers.map((d) => d.dossierNo)).toEqual(['8000000001', '8000000002', '8000000003']);
    // The sale belongs to 5000006: it cannot go into the dossier of 5000001.
    const wrong = await post('dossiers/8000000001/non-payments', np({ saleCesceReferenceNo: ref, unpaidAmount: '1,00' }));
    expect([wrong.status, wrong.body.error.errorCode]).toEqual([400, 'SIN009']);
  });

  it('refuses unknown sales, sales of another policy, closed dossiers and nonPaymentInd N', async () => {
    const unknown = await post('dossiers/0/non-payments', np({ saleCesceReferenceNo: '1' }));
    expect([unknown.status, unknown.body.error.errorCode]).toEqual([404, 'VEN404']);
    const strictSale = await call(emu, 'POST', salesPath(C.strict), { token, json: saleBody({ endorsementNo: '6000001', dueDate: '20260430' }) });
    expect(strictSale.status).toBe(201);
    const other = await post('dossiers/0/non-payments', np({ saleCesceReferenceNo: strictSale.body.sale.saleCesceReferenceNo }));
    expect([other.status, other.body.error.errorCode]).toEqual([404, 'VEN404']);
    const closed = await post('dossiers/8000000002/non-payments', np());
    expect([closed.status, closed.body.error.errorCode]).toEqual([400, 'SIN009']);
    const no = await post('dossiers/0/non-payments', np({ nonPaymentInd: 'N' }));
    expect([no.status, no.body.error.errorCode]).toEqual([400, 'SIN009']);
    const missingDossier = await post('dossiers/123/non-payments', np());
    expect([missingDossier.status, missingDossier.body.error.errorCode]).toEqual([404, 'SIN404']);
  });

  it('uploads documents as base64 JSON, with a size limit', async () => {
    const content = Buffer.from('%PDF-1.4 hola').toString('base64');
    const r = await post('dossiers/8000000001/documents', { fileName: 'aviso.pdf', mimeType: 'application/pdf', content });
    expect(r.status).toBe(201);
    expect(r.body.document).toMatchObject({ documentNo: '2', dossierNo: '8000000001', sizeBytes: '13', uploadDate: '20260515' });
    expect((await get('documents?dossierNo=8000000001')).body.documents).toHaveLength(2);
    const big = await post('dossiers/8000000001/documents', { fileName: 'big.bin', content: Buffer.alloc(MAX_DOCUMENT_BYTES + 1).toString('base64') });
    expect([big.status, big.body.error.errorCode]).toEqual([400, 'DOC010']);
    const bad = await post('dossiers/8000000001/documents', { fileName: 'x', content: 'no base64!' });
    expect([bad.status, bad.body.error.errorCode]).toEqual([400, 'DOC009']);
    const miss = await post('dossiers/8000000001/documents', { fileName: 'x' });
    expect([miss.status, miss.body.error.errorDescription]).toEqual([422, "'content' is missing."]);
  });

  it('resolves an unknown dossier to 404-2 outside the sandbox', async () => {
    const pre = await start({ environment: 'pre' });
    try {
      const t = await postForm(`${pre.url}/oauth2/v1/token`, {
        grant_type: 'password',
        client_id: APPS.full.clientId,
        client_secret: APPS.full.clientSecret,
        username: APPS.full.username,
        password: APPS.full.password,
        scope: 'read',
      });
      const r = await call(pre, 'GET', claimsPath(C.main, 'dossiers/1'), { token: t.body.access_token });
      expect(r.status).toBe(404);
      const entry = matchKnowledgeBase({ status: 404, message: r.body.error.errorDescription, code: r.body.error.errorCode, operation: 'claims.dossier', environment: 'pre' });
      expect(entry.id).toBe('cesce-404-real-data');
    } finally {
      await pre.close();
    }
  });

  it('works end to end through core’s CesceClient', async () => {
    const client = new CesceClient({
      environment: 'sandbox',
      baseUrl: emu.url,
      contractNo: C.main,
      credentials: { clientId: APPS.full.clientId, clientSecret: APPS.full.clientSecret },
    });
    const dossiers = [];
    for await (const d of client.claims.listDossiers({ pageSize: 1 })) dossiers.push(d.dossierNo);
    expect(dossiers).toEqual(['8000000001', '8000000002']);
    const { dossier, nonPayment } = await client.claims.declareNonPayment({ saleCesceReferenceNo: '9000000100', unpaid: { currency: 'EUR', amount: '100.10' } });
    expect(dossier).toMatchObject({ dossierNo: '8000000001', open: true, declared: { currency: 'EUR', amount: '500.10' }, settled: { currency: 'EUR', amount: '300.00' } });
    expect(nonPayment).toMatchObject({ internalNo: '2', unpaid: { currency: 'EUR', amount: '100.10' } });
    expect(await client.claims.unpaidSettlements('8100000001')).toHaveLength(1);
    const doc = await client.claims.uploadDocument('8000000001', { fileName: 'a.txt', content: new Uint8Array([65, 66]) });
    expect(doc.sizeBytes).toBe(2);
    expect((await client.claims.datesPendingSettlements('8000000001'))[0]).toEqual({
      date: '2026-08-20',
      amount: { currency: 'EUR', amount: '349.75' },
      description: 'Liquidación pendiente',
    });
    const err = (await client.claims.nonPayment('8000000001', '99').catch((e: unknown) => e)) as CesceApiError;
    expect(err).toBeInstanceOf(CesceApiError);
    expect(err).toMatchObject({ status: 404, operation: 'claims.nonPayment', cesceCode: 'SIN405' });
    expect(err.entry.id).toBe('cesce-404-sandbox-dataset');
  });
});
