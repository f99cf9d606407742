import { afterEach, describe, expect, it } from 'vitest';
import { CesceApiError, ValidationError } from '../../errors.js';
import { json, loopback, type Loopback } from '../../testing/loopback.js';
import { OPERATION_SCOPES } from '../common.js';
import { parseDebtorRecord } from './operations.js';
import { acceptDenyPremiumRequestSchema, activateDeactivateRequestSchema, cancelClassificationRequestSchema } from './schemas.js';

let lb: Loopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

const record = {
  requestNo: '5000001',
  endorsementNo: '5000001',
  countryCode: 'ES',
  taxCode: 'A08001851',
  statusCode: '2',
  creditLimitRequested: '50000,00',
  creditLimitGranted: '40000,00',
  currencyCode: 'EUR',
  classificationDate: '20260111',
  cancellationDate: '0',
};
const base = '/classifications/v1/contracts/34109150331/classifications';

describe('classification operations over HTTP', () => {
  it('posts activate-deactivate, cancel and accept-deny-premium with the [inferred] bodies', async () => {
    lb = await loopback((req, res) => {
      const b = req.body as Record<string, string>;
      if (req.path.endsWith('/activate-deactivate')) return json(res, 200, { error: { errorCode: '0' }, debtor: { ...record, activeInd: b.activeInd } });
      if (req.path.endsWith('/cancel')) return json(res, 200, { debtor: { ...record, statusCode: '66', cancellationDate: '20260515' } });
      json(res, 200, {
        debtor: { ...record, premiumAmount: '350,00', premiumCurrencyCode: 'USD', premiumStatus: b.premiumAcceptedInd === 'S' ? 'accepted' : 'denied' },
      });
    });
    const c = lb.client();
    expect(await c.classifications.deactivate({ endorsementNo: '5000001' })).toMatchObject({
      deactivated: true,
      status: { code: '2', state: 'classified', active: false },
      grantedLimit: { currency: 'EUR', amount: '40000.00' },
    });
    expect(await c.classifications.activate({ requestNo: ' 5000001 ' })).toMatchObject({ deactivated: false, status: { active: true } });
    expect(await c.classifications.cancel({ endorsementNo: '5000001', requestNo: '5000001' }, { reasonCode: 'ERR' })).toMatchObject({
      status: { code: '66', state: 'cancelled', label: { es: 'Baja' }, active: false },
      cancellationDate: '2026-05-15',
    });
    expect((await c.classifications.acceptPremium({ requestNo: '5000001' })).premium).toEqual({
      amount: { currency: 'USD', amount: '350.00' },
      status: 'accepted',
      rawStatus: 'accepted',
    });
    expect((await c.classifications.denyPremium({ requestNo: '5000001' })).premium?.status).toBe('denied');
    expect(lb.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['POST', `${base}/activate-deactivate`, { endorsementNo: '5000001', activeInd: 'N' }],
      ['POST', `${base}/activate-deactivate`, { requestNo: '5000001', activeInd: 'S' }],
      ['POST', `${base}/cancel`, { endorsementNo: '5000001', requestNo: '5000001', cancellationReasonCode: 'ERR' }],
      ['POST', `${base}/accept-deny-premium`, { requestNo: '5000001', premiumAcceptedInd: 'S' }],
      ['POST', `${base}/accept-deny-premium`, { requestNo: '5000001', premiumAcceptedInd: 'N' }],
    ]);
    // What the client sends passes the schemas the emulator validates with.
    expect(activateDeactivateRequestSchema.safeParse(lb.requests[0]!.body).success).toBe(true);
    expect(cancelClassificationRequestSchema.safeParse(lb.requests[2]!.body).success).toBe(true);
    expect(acceptDenyPremiumRequestSchema.safeParse(lb.requests[3]!.body).success).toBe(true);
  });

  it('refuses a reference without a key before any call', async () => {
    lb = await loopback((_req, res) => json(res, 500, {}));
    const err = await lb
      .client()
      .classifications.cancel({ endorsementNo: '  ' } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(lb.requests).toHaveLength(0);
  });

  it('maps an unknown classification (400, not 404) and a state conflict to their entries, never retrying a POST', async () => {
    lb = await loopback((req, res) =>
      req.path.endsWith('/cancel')
        ? json(res, 400, { error: { errorCode: 'CLA002', errorDescription: 'No existe una clasificación para el deudor indicado.' } })
        : json(res, 400, {
            error: { errorCode: 'CLA011', errorDescription: 'La clasificación 5000001 no tiene una oferta de prima pendiente de aceptar o denegar.' },
          }),
    );
    const c = lb.client();
    const unknown = (await c.classifications.cancel({ endorsementNo: '9' }).catch((e: unknown) => e)) as CesceApiError;
    expect(unknown).toBeInstanceOf(CesceApiError);
    expect(unknown).toMatchObject({ status: 400, operation: 'classifications.cancel', cesceCode: 'CLA002' });
    expect(unknown.entry.id).toBe('cesce-400-classification-required');
    const premium = (await c.classifications.acceptPremium({ endorsementNo: '5000001' }).catch((e: unknown) => e)) as CesceApiError;
    expect(premium.entry.id).toBe('cesce-400-classification-state');
    expect(premium.entry.fix.en).toMatch(/Query the classification/);
    expect(lb.requests).toHaveLength(2);
  });

  it('treats a 200 whose envelope carries an errorCode as a failure', async () => {
    lb = await loopback((_req, res) =>
      json(res, 200, { error: { errorCode: 'CLA002', errorDescription: 'No existe una clasificación para el deudor indicado.' }, debtor: record }),
    );
    const err = (await lb.client().classifications.deactivate({ endorsementNo: '1' }).catch((e: unknown) => e)) as CesceApiError;
    expect(err).toBeInstanceOf(CesceApiError);
    expect(err).toMatchObject({ status: 200, cesceCode: 'CLA002' });
    expect(err.entry.id).toBe('cesce-400-classification-required');
  });

  it('reports a body of the wrong shape as a typed error naming the field', async () => {
    lb = await loopback((_req, res) => json(res, 200, { debtor: { ...record, premiumAmount: 'mucho' } }));
    await expect(lb.client().classifications.acceptPremium({ endorsementNo: '1' })).rejects.toMatchObject({
      code: 'cesce_response',
      message: expect.stringMatching(/debtor\.premiumAmount/),
    });
  });
});

describe('parseDebtorRecord', () => {
  it('keeps unknown status codes and premium states, and treats an empty premium as none', () => {
    const r = parseDebtorRecord({ ...record, statusCode: '99', premiumAmount: '12,5', premiumStatus: 'PENDIENTE' });
    expect(r.status).toMatchObject({ code: '99', state: 'unknown', active: false });
    expect(r.premium).toEqual({ amount: { currency: 'EUR', amount: '12.50' }, status: 'unknown', rawStatus: 'PENDIENTE' });
    expect(parseDebtorRecord({ ...record, premiumAmount: '' }).premium).toBeNull();
    expect(parseDebtorRecord({ ...record, premiumStatus: 'OFFERED', premiumAmount: '1,00' }).premium?.status).toBe('offered');
    expect(parseDebtorRecord({ ...record, activeInd: 'n' })).toMatchObject({ deactivated: true, status: { state: 'classified', active: false } });
    expect(parseDebtorRecord(record)).toMatchObject({ deactivated: false, premium: null, status: { active: true } });
  });
});

describe('OPERATION_SCOPES', () => {
  it('maps the newer operations as the reference proposes ([inferred])', () => {
    expect(OPERATION_SCOPES).toMatchObject({
      'classifications.activateDeactivate': 'update',
      'classifications.cancel': 'delete',
      'classifications.acceptDenyPremium': 'update',
      'movements.list': 'read',
      'sales.modify': 'update',
      'sales.subsidiaries': 'read',
      'collections.create': 'create',
    });
  });
});
