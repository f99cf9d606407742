import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CREATE_SALE_REQUIRED,
  createSaleResponseSchema,
  saleConsultResponseSchema,
  salesListResponseSchema,
} from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import { C, call, fixtureData, getToken, saleBody, salePath, salesPath, start } from './test-support.js';

let emu: CesceEmulator;
let token: string;
beforeEach(async () => {
  emu = await start();
  token = await getToken(emu);
});
afterEach(async () => {
  await emu.close();
});

const declare = (json: unknown, contractNo: string = C.main) => call(emu, 'POST', salesPath(contractNo), { token, json });
const list = (q = '', contractNo: string = C.main) => call(emu, 'GET', salesPath(contractNo, q), { token });
const salesOf = (contractNo: string) => emu.state().policies.find((p) => p.contractNo === contractNo)!.sales;

function expectError(r: { status: number; body: any }, status: number, errorCode: string, errorDescription: string): void {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { error: { errorCode, errorDescription } } });
}

describe('POST sales: declaration', () => {
  it('records a sale and answers 201 with the normalised record', async () => {
    const r = await declare(saleBody({ customerReference: 'C-1', subsidiaryCode: 'F01' }));
    expect(r.status).toBe(201);
    const parsed = createSaleResponseSchema.parse(r.body);
    expect(r.body.error).toEqual({ errorCode: '0', errorDescription: '' });
    // Numbered after the highest seeded reference (9000000100).
    expect(parsed.sale).toEqual({
      saleCesceReferenceNo: '9000000101',
      endorsementNo: '5000001',
      taxCode: 'A08001851',
      countryCode: 'ES',
      customerReference: 'C-1',
      invoiceNo: 'F-2026-0001',
      invoiceDate: '20260401',
      dueDate: '20260531',
      amount: '1234,56',
      currencyCode: 'EUR',
      originalInvoiceNo: '',
      subsidiaryCode: 'F01',
      declarationDate: '20260515',
    });
    for (const v of Object.values(r.body.sale)) expect(typeof v).toBe('string');
    expect(salesOf(C.main).at(-1)).toMatchObject({
      saleCesceReferenceNo: '9000000101',
      amount: '1234.56',
      invoiceDate: '2026-04-01',
      dueDate: '2026-05-31',
      declarationDate: '2026-05-15',
      originalInvoiceNo: null,
    });
  });

  it('normalises amounts: a dot is tolerated, one decimal is padded', async () => {
    expect((await declare(saleBody({ invoiceNo: 'A', amount: '10.5' }))).body.sale.amount).toBe('10,50');
    expect((await declare(saleBody({ invoiceNo: 'B', amount: '7' }))).body.sale.amount).toBe('7,00');
  });

  it('starts sale references at 9000000001 when nothing is seeded', async () => {
    const data = fixtureData();
    data.policies[0]!.sales = [];
    data.policies[0]!.dossiers = [];
    data.policies[0]!.settlements = [];
    await emu.close();
    emu = await start({ data });
    token = await getToken(emu);
    expect((await declare(saleBody())).body.sale.saleCesceReferenceNo).toBe('9000000001');
    expect((await declare(saleBody({ invoiceNo: 'X2' }))).body.sale.saleCesceReferenceNo).toBe('9000000002');
  });

  it('records a duplicate invoice again when rejectDuplicateInvoices is off (so double declarations show)', async () => {
    const a = await declare(saleBody());
    const b = await declare(saleBody());
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.sale.saleCesceReferenceNo).not.toBe(b.body.sale.saleCesceReferenceNo);
    expect(salesOf(C.main).filter((s) => s.invoiceNo === 'F-2026-0001')).toHaveLength(2);
  });

  it('accepts an endorsed sale (cancelled or lapsed suplemento) when the policy has Endosos', async () => {
    expect((await declare(saleBody({ endorsementNo: '5000004' }))).status).toBe(201);
    expect((await declare(saleBody({ endorsementNo: '5000005', invoiceDate: '20260401' }))).status).toBe(201);
  });

  it('accepts a credit note that offsets an earlier positive sale of the same debtor', async () => {
    await declare(saleBody({ invoiceNo: 'F-1', amount: '1000,00' }));
    const r = await declare(saleBody({ invoiceNo: 'R-1', amount: '-250,00', originalInvoiceNo: 'F-1' }));
    expect(r.status).toBe(201);
    expect(createSaleResponseSchema.parse(r.body).sale).toMatchObject({ amount: '-250,00', originalInvoiceNo: 'F-1' });
    // The seeded sale SEED-1 counts as an earlier positive sale too.
    expect((await declare(saleBody({ invoiceNo: 'R-2', amount: '-1000,00', originalInvoiceNo: 'SEED-1' }))).status).toBe(201);
  });
});

describe('POST sales: rules', () => {
  it("answers 422 '<field>' is missing in the order of CREATE_SALE_REQUIRED", async () => {
    const required: readonly string[] = CREATE_SALE_REQUIRED;
    for (const [i, field] of required.entries()) {
      const dropped = new Set(required.slice(i));
      const r = await declare(Object.fromEntries(Object.entries(saleBody()).filter(([k]) => !dropped.has(k))));
      expectError(r, 422, 'VAL422', `'${field}' is missing.`);
    }
    expectError(await declare(saleBody({ invoiceNo: null })), 422, 'VAL422', "'invoiceNo' is missing.");
    expectError(await declare(saleBody({ invoiceNo: '' })), 422, 'VAL422', "'invoiceNo' is missing.");
    expect(salesOf(C.main)).toHaveLength(1);
  });

  it('answers 400 VEN009 for invalid sale data', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ invoiceDate: '2026-04-01' }, "el campo 'invoiceDate' no es válido (expected a date as yyyyMMdd)"],
      [{ amount: 'mil' }, `el campo 'amount' no es válido (expected a decimal amount such as "1234,56")`],
      [{ currencyCode: 'eur' }, "el campo 'currencyCode' no es válido"],
      [{ amount: '12,345' }, "el importe '12,345' tiene más de 2 decimales"],
      [{ invoiceDate: '20260231' }, "la fecha invoiceDate '20260231' no es una fecha válida (yyyyMMdd)"],
      [{ dueDate: '0' }, "la fecha dueDate '0' no es una fecha válida (yyyyMMdd)"],
      [{ dueDate: '20260331' }, 'la fecha de vencimiento (dueDate) es anterior a la fecha de factura (invoiceDate)'],
      [{ amount: '0,00' }, 'el importe (amount) no puede ser cero'],
      [{ amount: '-0' }, 'el importe (amount) no puede ser cero'],
    ];
    for (const [override, detail] of cases) {
      const r = await declare(saleBody(override));
      expect(r.status).toBe(400);
      expect(r.body.error.errorCode).toBe('VEN009');
      expect(r.body.error.errorDescription).toContain(`Los datos de la venta no son válidos: ${detail}`);
      expect(r.body.error.errorDescription.endsWith('.')).toBe(true);
    }
    const notJson = await call(emu, 'POST', salesPath(C.main), { token, rawBody: 'nope' });
    expect(notJson.body.error.errorCode).toBe('VEN009');
    expect(salesOf(C.main)).toHaveLength(1);
  });

  it('answers 400 CLA002 without a live classification for the endorsementNo', async () => {
    // 5000002 does not exist as an endorsement (in progress: no suplemento); 9999 unknown; 6000001 is another policy's.
    for (const endorsementNo of ['9999', '5000002', '6000001']) {
      expectError(
        await declare(saleBody({ endorsementNo })),
        400,
        'CLA002',
        `No existe una clasificación vigente para el deudor con suplemento ${endorsementNo}.`,
      );
    }
    // A seeded in-progress or denied record that does carry an endorsementNo is still refused.
    const data = fixtureData();
    data.policies[0]!.classifications.push(
      { ...data.policies[0]!.classifications[1]!, requestNo: '5000010', endorsementNo: '5000010', statusCode: '1' },
      { ...data.policies[0]!.classifications[2]!, requestNo: '5000011', endorsementNo: '5000011', statusCode: '10' },
    );
    await emu.close();
    emu = await start({ data });
    token = await getToken(emu);
    for (const endorsementNo of ['5000010', '5000011']) {
      expect((await declare(saleBody({ endorsementNo }))).body.error.errorCode).toBe('CLA002');
    }
  });

  it('answers 400 POL006 for an endorsed sale when the policy lacks Endosos', async () => {
    const message = 'La póliza no incluye el suplemento de Endosos: no se admiten ventas sobre suplementos anulados o vencidos.';
    expectError(await declare(saleBody({ endorsementNo: '6000002' }), C.strict), 400, 'POL006', message);
    // Lapsed: invoice after the suplemento's validityDate (2026-03-31); before it, the sale is fine.
    expectError(await declare(saleBody({ endorsementNo: '6000003', invoiceDate: '20260401' }), C.strict), 400, 'POL006', message);
    expect((await declare(saleBody({ endorsementNo: '6000003', invoiceDate: '20260331', dueDate: '20260430' }), C.strict)).status).toBe(201);
  });

  it('answers 400 POL008 for a currency outside the policy', async () => {
    expectError(
      await declare(saleBody({ currencyCode: 'USD' })),
      400,
      'POL008',
      'La divisa USD no está permitida por las condiciones de la póliza.',
    );
    expect((await declare(saleBody({ endorsementNo: '6000001', currencyCode: 'USD' }), C.strict)).status).toBe(201);
  });

  it('answers 400 POL008 for a payment term above maxPaymentTermDays', async () => {
    // 2026-04-01 → 2026-09-28 is 180 days (allowed); one more day is not.
    expect((await declare(saleBody({ invoiceNo: 'T-180', dueDate: '20260928' }))).status).toBe(201);
    expectError(
      await declare(saleBody({ invoiceNo: 'T-181', dueDate: '20260929' })),
      400,
      'POL008',
      'El plazo de pago de 181 días supera el plazo máximo de la póliza (180 días).',
    );
  });

  it('answers 400 POL006 for a credit note when the policy has no credit notes', async () => {
    await declare(saleBody({ endorsementNo: '6000001', invoiceNo: 'F-9' }), C.strict);
    expectError(
      await declare(saleBody({ endorsementNo: '6000001', invoiceNo: 'R-9', amount: '-10,00', originalInvoiceNo: 'F-9' }), C.strict),
      400,
      'POL006',
      'Las condiciones de la póliza no incluyen la declaración de abonos.',
    );
  });

  it('answers 400 VEN010 for a credit note without an earlier positive sale', async () => {
    expectError(
      await declare(saleBody({ invoiceNo: 'R-1', amount: '-10,00', originalInvoiceNo: 'F-404' })),
      400,
      'VEN010',
      'No existe una venta previa en positivo para la factura F-404 que compense el abono.',
    );
    expectError(
      await declare(saleBody({ invoiceNo: 'R-1', amount: '-10,00' })),
      400,
      'VEN010',
      'No existe una venta previa en positivo para la factura (no indicada) que compense el abono.',
    );
    // The positive sale must be of the same debtor (endorsementNo) …
    await declare(saleBody({ endorsementNo: '5000006', invoiceNo: 'F-OTHER' }));
    expect((await declare(saleBody({ invoiceNo: 'R-2', amount: '-1,00', originalInvoiceNo: 'F-OTHER' }))).body.error.errorCode).toBe(
      'VEN010',
    );
    // … and positive: a credit note does not open the way for another.
    await declare(saleBody({ invoiceNo: 'F-5', amount: '100,00' }));
    await declare(saleBody({ invoiceNo: 'R-5', amount: '-100,00', originalInvoiceNo: 'F-5' }));
    expect((await declare(saleBody({ invoiceNo: 'R-6', amount: '-1,00', originalInvoiceNo: 'R-5' }))).body.error.errorCode).toBe('VEN010');
  });

  it('answers 400 VEN011 for a duplicate invoice when rejectDuplicateInvoices is on', async () => {
    const body = saleBody({ endorsementNo: '6000001', invoiceNo: 'D-1', dueDate: '20260430' });
    expect((await declare(body, C.strict)).status).toBe(201);
    expectError(await declare(body, C.strict), 400, 'VEN011', 'Ya existe una solicitud de declaración para la factura D-1.');
    expect(salesOf(C.strict)).toHaveLength(1);
  });

  it('applies the contract checks to sales too', async () => {
    expect((await declare(saleBody(), '3410915033')).body.error.errorCode).toBe('CON001');
    expect((await declare(saleBody(), C.foreign)).status).toBe(403);
    expect((await list('', C.expired)).body.error.errorCode).toBe('POL005');
  });
});

describe('GET sales (list)', () => {
  async function seedSales(): Promise<void> {
    // 12 sales: months 2026-03 / 2026-04, debtors 5000001 / 5000006.
    for (let i = 1; i <= 12; i++) {
      const month = i % 2 === 0 ? '04' : '03';
      const r = await declare(
        saleBody({
          endorsementNo: i % 3 === 0 ? '5000006' : '5000001',
          invoiceNo: `L-${i}`,
          invoiceDate: `2026${month}10`,
          dueDate: `2026${month}28`,
          amount: `${i}00,00`,
        }),
      );
      expect(r.status).toBe(201);
    }
  }

  it('pages through every sale in saleCesceReferenceNo order, default page size 50', async () => {
    await seedSales();
    const all = await list();
    expect(all.status).toBe(200);
    const parsed = salesListResponseSchema.parse(all.body);
    expect(all.body.pagination).toEqual({ pageNo: '1', pageSize: '50', totalPages: '1', totalElements: '13' });
    expect(parsed.sales!.map((s) => s.saleCesceReferenceNo)).toEqual(
      Array.from({ length: 13 }, (_, i) => String(9000000100 + i)),
    );

    const pages: string[][] = [];
    for (let pageNo = 1; pageNo <= 3; pageNo++) {
      const r = await list(`?pageSize=5&pageNo=${pageNo}`);
      const p = salesListResponseSchema.parse(r.body);
      expect(p.pagination).toEqual({ pageNo, pageSize: 5, totalPages: 3, totalElements: 13 });
      pages.push(p.sales!.map((s) => s.invoiceNo));
    }
    expect(pages.map((p) => p.length)).toEqual([5, 5, 3]);
    expect(pages.flat()).toEqual(['SEED-1', ...Array.from({ length: 12 }, (_, i) => `L-${i + 1}`)]);

    const beyond = await list('?pageSize=5&pageNo=4');
    expect(beyond.status).toBe(200);
    expect(beyond.body.sales).toBeNull();
    expect(beyond.body.pagination).toEqual({ pageNo: '4', pageSize: '5', totalPages: '3', totalElements: '13' });
  });

  it('filters by endorsementNo and/or invoiceMonth', async () => {
    await seedSales();
    const byDebtor = salesListResponseSchema.parse((await list('?endorsementNo=5000006')).body);
    expect(byDebtor.sales!.map((s) => s.invoiceNo)).toEqual(['L-3', 'L-6', 'L-9', 'L-12']);
    const byMonth = salesListResponseSchema.parse((await list('?invoiceMonth=202604')).body);
    expect(byMonth.sales!.map((s) => s.invoiceNo)).toEqual(['L-2', 'L-4', 'L-6', 'L-8', 'L-10', 'L-12']);
    const both = salesListResponseSchema.parse((await list('?endorsementNo=5000006&invoiceMonth=202603')).body);
    expect(both.sales!.map((s) => s.invoiceNo)).toEqual(['L-3', 'L-9']);
    expect(both.pagination.totalElements).toBe(2);
    const seedMonth = salesListResponseSchema.parse((await list('?invoiceMonth=202602')).body);
    expect(seedMonth.sales!.map((s) => s.invoiceNo)).toEqual(['SEED-1']);
  });

  it('answers sales: null with zero totals when nothing matches', async () => {
    const r = await list('?endorsementNo=404');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      error: { errorCode: '0', errorDescription: '' },
      sales: null,
      pagination: { pageNo: '1', pageSize: '50', totalPages: '0', totalElements: '0' },
    });
    expect(salesListResponseSchema.parse(r.body).sales).toBeNull();
  });

  it('accepts pageSize up to 500 and rejects bad parameters with 400', async () => {
    expect((await list('?pageSize=500')).status).toBe(200);
    for (const q of ['?pageSize=501', '?pageSize=0', '?pageNo=0', '?pageNo=x', '?invoiceMonth=2026-04']) {
      const r = await list(q);
      expect(r.status).toBe(400);
      expect(r.body.error.errorCode).toBe('GEN009');
      expect(r.body.error.errorDescription).toMatch(/^No se ha podido procesar la solicitud: el campo '(pageSize|pageNo|invoiceMonth)'/);
    }
  });
});

describe('GET sale (consult)', () => {
  it('returns one sale by saleCesceReferenceNo', async () => {
    const created = await declare(saleBody());
    const ref = created.body.sale.saleCesceReferenceNo as string;
    const r = await call(emu, 'GET', salePath(C.main, `?saleCesceReferenceNo=${ref}`), { token });
    expect(r.status).toBe(200);
    const parsed = saleConsultResponseSchema.parse(r.body);
    expect(r.body.sale).toEqual(created.body.sale);
    expect(parsed.sale.saleCesceReferenceNo).toBe(ref);
    expect((await call(emu, 'GET', salePath(C.main, '?saleCesceReferenceNo=9000000100'), { token })).body.sale.invoiceNo).toBe('SEED-1');
  });

  it('answers 404 VEN404 for an unknown reference (or another policy\'s), 422 without one', async () => {
    expectError(
      await call(emu, 'GET', salePath(C.main, '?saleCesceReferenceNo=123'), { token }),
      404,
      'VEN404',
      'No se encuentra la venta 123.',
    );
    expect((await call(emu, 'GET', salePath(C.strict, '?saleCesceReferenceNo=9000000100'), { token })).status).toBe(404);
    expectError(await call(emu, 'GET', salePath(C.main), { token }), 422, 'VAL422', "'saleCesceReferenceNo' is missing.");
  });
});
