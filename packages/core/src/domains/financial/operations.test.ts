import { afterEach, describe, expect, it } from 'vitest';
import { CesceApiError, ValidationError } from '../../errors.js';
import { API_BASE_PATHS } from '../../environments.js';
import { json, loopback, type Loopback } from '../../testing/loopback.js';
import { createFinancingRequestSchema } from './schemas.js';

let lb: Loopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

const base = '/financial/v1/contracts/34109150331';
const record = {
  requestNo: 1,
  statusCode: 'CONDITIONS',
  requestDate: '20260515',
  currencyCode: 'EUR',
  outstandingAmount: '1000,00',
  financedAmount: '800,00',
  advancePercent: '80,00',
  feeRatePercent: '1,50',
  feeAmount: '12,00',
  valueDate: '20260516',
  denialReasonCode: '',
  sales: [{ saleCesceReferenceNo: '9000000100', outstandingAmount: '1000,00', financedAmount: '800,00' }],
};

describe('client.financial', () => {
  it('requests financing of sales and parses the real-time answer', async () => {
    lb = await loopback((_req, res) => json(res, 201, { error: { errorCode: '0' }, financingRequest: record }));
    const r = await lb.client().financial.request([' 9000000100 ']);
    expect(lb.requests[0]).toEqual({ method: 'POST', path: `${base}/financing-requests`, query: {}, body: { saleCesceReferenceNos: ['9000000100'] } });
    expect(createFinancingRequestSchema.safeParse(lb.requests[0]!.body).success).toBe(true);
    expect(r).toEqual({
      requestNo: '1',
      status: 'CONDITIONS',
      statusCode: 'CONDITIONS',
      requestDate: '2026-05-15',
      outstanding: { currency: 'EUR', amount: '1000.00' },
      financed: { currency: 'EUR', amount: '800.00' },
      advancePercent: '80.00',
      feeRatePercent: '1.50',
      fee: { currency: 'EUR', amount: '12.00' },
      valueDate: '2026-05-16',
      denialReasonCode: null,
      denialReason: null,
      answerDate: null,
      sales: [{ saleCesceReferenceNo: '9000000100', outstanding: { currency: 'EUR', amount: '1000.00' }, financed: { currency: 'EUR', amount: '800.00' }, denialReasonCode: null }],
    });
  });

  it('refuses an empty or repeated list before any call', async () => {
    lb = await loopback((_req, res) => json(res, 500, {}));
    await expect(lb.client().financial.request([])).rejects.toBeInstanceOf(ValidationError);
    await expect(lb.client().financial.request(['1', '1'])).rejects.toBeInstanceOf(ValidationError);
    expect(lb.requests).toHaveLength(0);
  });

  it('gets status, lists, answers conditions; keeps unknown statuses', async () => {
    lb = await loopback((req, res) => {
      if (req.path.endsWith('/answer')) return json(res, 200, { financingRequest: { ...record, statusCode: 'ACCEPTED', answerDate: '20260515' } });
      if (req.path.endsWith('/financing-requests')) return json(res, 200, { financingRequests: req.query.statusCode ? null : [record, { ...record, requestNo: '2', statusCode: 'XX' }] });
      if (req.path.endsWith('/9')) return json(res, 404, { error: { errorCode: 'FIN404', errorDescription: 'No se encuentra la solicitud de financiación 9.' } });
      json(res, 200, { financingRequest: record });
    });
    const f = lb.client().financial;
    expect((await f.status('1')).status).toBe('CONDITIONS');
    expect((await f.list()).map((r) => [r.requestNo, r.status, r.statusCode])).toEqual([
      ['1', 'CONDITIONS', 'CONDITIONS'],
      ['2', 'UNKNOWN', 'XX'],
    ]);
    expect(await f.list('DENIED')).toEqual([]);
    const a = await f.answerConditions('1', true);
    expect(a).toMatchObject({ status: 'ACCEPTED', answerDate: '2026-05-15' });
    expect(lb.requests.at(-1)).toMatchObject({ method: 'POST', path: `${base}/financing-requests/1/answer`, body: { conditionsAcceptedInd: 'S' } });
    const err = (await f.status('9').catch((e: unknown) => e)) as CesceApiError;
    expect(err).toMatchObject({ status: 404, operation: 'financial.status', cesceCode: 'FIN404' });
    expect(err.entry.id).toBe('cesce-404-sandbox-dataset');
  });

  it('explains answering a request that is not awaiting acceptance', async () => {
    lb = await loopback((_req, res) =>
      json(res, 400, { error: { errorCode: 'FIN010', errorDescription: 'La solicitud de financiación 1 está en estado ACCEPTED y no admite esta operación.' } }),
    );
    const err = (await lb.client().financial.answerConditions('1', false).catch((e: unknown) => e)) as CesceApiError;
    expect(err.entry.id).toBe('cesce-400-financing-state');
    expect(lb.requests).toHaveLength(1);
  });

  it('uses the [inferred] base path', () => {
    expect(API_BASE_PATHS.financial).toBe('financial/v1');
  });
});
