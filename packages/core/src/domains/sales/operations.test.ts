import { afterEach, describe, expect, it } from 'vitest';
import { CesceApiError, ValidationError } from '../../errors.js';
import { json, loopback, type Loopback } from '../../testing/loopback.js';
import { modifySaleRequestSchema, PROROGUE_SALE_REQUIRED } from './schemas.js';

let lb: Loopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

const sale = {
  saleCesceReferenceNo: '9000000100',
  endorsementNo: '5000001',
  invoiceNo: 'F-1',
  invoiceDate: '20260210',
  dueDate: '20260410',
  amount: '1000,00',
  currencyCode: 'EUR',
  declarationDate: '20260211',
};
const base = '/sales/v1/contracts/34109150331';

describe('client.sales: modify, prorogue, subsidiaries', () => {
  it('sends a correction as Modify Sale with extensionInd N and only the corrected fields', async () => {
    lb = await loopback((req, res) => json(res, 200, { error: { errorCode: '0' }, sale: { ...sale, ...(req.body as object), modificationDate: '20260515' } }));
    const s = await lb.client().sales.modify('9000000100', {
      invoiceDate: '2026-02-11',
      dueDate: '2026-05-01',
      amount: { currency: 'EUR', amount: '990.5' },
      subsidiaryCode: 'F01',
    });
    expect(lb.requests[0]).toMatchObject({
      method: 'POST',
      path: `${base}/sale`,
      body: {
        saleCesceReferenceNo: '9000000100',
        extensionInd: 'N',
        invoiceDate: '20260211',
        dueDate: '20260501',
        amount: '990,50',
        currencyCode: 'EUR',
        subsidiaryCode: 'F01',
      },
    });
    expect(Object.keys(lb.requests[0]!.body as object)).not.toContain('maturityAmount');
    expect(modifySaleRequestSchema.safeParse(lb.requests[0]!.body).success).toBe(true);
    expect(s).toMatchObject({
      saleCesceReferenceNo: '9000000100',
      invoiceDate: '2026-02-11',
      dueDate: '2026-05-01',
      amount: { currency: 'EUR', amount: '990.50' },
      subsidiaryCode: 'F01',
      modificationDate: '2026-05-15',
      maturityAmount: null,
      originalSaleCesceReferenceNo: null,
    });
  });

  it('refuses an empty correction before any call', async () => {
    lb = await loopback((_req, res) => json(res, 500, {}));
    await expect(lb.client().sales.modify('9000000100', {})).rejects.toBeInstanceOf(ValidationError);
    expect(lb.requests).toHaveLength(0);
  });

  it('sends a prórroga with extensionInd S and returns the NEW sale', async () => {
    lb = await loopback((_req, res) =>
      json(res, 201, {
        sale: { ...sale, saleCesceReferenceNo: '9000000101', dueDate: '20260610', maturityAmount: '600,00', originalSaleCesceReferenceNo: 9000000100 },
      }),
    );
    const s = await lb.client().sales.prorogue('9000000100', { dueDate: '2026-06-10', maturityAmount: { currency: 'EUR', amount: '600' } });
    expect(lb.requests[0]!.body).toEqual({ saleCesceReferenceNo: '9000000100', extensionInd: 'S', dueDate: '20260610', maturityAmount: '600,00' });
    for (const f of PROROGUE_SALE_REQUIRED) expect(lb.requests[0]!.body).toHaveProperty(f);
    expect(s).toMatchObject({
      saleCesceReferenceNo: '9000000101',
      originalSaleCesceReferenceNo: '9000000100',
      maturityAmount: { currency: 'EUR', amount: '600.00' },
      amount: { currency: 'EUR', amount: '1000.00' },
      dueDate: '2026-06-10',
    });
  });

  it('explains a maturityAmount above the invoice and never retries the POST', async () => {
    lb = await loopback((_req, res) =>
      json(res, 400, {
        error: {
          errorCode: 'VEN012',
          errorDescription: 'Los datos de la venta no son válidos: el importe pendiente (maturityAmount) 1000,01 supera el importe de la factura original F-1 (1000,00).',
        },
      }),
    );
    const err = (await lb
      .client()
      .sales.prorogue('9000000100', { dueDate: '2026-06-10', maturityAmount: { currency: 'EUR', amount: '1000.01' } })
      .catch((e: unknown) => e)) as CesceApiError;
    expect(err).toBeInstanceOf(CesceApiError);
    expect(err).toMatchObject({ status: 400, operation: 'sales.modify', cesceCode: 'VEN012', retryable: false });
    expect(err.entry.id).toBe('cesce-400-sale-data');
    expect(lb.requests).toHaveLength(1);
  });

  it('lists active subsidiaries; null means none', async () => {
    let none = false;
    lb = await loopback((_req, res) =>
      json(res, 200, {
        error: { errorCode: '0' },
        client: { contractNo: '34109150331' },
        subsidiaries: none ? null : [{ subsidiaryCode: 'F01', companyName: 'Filial Norte SL', taxCode: 'B11111118' }, { subsidiaryCode: 7, companyName: '', taxCode: '' }],
      }),
    );
    const c = lb.client();
    expect(await c.sales.subsidiaries()).toEqual([
      { code: 'F01', name: 'Filial Norte SL', taxCode: 'B11111118' },
      { code: '7', name: null, taxCode: null },
    ]);
    none = true;
    expect(await c.sales.subsidiaries()).toEqual([]);
    expect(lb.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', `${base}/subsidiaries`],
      ['GET', `${base}/subsidiaries`],
    ]);
  });
});
