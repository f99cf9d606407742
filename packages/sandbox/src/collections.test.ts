import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollectionResponseSchema } from '@cesce-connect/core';
import type { SandboxData } from './data.js';
import type { CesceEmulator } from './server.js';
import {
  APPS,
  C,
  call,
  collectionBody,
  collectionsPath,
  fixtureData,
  getToken,
  saleBody,
  salePath,
  salesPath,
  start,
} from './test-support.js';

/** The fixture plus one collection of 200.00 already declared on the seeded sale 9000000100 (1000.00). */
function dataWithCollection(): SandboxData {
  const data = fixtureData();
  data.policies[0]!.collections = [
    {
      collectionReferenceNo: '7000000100',
      saleCesceReferenceNo: '9000000100',
      endorsementNo: '5000001',
      collectionDate: '2026-03-01',
      collectedAmount: '200.00',
      currencyCode: 'EUR',
      declarationDate: '2026-03-02',
    },
  ];
  return data;
}

let emu: CesceEmulator;
let token: string;
beforeEach(async () => {
  emu = await start({ data: dataWithCollection() });
  token = await getToken(emu);
});
afterEach(async () => {
  await emu.close();
});

const collect = (json: unknown, contractNo: string = C.main, t: string = token) => call(emu, 'POST', collectionsPath(contractNo), { token: t, json });
const collectionsOf = (contractNo: string = C.main) => emu.state().policies.find((p) => p.contractNo === contractNo)!.collections;

function expectError(r: { status: number; body: any }, status: number, errorCode: string, errorDescription: string | RegExp): void {
  expect(r.status).toBe(status);
  expect(r.body.error.errorCode).toBe(errorCode);
  if (typeof errorDescription === 'string') expect(r.body.error.errorDescription).toBe(errorDescription);
  else expect(r.body.error.errorDescription).toMatch(errorDescription);
}

describe('POST collections', () => {
  it('records a collection: 201, numbered after the seeded one, with what is still unpaid', async () => {
    const r = await collect(collectionBody());
    expect(r.status).toBe(201);
    const parsed = createCollectionResponseSchema.parse(r.body);
    expect(r.body.error).toEqual({ errorCode: '0', errorDescription: '' });
    expect(parsed.collection).toEqual({
      collectionReferenceNo: '7000000101',
      saleCesceReferenceNo: '9000000100',
      endorsementNo: '5000001',
      invoiceNo: 'SEED-1',
      collectionDate: '20260410',
      collectedAmount: '300,00',
      currencyCode: 'EUR',
      outstandingAmount: '500,00',
      declarationDate: '20260515',
    });
    for (const v of Object.values(r.body.collection)) expect(typeof v).toBe('string');
    expect(collectionsOf().at(-1)).toEqual({
      collectionReferenceNo: '7000000101',
      saleCesceReferenceNo: '9000000100',
      endorsementNo: '5000001',
      collectionDate: '2026-04-10',
      collectedAmount: '300.00',
      currencyCode: 'EUR',
      declarationDate: '2026-05-15',
    });
  });

  it('never lets collections exceed what is unpaid, exact to the cent (COB010)', async () => {
    expectError(
      await collect(collectionBody({ collectedAmount: '800,01' })),
      400,
      'COB010',
      'Los datos del cobro no son válidos: el importe cobrado 800,01 supera el importe pendiente de la venta 9000000100 (800,00).',
    );
    // 0.10 + 0.20 + … in cents, never floats: three collections that sum to exactly 800.00.
    for (const amount of ['0,10', '0,20', '799,70']) expect((await collect(collectionBody({ collectedAmount: amount }))).status).toBe(201);
    expect((await collect(collectionBody({ collectedAmount: '799,70' }))).body.error.errorCode).toBe('COB010');
    expectError(await collect(collectionBody({ collectedAmount: '0,01' })), 400, 'COB010', /supera el importe pendiente de la venta 9000000100 \(0,00\)/);
    expect(collectionsOf()).toHaveLength(4);
  });

  it('deducts the credit notes of the invoice and what was moved to a prórroga', async () => {
    await call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ invoiceNo: 'NC-1', amount: '-150,00', originalInvoiceNo: 'SEED-1' }) });
    const ext = await call(emu, 'POST', salePath(C.main), {
      token,
      json: { saleCesceReferenceNo: '9000000100', extensionInd: 'S', dueDate: '20260610', maturityAmount: '600,00' },
    });
    expect(ext.status).toBe(201);
    // 1000 − 200 collected − 150 credited − 600 prorogued = 50 left on the original.
    expectError(await collect(collectionBody({ collectedAmount: '50,01' })), 400, 'COB010', /\(50,00\)\.$/);
    expect((await collect(collectionBody({ collectedAmount: '50,00' }))).body.collection.outstandingAmount).toBe('0,00');
    // The prórroga holds its maturityAmount.
    const onExt = await collect(collectionBody({ sale: { saleCesceReferenceNo: ext.body.sale.saleCesceReferenceNo }, collectedAmount: '600,00' }));
    expect(onExt.status).toBe(201);
    expect(onExt.body.collection).toMatchObject({ outstandingAmount: '0,00', invoiceNo: 'SEED-1' });
  });

  it('finds the debtor by taxCode and the sale by invoice number', async () => {
    const r = await collect(
      collectionBody({ client: { taxCode: 'a08001851', countryCode: 'ES' }, sale: { invoiceNo: 'SEED-1', invoiceDate: '20260210' }, collectedAmount: '10,00' }),
    );
    expect(r.status).toBe(201);
    expect(r.body.collection).toMatchObject({ saleCesceReferenceNo: '9000000100', endorsementNo: '5000001', outstandingAmount: '790,00' });
    expectError(await collect(collectionBody({ sale: { invoiceNo: 'SEED-1', invoiceDate: '20260211' } })), 404, 'VEN404', 'No se encuentra la venta SEED-1.');
    expectError(await collect(collectionBody({ sale: { invoiceNo: 'SEED-1', invoiceDate: '2026-02-10' } })), 400, 'COB009', /invoiceDate/);
  });

  it("answers 422 for the portal's required fields, in order, then the amount", async () => {
    const full = collectionBody();
    for (const field of ['client', 'sale', 'collectionDate', 'collectedAmount']) {
      expectError(await collect({ ...full, [field]: undefined }), 422, 'VAL422', `'${field}' is missing.`);
      expectError(await collect({ ...full, [field]: null }), 422, 'VAL422', `'${field}' is missing.`);
    }
    expectError(await collect({}), 422, 'VAL422', "'client' is missing.");
    expect(collectionsOf()).toHaveLength(1);
  });

  it('validates the collection (COB009)', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ client: {} }, /el campo 'client' no es válido/],
      [{ sale: { invoiceDate: '20260210' } }, /el campo 'sale' no es válido/],
      [{ collectionDate: '2026-04-10' }, /collectionDate/],
      [{ collectionDate: '20260431' }, /no es una fecha válida/],
      [{ collectionDate: '20260516' }, /posterior a hoy \(20260515\)/],
      [{ collectionDate: '20260209' }, /anterior a la fecha de factura \(20260210\)/],
      [{ collectedAmount: '0,00' }, /mayor que cero/],
      [{ collectedAmount: '-5,00' }, /mayor que cero/],
      [{ collectedAmount: '1,005' }, /más de 2 decimales/],
      [{ collectedAmount: 'mil' }, /collectedAmount/],
      [{ currencyCode: 'USD' }, /la divisa del cobro \(USD\) no es la de la venta \(EUR\)/],
      [{ client: { endorsementNo: '5000005' } }, /la venta 9000000100 no corresponde al deudor indicado \(suplemento 5000005\)/],
    ];
    for (const [override, message] of bad) expectError(await collect(collectionBody(override)), 400, 'COB009', message);
    const note = await call(emu, 'POST', salesPath(C.main), { token, json: saleBody({ invoiceNo: 'NC-9', amount: '-1,00', originalInvoiceNo: 'SEED-1' }) });
    expectError(
      await collect(collectionBody({ sale: { saleCesceReferenceNo: note.body.sale.saleCesceReferenceNo } })),
      400,
      'COB009',
      /es un abono y no admite cobros/,
    );
    expectError(await call(emu, 'POST', collectionsPath(C.main), { token, rawBody: '{"client":' }), 400, 'COB009', /no es un JSON válido/);
    expectError(await collect([collectionBody()]), 400, 'COB009', /debe ser un objeto JSON/);
    expect(collectionsOf()).toHaveLength(1);
  });

  it('needs a debtor with a suplemento (CLA002) and a declared sale (VEN404)', async () => {
    const noDebtor = 'No existe una clasificación para el deudor indicado.';
    expectError(await collect(collectionBody({ client: { endorsementNo: '5999999' } })), 400, 'CLA002', noDebtor);
    expectError(await collect(collectionBody({ client: { taxCode: 'B46001897' } })), 400, 'CLA002', noDebtor); // in progress: no suplemento
    expectError(await collect(collectionBody({ client: { endorsementNo: '5000001', taxCode: 'B85132678' } })), 400, 'CLA002', noDebtor);
    expectError(await collect(collectionBody({ sale: { saleCesceReferenceNo: '123' } })), 404, 'VEN404', 'No se encuentra la venta 123.');
    expectError(await collect(collectionBody(), C.strict), 400, 'CLA002', noDebtor);
  });

  it('needs the collections product and scope create', async () => {
    const read = await getToken(emu, APPS.readOnly, 'read');
    expect((await collect(collectionBody(), C.main, read)).status).toBe(403);
    const noSales = await getToken(emu, APPS.noSales, 'read create');
    expect((await collect(collectionBody(), C.main, noSales)).body.moreInformation).toBe('The application is not subscribed to the product for this API.');
    expect((await call(emu, 'GET', collectionsPath(C.main), { token })).status).toBe(405);
  });
});
