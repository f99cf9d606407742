import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CesceApiError, CesceClient } from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import { APPS, C, call, classificationOpPath, financialPath, getToken, saleBody, salesPath, start } from './test-support.js';

let emu: CesceEmulator;
let token: string;
beforeEach(async () => {
  emu = await start();
  token = await getToken(emu);
});
afterEach(async () => {
  await emu.close();
});

const request = (refs: unknown, contractNo: string = C.main) => call(emu, 'POST', financialPath(contractNo), { token, json: { saleCesceReferenceNos: refs } });
const declare = async (o: Record<string, unknown> = {}): Promise<string> => {
  const r = await call(emu, 'POST', salesPath(C.main), { token, json: saleBody(o) });
  expect(r.status).toBe(201);
  return r.body.sale.saleCesceReferenceNo as string;
};

describe('financial emulator over HTTP', () => {
  it('accepts at once up to autoAcceptUpTo: 80 % of the outstanding amount, 1.5 % fee, value date tomorrow', async () => {
    const ref = await declare(); // 1234,56 due 2026-05-31
    const r = await request([ref]);
    expect(r.status).toBe(201);
    expect(r.body.financingRequest).toEqual({
      requestNo: '8500000001',
      statusCode: 'ACCEPTED',
      requestDate: '20260515',
      currencyCode: 'EUR',
      outstandingAmount: '1234,56',
      financedAmount: '987,65',
      advancePercent: '80,00',
      feeRatePercent: '1,50',
      feeAmount: '14,81',
      valueDate: '20260516',
      denialReasonCode: '',
      denialReason: '',
      answerDate: '0',
      sales: [{ saleCesceReferenceNo: ref, outstandingAmount: '1234,56', financedAmount: '987,65', denialReasonCode: '' }],
    });
    const again = await request([ref]);
    expect(again.body.financingRequest).toMatchObject({ statusCode: 'DENIED', denialReasonCode: 'SALE_ALREADY_FINANCED' });
    expect(again.body.financingRequest.denialReason).toContain('ya está financiada');
  });

  it('answers CONDITIONS above autoAcceptUpTo; they can be accepted once, or declined', async () => {
    const a = await declare({ invoiceNo: 'FA', amount: '2000,00' });
    const b = await declare({ invoiceNo: 'FB', amount: '3000,00' });
    const ra = await request([a]);
    expect(ra.body.financingRequest).toMatchObject({ statusCode: 'CONDITIONS', financedAmount: '1600,00', feeAmount: '24,00' });
    const no = ra.body.financingRequest.requestNo as string;
    const acc = await call(emu, 'POST', financialPath(C.main, `/${no}/answer`), { token, json: { conditionsAcceptedInd: 'S' } });
    expect(acc.status).toBe(200);
    expect(acc.body.financingRequest).toMatchObject({ statusCode: 'ACCEPTED', answerDate: '20260515' });
    const twice = await call(emu, 'POST', financialPath(C.main, `/${no}/answer`), { token, json: { conditionsAcceptedInd: 'N' } });
    expect([twice.status, twice.body.error.errorCode]).toEqual([400, 'FIN010']);
    const rb = await request([b]);
    const dec = await call(emu, 'POST', financialPath(C.main, `/${rb.body.financingRequest.requestNo}/answer`), { token, json: { conditionsAcceptedInd: 'N' } });
    expect(dec.body.financingRequest.statusCode).toBe('DECLINED');
    // A declined request frees the sale for a new one.
    expect((await request([b])).body.financingRequest.statusCode).toBe('CONDITIONS');
    const list = await call(emu, 'GET', financialPath(C.main), { token });
    expect(list.body.financingRequests.map((f: any) => f.statusCode)).toEqual(['ACCEPTED', 'DECLINED', 'CONDITIONS']);
    expect((await call(emu, 'GET', financialPath(C.main, '?statusCode=DECLINED'), { token })).body.financingRequests).toHaveLength(1);
    expect((await call(emu, 'GET', financialPath(C.main, '?statusCode=DENIED'), { token })).body.financingRequests).toBeNull();
    expect((await call(emu, 'GET', financialPath(C.main, `/${no}`), { token })).body.financingRequest.statusCode).toBe('ACCEPTED');
  });

  it('denies with a reason: not declared, overdue, classification not active, above the maximum', async () => {
    expect((await request(['1'])).body.financingRequest).toMatchObject({ statusCode: 'DENIED', denialReasonCode: 'SALE_NOT_DECLARED' });
    expect((await request(['9000000100'])).body.financingRequest).toMatchObject({ statusCode: 'DENIED', denialReasonCode: 'SALE_OVERDUE' });
    const big = await declare({ invoiceNo: 'BIG', amount: '70000,00' });
    expect((await request([big])).body.financingRequest).toMatchObject({ statusCode: 'DENIED', denialReasonCode: 'MAX_AMOUNT_EXCEEDED', financedAmount: '' });
    const ref = await declare({ invoiceNo: 'DEACT' });
    const off = await call(emu, 'POST', classificationOpPath(C.main, 'activate-deactivate'), { token, json: { endorsementNo: '5000001', activeInd: 'N' } });
    expect(off.status).toBe(200);
    const r = await request([ref]);
    expect(r.body.financingRequest).toMatchObject({ statusCode: 'DENIED', denialReasonCode: 'CLASSIFICATION_NOT_ACTIVE' });
    expect(r.body.financingRequest.sales[0]).toMatchObject({ saleCesceReferenceNo: ref, outstandingAmount: '1234,56', denialReasonCode: 'CLASSIFICATION_NOT_ACTIVE' });
  });

  it('refuses bad bodies, policies without financing and unknown requests', async () => {
    const missing = await call(emu, 'POST', financialPath(C.main), { token, json: {} });
    expect([missing.status, missing.body.error.errorDescription]).toEqual([422, "'saleCesceReferenceNos' is missing."]);
    expect((await request([])).body.error.errorCode).toBe('FIN009');
    expect((await request(['1', '1'])).body.error.errorCode).toBe('FIN009');
    const strict = await request(['1'], C.strict);
    expect([strict.status, strict.body.error.errorCode]).toEqual([400, 'POL006']);
    const unknown = await call(emu, 'GET', financialPath(C.main, '/1'), { token });
    expect([unknown.status, unknown.body.error.errorCode]).toEqual([404, 'FIN404']);
  });

  it('works end to end through core’s CesceClient', async () => {
    const ref = await declare({ invoiceNo: 'CLI', amount: '2000,00' });
    const client = new CesceClient({
      environment: 'sandbox',
      baseUrl: emu.url,
      contractNo: C.main,
      credentials: { clientId: APPS.full.clientId, clientSecret: APPS.full.clientSecret },
    });
    const r = await client.financial.request([ref]);
    expect(r).toMatchObject({ status: 'CONDITIONS', financed: { currency: 'EUR', amount: '1600.00' }, advancePercent: '80.00', valueDate: '2026-05-16' });
    expect((await client.financial.answerConditions(r.requestNo, true)).status).toBe('ACCEPTED');
    expect((await client.financial.status(r.requestNo)).answerDate).toBe('2026-05-15');
    expect(await client.financial.list('ACCEPTED')).toHaveLength(1);
    const err = (await client.financial.answerConditions(r.requestNo, false).catch((e: unknown) => e)) as CesceApiError;
    expect(err).toBeInstanceOf(CesceApiError);
    expect(err.entry.id).toBe('cesce-400-financing-state');
  });
});
