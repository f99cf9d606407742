import { afterEach, describe, expect, it } from 'vitest';
import { CesceApiError, ValidationError } from '../../errors.js';
import { json, loopback, type Loopback } from '../../testing/loopback.js';
import { API_BASE_PATHS } from '../../environments.js';
import { createCollectionRequestSchema, CREATE_COLLECTION_REQUIRED } from './schemas.js';

let lb: Loopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

const recorded = {
  collectionReferenceNo: '7000000001',
  saleCesceReferenceNo: '9000000100',
  endorsementNo: '5000001',
  invoiceNo: 'F-1',
  collectionDate: '20260410',
  collectedAmount: '300,00',
  currencyCode: 'EUR',
  outstandingAmount: '700,00',
  declarationDate: '20260515',
};

describe('client.collections.declare', () => {
  it('posts client, sale, collectionDate and the amount, and parses the record', async () => {
    lb = await loopback((_req, res) => json(res, 201, { error: { errorCode: '0' }, collection: recorded }));
    const c = await lb.client().collections.declare({
      client: { endorsementNo: '5000001' },
      sale: { saleCesceReferenceNo: '9000000100' },
      collectionDate: '2026-04-10',
      amount: { currency: 'EUR', amount: '300' },
    });
    expect(lb.requests[0]).toEqual({
      method: 'POST',
      path: '/collections/v1/contracts/34109150331/collections',
      query: {},
      body: {
        client: { endorsementNo: '5000001' },
        sale: { saleCesceReferenceNo: '9000000100' },
        collectionDate: '20260410',
        collectedAmount: '300,00',
        currencyCode: 'EUR',
      },
    });
    expect(createCollectionRequestSchema.safeParse(lb.requests[0]!.body).success).toBe(true);
    for (const f of CREATE_COLLECTION_REQUIRED) expect(lb.requests[0]!.body).toHaveProperty(f);
    expect(c).toEqual({
      collectionReferenceNo: '7000000001',
      saleCesceReferenceNo: '9000000100',
      endorsementNo: '5000001',
      invoiceNo: 'F-1',
      collectionDate: '2026-04-10',
      amount: { currency: 'EUR', amount: '300.00' },
      outstanding: { currency: 'EUR', amount: '700.00' },
      declarationDate: '2026-05-15',
    });
  });

  it('names a debtor by tax id and a sale by invoice; an empty outstanding amount is null', async () => {
    lb = await loopback((_req, res) => json(res, 201, { collection: { ...recorded, outstandingAmount: '', invoiceNo: null } }));
    const c = await lb.client().collections.declare({
      client: { taxCode: 'A08001851', countryCode: 'ES' },
      sale: { invoiceNo: 'F-1', invoiceDate: '2026-02-10' },
      collectionDate: '2026-04-10',
      amount: { currency: 'EUR', amount: '0.10' },
    });
    expect(lb.requests[0]!.body).toMatchObject({
      client: { taxCode: 'A08001851', countryCode: 'ES' },
      sale: { invoiceNo: 'F-1', invoiceDate: '20260210' },
      collectedAmount: '0,10',
    });
    expect(c).toMatchObject({ outstanding: null, invoiceNo: null });
  });

  it('refuses a zero or negative amount before any call; maps a 422 to its entry', async () => {
    lb = await loopback((_req, res) => json(res, 422, { error: { errorCode: 'VAL422', errorDescription: "'collectionDate' is missing." } }));
    const c = lb.client();
    const input = { client: { endorsementNo: '1' }, sale: { saleCesceReferenceNo: '2' }, collectionDate: '2026-04-10' };
    await expect(c.collections.declare({ ...input, amount: { currency: 'EUR', amount: '0.00' } })).rejects.toBeInstanceOf(ValidationError);
    await expect(c.collections.declare({ ...input, amount: { currency: 'EUR', amount: '-1.00' } })).rejects.toBeInstanceOf(ValidationError);
    expect(lb.requests).toHaveLength(0);
    const err = (await c.collections.declare({ ...input, amount: { currency: 'EUR', amount: '1.00' } }).catch((e: unknown) => e)) as CesceApiError;
    expect(err).toMatchObject({ status: 422, operation: 'collections.create', cesceMessage: "'collectionDate' is missing." });
    expect(err.entry.id).toBe('cesce-422-missing-field');
  });

  it('uses the [inferred] base path', () => {
    expect(API_BASE_PATHS.collections).toBe('collections/v1');
  });
});
