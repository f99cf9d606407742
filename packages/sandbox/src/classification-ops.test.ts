import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classificationOperationResponseSchema, classificationQueryResponseSchema } from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import {
  APPS,
  C,
  call,
  classificationBody,
  classificationOpPath,
  classificationsPath,
  getToken,
  saleBody,
  salesPath,
  start,
} from './test-support.js';

let emu: CesceEmulator;
let token: string;
beforeEach(async () => {
  emu = await start();
  token = await getToken(emu);
});
afterEach(async () => {
  await emu.close();
});

type Op = 'activate-deactivate' | 'cancel' | 'accept-deny-premium';
const op = (name: Op, json: unknown, t: string = token, contractNo: string = C.main) =>
  call(emu, 'POST', classificationOpPath(contractNo, name), { token: t, json });
const stored = (requestNo: string) =>
  emu
    .state()
    .policies.flatMap((p) => p.classifications)
    .find((c) => c.requestNo === requestNo)!;
const declare = (endorsementNo: string, invoiceNo = 'F-OPS-1') =>
  call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ endorsementNo, invoiceNo }) });

function expectError(r: { status: number; body: any }, status: number, errorCode: string, errorDescription: string): void {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { error: { errorCode, errorDescription } } });
}

describe('POST classifications/activate-deactivate', () => {
  it('deactivates a classified suplemento: statusCode kept, activeInd N, sales refused with CLA002 until activated', async () => {
    const off = await op('activate-deactivate', { endorsementNo: '5000001', activeInd: 'N' });
    expect(off.status).toBe(200);
    const parsed = classificationOperationResponseSchema.parse(off.body);
    expect(off.body.error).toEqual({ errorCode: '0', errorDescription: '' });
    expect(parsed.debtor).toMatchObject({ requestNo: '5000001', endorsementNo: '5000001', statusCode: '2', activeInd: 'N' });
    for (const v of Object.values(off.body.debtor)) expect(typeof v).toBe('string');
    expect(stored('5000001').active).toBe(false);

    expectError(await declare('5000001'), 400, 'CLA002', 'No existe una clasificación vigente para el deudor con suplemento 5000001.');
    // The query shows it too.
    const q = await call(emu, 'GET', classificationsPath(C.main, '?endorsementNo=5000001'), { token });
    expect(classificationQueryResponseSchema.parse(q.body).debtor![0]!.activeInd).toBe('N');

    const on = await op('activate-deactivate', { requestNo: '5000001', activeInd: 'S' });
    expect(on.status).toBe(200);
    expect(on.body.debtor.activeInd).toBe('S');
    expect(stored('5000001').active).toBe(true);
    expect((await declare('5000001')).status).toBe(201);
  });

  it('is idempotent: asking for the state it already has changes nothing', async () => {
    const before = emu.state();
    const r = await op('activate-deactivate', { endorsementNo: '5000001', activeInd: 'S' });
    expect(r.status).toBe(200);
    expect(r.body.debtor.activeInd).toBe('S');
    expect(emu.state().policies).toEqual(before.policies);
    // The seeded deactivated one can be activated.
    expect((await op('activate-deactivate', { endorsementNo: '5000007', activeInd: 'N' })).body.debtor.activeInd).toBe('N');
    expect((await op('activate-deactivate', { endorsementNo: '5000007', activeInd: 'S' })).body.debtor.activeInd).toBe('S');
    expect((await declare('5000007')).status).toBe(201);
  });

  it('answers CLA010 for a request that is not classified (in progress, denied, cancelled)', async () => {
    expectError(
      await op('activate-deactivate', { requestNo: '5000002', activeInd: 'N' }),
      400,
      'CLA010',
      'La clasificación 5000002 está en estado En trámite y no admite esta operación.',
    );
    expectError(
      await op('activate-deactivate', { requestNo: '5000003', activeInd: 'S' }),
      400,
      'CLA010',
      'La clasificación 5000003 está en estado Denegado y no admite esta operación.',
    );
    expectError(
      await op('activate-deactivate', { endorsementNo: '5000004', activeInd: 'N' }),
      400,
      'CLA010',
      'La clasificación 5000004 está en estado Baja y no admite esta operación.',
    );
  });

  it('validates the body: 422 for the key and activeInd, 400 CLA009 for a bad indicator, CLA002 for an unknown classification', async () => {
    expectError(await op('activate-deactivate', { activeInd: 'N' }), 422, 'VAL422', "'endorsementNo' is missing.");
    expectError(await op('activate-deactivate', { endorsementNo: ' ', requestNo: '', activeInd: 'N' }), 422, 'VAL422', "'endorsementNo' is missing.");
    expectError(await op('activate-deactivate', { endorsementNo: '5000001' }), 422, 'VAL422', "'activeInd' is missing.");
    const bad = await op('activate-deactivate', { endorsementNo: '5000001', activeInd: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.errorCode).toBe('CLA009');
    expect(bad.body.error.errorDescription).toMatch(/^No se ha podido procesar la solicitud: el campo 'activeInd' no es válido/);
    expect((await call(emu, 'POST', classificationOpPath(C.main, 'activate-deactivate'), { token, rawBody: '{' })).body.error.errorCode).toBe(
      'CLA009',
    );
    expect((await call(emu, 'POST', classificationOpPath(C.main, 'activate-deactivate'), { token, json: [1] })).body.error.errorCode).toBe(
      'CLA009',
    );
    const unknown = 'No existe una clasificación para el deudor indicado.';
    expectError(await op('activate-deactivate', { endorsementNo: '5999999', activeInd: 'N' }), 400, 'CLA002', unknown);
    // Both keys must name the same classification.
    expectError(await op('activate-deactivate', { endorsementNo: '5000001', requestNo: '5000005', activeInd: 'N' }), 400, 'CLA002', unknown);
    expect((await op('activate-deactivate', { endorsementNo: '5000001', requestNo: '5000001', activeInd: 'N' })).status).toBe(200);
    // Another policy's suplemento is unknown here.
    expectError(await op('activate-deactivate', { endorsementNo: '6000001', activeInd: 'N' }), 400, 'CLA002', unknown);
  });
});

describe('POST classifications/cancel', () => {
  it('sets Baja (66) with today as cancellationDate on an in-progress request, freeing the debtor for a new request', async () => {
    const r = await op('cancel', { requestNo: '5000002', cancellationReasonCode: 'ERR' });
    expect(r.status).toBe(200);
    expect(classificationOperationResponseSchema.parse(r.body).debtor).toMatchObject({
      requestNo: '5000002',
      endorsementNo: '',
      statusCode: '66',
      cancellationDate: '20260515',
      cancellationReasonCode: 'ERR',
    });
    expect(stored('5000002')).toMatchObject({ statusCode: '66', cancellationDate: '2026-05-15', cancellationReasonCode: 'ERR' });
    const again = await call(emu, 'POST', classificationsPath(C.main), { token, json: classificationBody({ taxCode: 'B46001897' }) });
    expect(again.status).toBe(201);
  });

  it('cancels a classified suplemento: its sales then follow the endorsed-sale rule', async () => {
    const r = await op('cancel', { endorsementNo: '5000001' });
    expect(r.body.debtor).toMatchObject({ statusCode: '66', cancellationDate: '20260515' });
    expect(r.body.debtor.cancellationReasonCode).toBeUndefined();
    // The main policy has Endosos: an endorsed sale is accepted.
    expect((await declare('5000001')).status).toBe(201);
    // The strict policy has no Endosos.
    await op('cancel', { endorsementNo: '6000001' }, token, C.strict);
    const strict = await call(emu, 'POST', salesPath(C.strict), {
      token,
      json: saleBody({ endorsementNo: '6000001', dueDate: '20260430' }),
    });
    expect(strict.body.error.errorCode).toBe('POL006');
  });

  it('refuses a cancelled or denied request (CLA010) and an unknown one (CLA002)', async () => {
    expectError(await op('cancel', { endorsementNo: '5000004' }), 400, 'CLA010', 'La clasificación 5000004 está en estado Baja y no admite esta operación.');
    expectError(await op('cancel', { requestNo: '5000003' }), 400, 'CLA010', 'La clasificación 5000003 está en estado Denegado y no admite esta operación.');
    expectError(await op('cancel', { requestNo: 'nope' }), 400, 'CLA002', 'No existe una clasificación para el deudor indicado.');
    expectError(await op('cancel', {}), 422, 'VAL422', "'endorsementNo' is missing.");
    expect((await op('cancel', { requestNo: '5000002', cancellationReasonCode: 'TOO-LONG-REASON' })).body.error.errorCode).toBe('CLA009');
    // Nothing was changed by the refusals.
    expect(stored('5000003').statusCode).toBe('10');
    expect(stored('5000002').statusCode).toBe('1');
  });
});

describe('POST classifications/accept-deny-premium', () => {
  it('accepts an offered premium once; a second answer is refused', async () => {
    const r = await op('accept-deny-premium', { endorsementNo: '5000006', premiumAcceptedInd: 'S' });
    expect(r.status).toBe(200);
    expect(classificationOperationResponseSchema.parse(r.body).debtor).toMatchObject({
      endorsementNo: '5000006',
      countryCode: 'FR',
      premiumAmount: '350,00',
      premiumCurrencyCode: 'EUR',
      premiumStatus: 'accepted',
    });
    expect(stored('5000006').premium).toEqual({ amount: '350.00', currency: 'EUR', status: 'accepted' });
    expectError(
      await op('accept-deny-premium', { endorsementNo: '5000006', premiumAcceptedInd: 'N' }),
      400,
      'CLA011',
      'La clasificación 5000006 no tiene una oferta de prima pendiente de aceptar o denegar.',
    );
  });

  it('denies an offered premium', async () => {
    const r = await op('accept-deny-premium', { requestNo: '5000006', premiumAcceptedInd: 'N' });
    expect(r.body.debtor.premiumStatus).toBe('denied');
    expect(stored('5000006').premium?.status).toBe('denied');
    expect(stored('5000006').statusCode).toBe('2');
  });

  it('refuses a classification without a premium offer (CLA011) or cancelled (CLA010)', async () => {
    expectError(
      await op('accept-deny-premium', { endorsementNo: '5000001', premiumAcceptedInd: 'S' }),
      400,
      'CLA011',
      'La clasificación 5000001 no tiene una oferta de prima pendiente de aceptar o denegar.',
    );
    expectError(
      await op('accept-deny-premium', { endorsementNo: '5000008', premiumAcceptedInd: 'S' }),
      400,
      'CLA011',
      'La clasificación 5000008 no tiene una oferta de prima pendiente de aceptar o denegar.',
    );
    await op('cancel', { endorsementNo: '5000006' });
    expectError(
      await op('accept-deny-premium', { endorsementNo: '5000006', premiumAcceptedInd: 'S' }),
      400,
      'CLA010',
      'La clasificación 5000006 está en estado Baja y no admite esta operación.',
    );
    expectError(await op('accept-deny-premium', { endorsementNo: '5000006' }), 422, 'VAL422', "'premiumAcceptedInd' is missing.");
  });
});

describe('scopes and gateway', () => {
  it('needs update for activate-deactivate and accept-deny-premium, delete for cancel', async () => {
    const forbidden = {
      httpCode: '403',
      httpMessage: 'Forbidden',
      moreInformation: 'The token does not have the scope required by this operation.',
    };
    const createToken = await getToken(emu, APPS.createOnly, 'create');
    const readToken = await getToken(emu, APPS.readOnly, 'read');
    for (const t of [createToken, readToken]) {
      expect((await op('activate-deactivate', { endorsementNo: '5000001', activeInd: 'N' }, t)).body).toEqual(forbidden);
      expect((await op('cancel', { endorsementNo: '5000001' }, t)).body).toEqual(forbidden);
      expect((await op('accept-deny-premium', { endorsementNo: '5000006', premiumAcceptedInd: 'S' }, t)).body).toEqual(forbidden);
    }
    const update = await getToken(emu, APPS.full, 'update');
    expect((await op('activate-deactivate', { endorsementNo: '5000001', activeInd: 'N' }, update)).status).toBe(200);
    expect((await op('cancel', { endorsementNo: '5000001' }, update)).status).toBe(403);
    const del = await getToken(emu, APPS.full, 'delete');
    expect((await op('cancel', { endorsementNo: '5000001' }, del)).status).toBe(200);
    expect(stored('5000001').statusCode).toBe('66');
  });

  it('applies the contract checks', async () => {
    expect((await op('cancel', { endorsementNo: '5000001' }, token, '3410915033')).body.error.errorCode).toBe('CON001');
    expect((await op('cancel', { endorsementNo: '5000001' }, token, C.foreign)).body.error.errorCode).toBe('POL003');
    expect((await op('cancel', { endorsementNo: '5000001' }, token, C.expired)).body.error.errorCode).toBe('POL005');
  });
});
