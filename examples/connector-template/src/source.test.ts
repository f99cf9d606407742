import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ErpError, ValidationError } from '@cesce-connect/core';
import { createAcmeSource, type AcmeConnectorConfig } from './source.js';
import { acmeDataset, startAcmeEmulator, type AcmeEmulator } from './testing/index.js';

let emulator: AcmeEmulator;
beforeEach(async () => {
  emulator = await startAcmeEmulator({ dataset: acmeDataset(), now: () => new Date('2026-11-01T10:00:00.000Z') });
});
afterEach(async () => {
  await emulator.close();
});

const source = (over: Partial<AcmeConnectorConfig> = {}) => createAcmeSource({ url: emulator.url, token: emulator.token, pageSize: 5, ...over });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(promise: Promise<unknown>): Promise<ErpError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ErpError);
  return err as ErpError;
}

describe('connect', () => {
  test('describes the Acme company', async () => {
    await expect(source().connect()).resolves.toEqual({
      system: 'acme',
      version: '2.3',
      company: { id: 'acme-es-01', name: 'Industrias Test SL', taxCode: 'B65410011', currency: 'EUR' },
      url: emulator.url,
    });
  });

  test('a bad token → access-denied naming the URL, never the token', async () => {
    const err = await failure(source({ token: 'wrong-token-abcdef' }).connect());
    expect(err.kind).toBe('access-denied');
    expect(err.system).toBe('acme');
    expect(err.message).toBe(`Acme ERP answered GET ${emulator.url}/api/company with HTTP 401: The access token is missing, invalid or expired`);
    expect(`${err.message} ${err.hint} ${err.details}`).not.toContain('wrong-token-abcdef');
  });

  test('bad options fail before any request', () => {
    expect(() => source({ pageSize: 500 })).toThrow(ValidationError);
    expect(() => source({ token: '' })).toThrow(ValidationError);
    expect(() => createAcmeSource({ url: 'ftp://x', token: 't' })).toThrow(/must be http/);
    expect(emulator.requests).toEqual([]);
  });
});

describe('reads', () => {
  test('debtors() pages to the end, skips contacts, keeps archived customers', async () => {
    const debtors = await collect(source().debtors());
    expect(debtors.map((d) => d.erpId)).toEqual(['1', '3', '4', '5', '6', '7', '8', '9', ...Array.from({ length: 12 }, (_, i) => String(20 + i))]);
    expect(emulator.requests.filter((r) => r.path === '/api/customers').map((r) => r.query)).toEqual(
      [1, 2, 3, 4, 5].map((page) => ({ page: String(page), pageSize: '5' })),
    );
    expect(debtors.find((d) => d.erpId === '4')?.active).toBe(false);
    expect(debtors.find((d) => d.erpId === '3')?.requestedCreditLimit).toEqual({ currency: 'EUR', amount: '1234.57' });
    expect(debtors.filter((d) => d.issues.some((i) => i.severity === 'blocking')).map((d) => d.erpId)).toEqual(['5', '6']);
  });

  test('documents() follows the cursor to the end, in change order, posted documents only', async () => {
    const docs = await collect(source().documents());
    expect(docs.map((d) => d.erpId)).toEqual(['101', '102', '104', '106', '107', '108', '109', '120', '126', '121', '127', '122', '128', '123', '129', '124', '130', '125', '131']);
    expect(emulator.requests.filter((r) => r.path === '/api/invoices')).toHaveLength(5);
    expect(docs.find((d) => d.erpId === '106')?.total).toEqual({ currency: 'JPY', amount: '150000' });
    expect(docs.find((d) => d.erpId === '104')).toMatchObject({ kind: 'credit_note', total: { amount: '121.00' }, originErpId: '101' });
  });

  test('documents({ fromDate }) asks Acme for documents issued from that day', async () => {
    const docs = await collect(source().documents({ fromDate: '2026-09-16' }));
    expect(docs.map((d) => d.erpId)).toEqual(['104', '106', '107', '108', '109']);
    await expect(collect(source().documents({ fromDate: '16/09/2026' }))).rejects.toThrow(ValidationError);
  });

  test('documents({ changedSince }) reads strictly after the watermark, ties broken by id', async () => {
    const s = source();
    const docs = await collect(s.documents({ changedSince: { updatedAt: '2026-10-01T08:00:00.000Z', erpId: '101' } }));
    expect(docs[0]?.erpId).toBe('102');
    expect(docs.map((d) => d.erpId)).not.toContain('101');
    expect(emulator.requests.find((r) => r.path === '/api/invoices')?.query.updatedSince).toBe('2026-10-01T08:00:00.000Z');
    const tail = await collect(s.documents({ changedSince: { updatedAt: '2026-10-10T02:00:00.000Z', erpId: '131' } }));
    expect(tail).toEqual([]);
    await expect(collect(s.documents({ changedSince: { updatedAt: 'yesterday', erpId: '1' } }))).rejects.toThrow(ValidationError);
  });

  test('documentsByIds reads the posted documents asked for and skips unknown, draft and void ones', async () => {
    const docs = await collect(source().documentsByIds(['107', '999', '103', '105', 'x', '101', '107']));
    expect(docs.map((d) => d.erpId)).toEqual(['107', '101']);
    expect(emulator.requests.filter((r) => r.path.startsWith('/api/invoices/')).map((r) => r.path)).toEqual([
      '/api/invoices/107',
      '/api/invoices/999',
      '/api/invoices/103',
      '/api/invoices/105',
      '/api/invoices/101',
    ]);
  });
});

describe('write-back', () => {
  test('writeClassification PATCHes the customer custom fields with the exact amount', async () => {
    const s = source();
    await s.writeClassification({ debtorErpId: '1', state: 'classified', stateLabel: 'Clasificado', grantedLimit: { currency: 'EUR', amount: '45000.10' }, endorsementNo: 'E-77' });
    expect(emulator.requests.at(-1)).toMatchObject({ method: 'PATCH', path: '/api/customers/1' });
    expect(emulator.dataset.customers.find((c) => c.id === 1)?.customFields).toEqual({
      cesceStatus: 'Clasificado',
      cesceGrantedLimit: '45000.10',
      cesceEndorsementNo: 'E-77',
      cesceNote: null,
    });
  });

  test('a rejection is written as a note with cause and fix', async () => {
    const rejection = { httpStatus: 400, kbId: '400-3', message: 'NIF no válido', cause: { es: 'c', en: 'The tax id is wrong.' }, fix: { es: 'f', en: 'Correct it.' } };
    await source().writeClassification({ debtorErpId: '6', state: 'rejected', stateLabel: 'Rechazado', grantedLimit: null, endorsementNo: null, rejection });
    expect(emulator.dataset.customers.find((c) => c.id === 6)?.customFields?.cesceNote).toBe('Cesce: «NIF no válido» (HTTP 400, 400-3). Cause: The tax id is wrong. Fix: Correct it.');
  });

  test('writeSale PATCHes the invoice, which moves it in the change feed', async () => {
    const s = source();
    await s.writeSale({ documentErpId: '101', state: 'declared', saleCesceReferenceNo: 'V-123' });
    const inv = emulator.dataset.invoices.find((i) => i.id === 101)!;
    expect(inv.customFields).toMatchObject({ cesceSaleState: 'declared', cesceSaleReference: 'V-123' });
    expect(inv.updatedAt).toBe('2026-11-01T10:00:00.000Z');
    const changed = await collect(s.documents({ changedSince: { updatedAt: '2026-10-10T02:00:00.000Z', erpId: '131' } }));
    expect(changed.map((d) => d.erpId)).toEqual(['101']);
  });

  test('a limit in another currency, an unknown record and a non-numeric key are refused', async () => {
    const s = source();
    const cur = await failure(s.writeClassification({ debtorErpId: '1', state: 'classified', stateLabel: 'Clasificado', grantedLimit: { currency: 'USD', amount: '1.00' }, endorsementNo: null }));
    expect(cur.kind).toBe('validation');
    const missing = await failure(s.writeSale({ documentErpId: '999', state: 'declared', saleCesceReferenceNo: 'V-1' }));
    expect(missing).toMatchObject({ kind: 'access', message: `Acme ERP answered PATCH ${emulator.url}/api/invoices/999 with HTTP 404: invoices 999 not found` });
    expect((await failure(s.writeSale({ documentErpId: '../x', state: 'declared', saleCesceReferenceNo: 'V-1' }))).kind).toBe('validation');
  });
});

describe('failures', () => {
  test('HTTP 500 mid-read → server error naming the request', async () => {
    const s = source();
    await s.connect();
    emulator.failWith = 500;
    const err = await failure(collect(s.documents()));
    expect(err.kind).toBe('server');
    expect(err.message).toMatch(new RegExp(`^Acme ERP answered GET ${emulator.url}/api/invoices\\?limit=5 with HTTP 500: Database connection lost$`));
    emulator.failWith = null;
    await expect(collect(s.documents())).resolves.toHaveLength(19);
  });

  test('no answer in time → timeout', async () => {
    emulator.delayMs = 400;
    const err = await failure(source({ timeoutMs: 100 }).connect());
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`Acme ERP did not answer GET ${emulator.url}/api/company within 100 ms`);
  });

  test('nobody listening → transport error', async () => {
    const url = emulator.url;
    await emulator.close();
    const err = await failure(createAcmeSource({ url, token: 'secret-token-123' }).connect());
    expect(err.kind).toBe('transport');
    expect(err.message).toContain(`Cannot reach Acme ERP for GET ${url}/api/company: ECONNREFUSED`);
    emulator = await startAcmeEmulator({ dataset: acmeDataset() });
  });
});
