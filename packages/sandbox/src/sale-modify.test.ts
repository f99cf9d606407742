import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modifySaleResponseSchema, subsidiariesResponseSchema } from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import {
  APPS,
  C,
  call,
  classificationOpPath,
  fixtureData,
  getToken,
  saleBody,
  salePath,
  salesPath,
  start,
  subsidiariesPath,
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

const modify = (json: unknown, contractNo: string = C.main, t: string = token) => call(emu, 'POST', salePath(contractNo), { token: t, json });
const declare = (json: unknown, contractNo: string = C.main) => call(emu, 'POST', salesPath(contractNo), { token, json });
const salesOf = (contractNo: string = C.main) => emu.state().policies.find((p) => p.contractNo === contractNo)!.sales;
const SEED = '9000000100'; // 1000.00 EUR, SEED-1, 2026-02-10 → 2026-04-10, endorsement 5000001

function expectError(r: { status: number; body: any }, status: number, errorCode: string, errorDescription: string | RegExp): void {
  expect(r.status).toBe(status);
  expect(r.body.error.errorCode).toBe(errorCode);
  if (typeof errorDescription === 'string') expect(r.body.error.errorDescription).toBe(errorDescription);
  else expect(r.body.error.errorDescription).toMatch(errorDescription);
}

describe('POST sale: correction', () => {
  it('corrects the sale in place: same reference, modificationDate set, nothing new recorded', async () => {
    const r = await modify({ saleCesceReferenceNo: SEED, invoiceNo: 'SEED-1B', amount: '990,50', dueDate: '20260501', extensionInd: 'N' });
    expect(r.status).toBe(200);
    const parsed = modifySaleResponseSchema.parse(r.body);
    expect(r.body.error).toEqual({ errorCode: '0', errorDescription: '' });
    expect(parsed.sale).toMatchObject({
      saleCesceReferenceNo: SEED,
      endorsementNo: '5000001',
      invoiceNo: 'SEED-1B',
      invoiceDate: '20260210',
      dueDate: '20260501',
      amount: '990,50',
      currencyCode: 'EUR',
      declarationDate: '20260211',
      modificationDate: '20260515',
    });
    expect(r.body.sale.maturityAmount).toBeUndefined();
    expect(salesOf()).toHaveLength(1);
    expect(salesOf()[0]).toMatchObject({ invoiceNo: 'SEED-1B', amount: '990.50', dueDate: '2026-05-01', modificationDate: '2026-05-15' });
    // Consult shows the correction; an untouched field (customerReference) can be set too.
    const again = await modify({ saleCesceReferenceNo: SEED, customerReference: 'C-1' });
    expect(again.body.sale).toMatchObject({ customerReference: 'C-1', invoiceNo: 'SEED-1B' });
    expect((await call(emu, 'GET', salePath(C.main, `?saleCesceReferenceNo=${SEED}`), { token })).body.sale.customerReference).toBe('C-1');
  });

  it('checks the corrected sale as a declaration', async () => {
    expectError(await modify({ saleCesceReferenceNo: SEED }), 400, 'VEN009', /no indica ningún campo a corregir/);
    expectError(await modify({ saleCesceReferenceNo: SEED, dueDate: '20260201' }), 400, 'VEN009', /anterior a la fecha de factura/);
    expectError(await modify({ saleCesceReferenceNo: SEED, invoiceDate: '20260231' }), 400, 'VEN009', /no es una fecha válida/);
    expectError(await modify({ saleCesceReferenceNo: SEED, amount: '0' }), 400, 'VEN009', /no puede ser cero/);
    expectError(await modify({ saleCesceReferenceNo: SEED, amount: '10,001' }), 400, 'VEN009', /más de 2 decimales/);
    expectError(await modify({ saleCesceReferenceNo: SEED, amount: '-10,00' }), 400, 'VEN009', /no puede cambiar el signo/);
    expectError(await modify({ saleCesceReferenceNo: SEED, endorsementNo: '5000005', amount: '5,00' }), 400, 'VEN009', /endorsementNo/);
    expectError(await modify({ saleCesceReferenceNo: SEED, maturityAmount: '5,00' }), 400, 'VEN009', /solo se admite en una prórroga/);
    expectError(await modify({ saleCesceReferenceNo: SEED, extensionInd: 'X', amount: '5,00' }), 400, 'VEN009', /extensionInd/);
    expectError(
      await modify({ saleCesceReferenceNo: SEED, currencyCode: 'USD', amount: '5,00' }),
      400,
      'POL008',
      'La divisa USD no está permitida por las condiciones de la póliza.',
    );
    expectError(
      await modify({ saleCesceReferenceNo: SEED, dueDate: '20261231' }),
      400,
      'POL008',
      'El plazo de pago de 324 días supera el plazo máximo de la póliza (180 días).',
    );
    expectError(await modify({ amount: '5,00' }), 422, 'VAL422', "'saleCesceReferenceNo' is missing.");
    expectError(await modify({ saleCesceReferenceNo: '123', amount: '5,00' }), 404, 'VEN404', 'No se encuentra la venta 123.');
    expectError(await modify({ saleCesceReferenceNo: SEED, amount: '5,00' }, C.strict), 404, 'VEN404', `No se encuentra la venta ${SEED}.`);
    // Nothing changed.
    expect(salesOf()[0]).toEqual(fixtureData().policies[0]!.sales![0]);
  });

  it('refuses a correction onto another declared invoice when duplicates are rejected (VEN011)', async () => {
    const body = { endorsementNo: '6000001', dueDate: '20260430' };
    const a = await declare(saleBody({ ...body, invoiceNo: 'A' }), C.strict);
    await declare(saleBody({ ...body, invoiceNo: 'B' }), C.strict);
    const ref = a.body.sale.saleCesceReferenceNo as string;
    expectError(await modify({ saleCesceReferenceNo: ref, invoiceNo: 'B' }, C.strict), 400, 'VEN011', 'Ya existe una solicitud de declaración para la factura B.');
    // Correcting a sale to its own number is not a duplicate.
    expect((await modify({ saleCesceReferenceNo: ref, invoiceNo: 'A', amount: '1,00' }, C.strict)).status).toBe(200);
  });

  it('corrects a credit note keeping it negative', async () => {
    const note = await declare(saleBody({ invoiceNo: 'NC-1', amount: '-100,00', originalInvoiceNo: 'SEED-1' }));
    const r = await modify({ saleCesceReferenceNo: note.body.sale.saleCesceReferenceNo, amount: '-90,00' });
    expect(r.status).toBe(200);
    expect(r.body.sale).toMatchObject({ amount: '-90,00', originalInvoiceNo: 'SEED-1' });
  });
});

describe('POST sale: prórroga (extensionInd "S")', () => {
  it('creates a NEW sale with its own reference, the new due date and maturityAmount; the original stays', async () => {
    const r = await modify({ saleCesceReferenceNo: SEED, extensionInd: 'S', dueDate: '20260610', maturityAmount: '600,00' });
    expect(r.status).toBe(201);
    const parsed = modifySaleResponseSchema.parse(r.body);
    expect(parsed.sale).toEqual({
      saleCesceReferenceNo: '9000000101',
      endorsementNo: '5000001',
      taxCode: '',
      countryCode: '',
      customerReference: '',
      invoiceNo: 'SEED-1',
      invoiceDate: '20260210',
      dueDate: '20260610',
      amount: '1000,00',
      currencyCode: 'EUR',
      originalInvoiceNo: '',
      subsidiaryCode: '',
      declarationDate: '20260515',
      maturityAmount: '600,00',
      originalSaleCesceReferenceNo: SEED,
    });
    expect(salesOf()).toHaveLength(2);
    expect(salesOf()[0]).toEqual(fixtureData().policies[0]!.sales![0]);
    expect(salesOf()[1]).toMatchObject({ maturityAmount: '600.00', originalSaleCesceReferenceNo: SEED, dueDate: '2026-06-10' });
    // Listed and consulted like any sale.
    const consult = await call(emu, 'GET', salePath(C.main, '?saleCesceReferenceNo=9000000101'), { token });
    expect(consult.body.sale.maturityAmount).toBe('600,00');
    // The whole invoice amount may be prorogued (never more); a prórroga may be extended again.
    const full = await modify({ saleCesceReferenceNo: '9000000101', extensionInd: 'S', dueDate: '20260710', maturityAmount: '1000,00' });
    expect(full.status).toBe(201);
    expect(full.body.sale).toMatchObject({ saleCesceReferenceNo: '9000000102', originalSaleCesceReferenceNo: '9000000101', amount: '1000,00' });
  });

  it('never lets maturityAmount exceed the original invoice amount (VEN012), exactly to the cent', async () => {
    expectError(
      await modify({ saleCesceReferenceNo: SEED, extensionInd: 'S', dueDate: '20260610', maturityAmount: '1000,01' }),
      400,
      'VEN012',
      'Los datos de la venta no son válidos: el importe pendiente (maturityAmount) 1000,01 supera el importe de la factura original SEED-1 (1000,00).',
    );
    expect(salesOf()).toHaveLength(1);
  });

  it('checks the prórroga', async () => {
    const ext = (extra: Record<string, unknown>) => modify({ saleCesceReferenceNo: SEED, extensionInd: 'S', dueDate: '20260610', maturityAmount: '100,00', ...extra });
    expectError(await modify({ saleCesceReferenceNo: SEED, extensionInd: 'S' }), 422, 'VAL422', "'dueDate' is missing.");
    expectError(await modify({ saleCesceReferenceNo: SEED, extensionInd: 'S', dueDate: '20260610' }), 422, 'VAL422', "'maturityAmount' is missing.");
    expectError(await ext({ dueDate: '20260410' }), 400, 'VEN009', /debe ser posterior a la de la venta 9000000100 \(20260410\)/);
    expectError(await ext({ maturityAmount: '0,00' }), 400, 'VEN009', /debe ser mayor que cero/);
    expectError(await ext({ maturityAmount: '-1,00' }), 400, 'VEN009', /mayor que cero/);
    expectError(await ext({ amount: '5,00' }), 400, 'VEN009', /una prórroga solo admite dueDate y maturityAmount; para corregir amount/);
    const note = await declare(saleBody({ invoiceNo: 'NC-2', amount: '-10,00', originalInvoiceNo: 'SEED-1' }));
    expectError(await ext({ saleCesceReferenceNo: note.body.sale.saleCesceReferenceNo }), 400, 'VEN009', /un abono no se puede prorrogar/);
    expect(salesOf()).toHaveLength(2);
  });

  it('needs the suplemento in force: deactivated → CLA002; cancelled without Endosos → POL006', async () => {
    await call(emu, 'POST', classificationOpPath(C.main, 'activate-deactivate'), { token, json: { endorsementNo: '5000001', activeInd: 'N' } });
    expectError(
      await modify({ saleCesceReferenceNo: SEED, extensionInd: 'S', dueDate: '20260610', maturityAmount: '100,00' }),
      400,
      'CLA002',
      'No existe una clasificación vigente para el deudor con suplemento 5000001.',
    );
    // Corrections are still possible: the sale was declared while the suplemento was in force.
    expect((await modify({ saleCesceReferenceNo: SEED, customerReference: 'X' })).status).toBe(200);

    const sale = await declare(saleBody({ endorsementNo: '6000001', dueDate: '20260430' }), C.strict);
    await call(emu, 'POST', classificationOpPath(C.strict, 'cancel'), { token, json: { endorsementNo: '6000001' } });
    expectError(
      await modify(
        { saleCesceReferenceNo: sale.body.sale.saleCesceReferenceNo, extensionInd: 'S', dueDate: '20260530', maturityAmount: '1,00' },
        C.strict,
      ),
      400,
      'POL006',
      'La póliza no incluye el suplemento de Endosos: no se admiten ventas sobre suplementos anulados o vencidos.',
    );
  });

  it('needs scope update', async () => {
    const create = await getToken(emu, APPS.createOnly, 'create');
    const r = await modify({ saleCesceReferenceNo: SEED, amount: '5,00' }, C.main, create);
    expect(r.status).toBe(403);
    const update = await getToken(emu, APPS.full, 'update');
    expect((await modify({ saleCesceReferenceNo: SEED, amount: '5,00' }, C.main, update)).status).toBe(200);
  });
});

describe('GET subsidiaries', () => {
  it('lists only active subsidiaries (active absent = active)', async () => {
    const r = await call(emu, 'GET', subsidiariesPath(C.main), { token });
    expect(r.status).toBe(200);
    expect(subsidiariesResponseSchema.parse(r.body).subsidiaries).toEqual([
      { subsidiaryCode: 'F01', companyName: 'Filial Norte SL', taxCode: 'B11111118' },
      { subsidiaryCode: 'F03', companyName: 'Filial Sur SL', taxCode: '' },
    ]);
    expect(r.body.client).toEqual({ contractNo: C.main });
  });

  it('answers subsidiaries: null for a policy without any, and needs read', async () => {
    const r = await call(emu, 'GET', subsidiariesPath(C.strict), { token });
    expect(r.body).toEqual({ error: { errorCode: '0', errorDescription: '' }, client: { contractNo: C.strict }, subsidiaries: null });
    const create = await getToken(emu, APPS.createOnly, 'create');
    expect((await call(emu, 'GET', subsidiariesPath(C.main), { token: create })).status).toBe(403);
    const noSales = await getToken(emu, APPS.noSales, 'read');
    expect((await call(emu, 'GET', subsidiariesPath(C.main), { token: noSales })).status).toBe(401);
  });
});
