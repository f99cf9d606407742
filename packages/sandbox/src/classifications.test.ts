import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classificationQueryResponseSchema,
  CREATE_CLASSIFICATION_REQUIRED,
  createClassificationResponseSchema,
  errorBodySchema,
} from '@cesce-connect/core';
import type { CesceEmulator } from './server.js';
import { C, call, classificationBody, classificationsPath, fixtureData, getToken, start } from './test-support.js';

let emu: CesceEmulator;
let token: string;
beforeEach(async () => {
  emu = await start();
  token = await getToken(emu);
});
afterEach(async () => {
  await emu.close();
});

const create = (json: unknown, contractNo: string = C.main) => call(emu, 'POST', classificationsPath(contractNo), { token, json });
const query = (q: string, contractNo: string = C.main) => call(emu, 'GET', classificationsPath(contractNo, q), { token });

describe('POST classifications: decisions', () => {
  it('classifies at once up to autoGrantUpTo, granting grantPercent exactly, endorsementNo = requestNo', async () => {
    const r = await create(classificationBody());
    expect(r.status).toBe(201);
    const parsed = createClassificationResponseSchema.parse(r.body);
    expect(r.body.error).toEqual({ errorCode: '0', errorDescription: '' });
    // Highest seeded number is 6000003 (another policy): numbers are unique across the emulator.
    expect(parsed.debtor).toMatchObject({
      requestNo: '6000004',
      endorsementNo: '6000004',
      statusCode: '2',
      taxCode: 'B98765437',
      countryCode: 'ES',
      companyName: 'Nuevo Deudor SL',
      customerReference: 'C-NEW',
      creditLimitRequested: '12345,67',
      // 12345.67 × 80 % = 9876.536 → 9876.54
      creditLimitGranted: '9876,54',
      currencyCode: 'EUR',
      paymentTermsRequested: '90',
      paymentTermsGranted: '90',
      requestEntryDate: '20260515',
      classificationDate: '20260515',
      effectiveDate: '20260515',
      validityDate: '0',
      cancellationDate: '0',
    });
    // Every value on the wire is a string.
    for (const v of Object.values(r.body.debtor)) expect(typeof v).toBe('string');
    const stored = emu.state().policies.find((p) => p.contractNo === C.main)!.classifications.at(-1)!;
    expect(stored).toMatchObject({ requestNo: '6000004', creditLimitGranted: '9876.54', endorsementNo: '6000004' });
  });

  it('hands out sequential request numbers', async () => {
    const a = await create(classificationBody({ taxCode: 'B11111111' }));
    const b = await create(classificationBody({ taxCode: 'B22222222' }));
    const c = await create(classificationBody({ taxCode: 'B33333333' }), C.strict);
    expect([a.body.debtor.requestNo, b.body.debtor.requestNo, c.body.debtor.requestNo]).toEqual(['6000004', '6000005', '6000006']);
    expect(emu.state().lastRequestNo).toBe('6000006');
  });

  it('grants 100 % by default and rounds half up on exact minor units', async () => {
    const full = await create(classificationBody({ creditLimitRequested: '50000,00' }), C.strict);
    expect(full.body.debtor.creditLimitGranted).toBe('50000,00');
    const data = fixtureData();
    data.policies[0]!.classificationRules.grantPercent = 33.335;
    await emu.close();
    emu = await start({ data });
    token = await getToken(emu);
    // 0.10 × 33.335 % = 0.033335 → 0.03; 100.01 × 33.335 % = 33.3383335 → 33.34
    expect((await create(classificationBody({ taxCode: 'B1', creditLimitRequested: '0,10' }))).body.debtor.creditLimitGranted).toBe('0,03');
    expect((await create(classificationBody({ taxCode: 'B2', creditLimitRequested: '100,01' }))).body.debtor.creditLimitGranted).toBe(
      '33,34',
    );
    // 0.03 × 50 % = 0.015 → 0.02 (half up)
    data.policies[0]!.classificationRules.grantPercent = 50;
    await emu.close();
    emu = await start({ data });
    token = await getToken(emu);
    expect((await create(classificationBody({ taxCode: 'B3', creditLimitRequested: '0,03' }))).body.debtor.creditLimitGranted).toBe('0,02');
  });

  it('caps the granted payment terms at the policy maximum', async () => {
    const r = await create(classificationBody({ paymentTermsRequested: '120' }), C.strict);
    expect(r.body.debtor.paymentTermsGranted).toBe('90');
  });

  it('denies deniedTaxCodes: statusCode 10, granted 0,00, no endorsementNo', async () => {
    const r = await create(classificationBody({ taxCode: 'B00000018' }));
    expect(r.status).toBe(201);
    expect(createClassificationResponseSchema.parse(r.body).debtor).toMatchObject({
      statusCode: '10',
      creditLimitGranted: '0,00',
      endorsementNo: '',
      requestNo: '6000004',
      classificationDate: '20260515',
      effectiveDate: '0',
    });
  });

  it('leaves inProgressTaxCodes and amounts above autoGrantUpTo En trámite (1)', async () => {
    const listed = await create(classificationBody({ taxCode: 'B00000026' }));
    expect(listed.body.debtor).toMatchObject({ statusCode: '1', creditLimitGranted: '0,00', endorsementNo: '', classificationDate: '0' });
    const big = await create(classificationBody({ taxCode: 'B44444444', creditLimitRequested: '100000,01' }));
    expect(big.body.debtor).toMatchObject({ statusCode: '1', creditLimitGranted: '0,00', endorsementNo: '' });
    const limit = await create(classificationBody({ taxCode: 'B55555555', creditLimitRequested: '100000,00' }));
    expect(limit.body.debtor).toMatchObject({ statusCode: '2', creditLimitGranted: '80000,00' });
  });

  it('rejects a second request for a debtor with a live classification (CLA008), case-insensitively', async () => {
    for (const taxCode of ['A08001851', 'a08001851', 'B46001897' /* in progress */]) {
      const r = await create(classificationBody({ taxCode }));
      expect(r.status).toBe(400);
      expect(r.body).toEqual({
        error: { errorCode: 'CLA008', errorDescription: `Ya existe una solicitud de clasificación para el deudor ${taxCode.toUpperCase()}.` },
      });
    }
    // The same tax code in another country is another debtor.
    expect((await create(classificationBody({ taxCode: 'A08001851', countryCode: 'PT' }))).status).toBe(201);
  });

  it('accepts a new request after a denied (10) or cancelled (66) one', async () => {
    expect((await create(classificationBody({ taxCode: 'B12345674' }))).status).toBe(201);
    expect((await create(classificationBody({ taxCode: 'A58818501' }))).status).toBe(201);
  });
});

describe('POST classifications: validation', () => {
  it("answers 422 '<field>' is missing in the order of CREATE_CLASSIFICATION_REQUIRED", async () => {
    const required: readonly string[] = CREATE_CLASSIFICATION_REQUIRED;
    for (const [i, field] of required.entries()) {
      // Drop this field and every later required one: the first in the order must be named.
      const dropped = new Set(required.slice(i));
      const r = await create(Object.fromEntries(Object.entries(classificationBody()).filter(([k]) => !dropped.has(k))));
      expect(r.status).toBe(422);
      expect(r.body).toEqual({ error: { errorCode: 'VAL422', errorDescription: `'${field}' is missing.` } });
    }
    for (const empty of [null, '', '   ']) {
      const r = await create(classificationBody({ companyName: empty }));
      expect(r.status).toBe(422);
      expect(r.body.error.errorDescription).toBe("'companyName' is missing.");
    }
    expect((await create(undefined)).body.error.errorDescription).toBe("'taxCode' is missing.");
    expect(emu.state().policies[0]!.classifications).toHaveLength(fixtureData().policies[0]!.classifications.length);
  });

  it('answers 400 CLA009 for format violations', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ countryCode: 'es' }, 'countryCode'],
      [{ creditLimitRequested: '12.345,67' }, 'creditLimitRequested'],
      [{ creditLimitRequested: 1000 }, 'creditLimitRequested'],
      [{ currencyCode: 'euro' }, 'currencyCode'],
      [{ paymentTermsRequested: '90 días' }, 'paymentTermsRequested'],
    ];
    for (const [override, field] of cases) {
      const r = await create(classificationBody(override));
      expect(r.status).toBe(400);
      expect(errorBodySchema.parse(r.body).error.errorCode).toBe('CLA009');
      expect(r.body.error.errorDescription).toMatch(new RegExp(`^No se ha podido procesar la solicitud: el campo '${field}' no es válido .*\\.$`));
    }
    const zero = await create(classificationBody({ creditLimitRequested: '0,00' }));
    expect(zero.body.error).toEqual({
      errorCode: 'CLA009',
      errorDescription: 'No se ha podido procesar la solicitud: el importe solicitado (creditLimitRequested) debe ser mayor que cero.',
    });
    const decimals = await create(classificationBody({ creditLimitRequested: '10,555' }));
    expect(decimals.body.error.errorCode).toBe('CLA009');
    const notJson = await call(emu, 'POST', classificationsPath(C.main), { token, rawBody: '{"taxCode":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.errorCode).toBe('CLA009');
    const array = await create([classificationBody()]);
    expect(array.body.error.errorCode).toBe('CLA009');
  });

  it('answers 400 POL008 for a currency the policy does not cover', async () => {
    const r = await create(classificationBody({ currencyCode: 'USD' }));
    expect(r.status).toBe(400);
    expect(r.body.error).toEqual({
      errorCode: 'POL008',
      errorDescription: 'La divisa USD no está permitida por las condiciones de la póliza.',
    });
    expect((await create(classificationBody({ currencyCode: 'USD' }), C.strict)).status).toBe(201);
  });
});

describe('GET classifications', () => {
  it('finds debtors by taxCode (+countryCode), endorsementNo or customerReference', async () => {
    const byTax = await query('?taxCode=A08001851');
    expect(byTax.status).toBe(200);
    const parsed = classificationQueryResponseSchema.parse(byTax.body);
    expect(byTax.body.error).toEqual({ errorCode: '0', errorDescription: '' });
    expect(parsed.client).toEqual({ contractNo: C.main });
    expect(parsed.debtor).toHaveLength(1);
    expect(parsed.debtor![0]).toMatchObject({
      requestNo: '5000001',
      endorsementNo: '5000001',
      statusCode: '2',
      creditLimitRequested: '50000,00',
      creditLimitGranted: '40000,00',
      requestEntryDate: '20260110',
      validityDate: '0',
    });
    expect((await query('?taxCode=A08001851&countryCode=ES')).body.debtor).toHaveLength(1);
    expect((await query('?endorsementNo=5000005')).body.debtor[0].taxCode).toBe('B85132678');
    expect((await query('?customerReference=C-FR')).body.debtor[0]).toMatchObject({ countryCode: 'FR', endorsementNo: '5000006' });
    // In-progress and denied requests are returned too, with an empty endorsementNo.
    expect((await query('?taxCode=B46001897')).body.debtor[0]).toMatchObject({ statusCode: '1', endorsementNo: '' });
    expect((await query('?taxCode=B12345674')).body.debtor[0]).toMatchObject({ statusCode: '10', creditLimitGranted: '0,00' });
  });

  it('returns every request of a debtor in request order, including one just created', async () => {
    await create(classificationBody({ taxCode: 'B12345674' })); // after the denied 5000003
    const r = await query('?taxCode=B12345674');
    expect(r.body.debtor.map((d: { requestNo: string; statusCode: string }) => [d.requestNo, d.statusCode])).toEqual([
      ['5000003', '10'],
      ['6000004', '2'],
    ]);
  });

  it('answers 400 CLA002 (not 404) when nothing matches', async () => {
    for (const q of ['?taxCode=B99999999', '?taxCode=A08001851&countryCode=FR', '?endorsementNo=1', '?customerReference=nope']) {
      const r = await query(q);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: { errorCode: 'CLA002', errorDescription: 'No existe una clasificación para el deudor indicado.' } });
    }
    // Classifications belong to their policy.
    expect((await query('?endorsementNo=5000001', C.strict)).status).toBe(400);
  });

  it('answers 400 when no debtor key is given', async () => {
    for (const q of ['', '?countryCode=ES', '?taxCode=']) {
      const r = await query(q);
      expect(r.status).toBe(400);
      expect(r.body.error.errorCode).toBe('GEN009');
    }
  });
});

describe('contract and policy checks', () => {
  it('answers 400 CON001 for a malformed contract number', async () => {
    for (const bad of ['34109150', '341%2009150331', '99909150331', 'ABC', '341091503310']) {
      const r = await query(`?taxCode=A08001851`, bad);
      expect(r.status).toBe(400);
      expect(r.body.error.errorCode).toBe('CON001');
      expect(r.body.error.errorDescription).toBe(
        `El número de contrato '${decodeURIComponent(bad)}' no tiene un formato válido: modalidad (341 o 381) y número de póliza juntos, sin espacios, por ejemplo 34109150331.`,
      );
    }
  });

  it("answers 403 POL003 for an unknown contract or another policyholder's", async () => {
    for (const contractNo of ['34199999990', C.foreign]) {
      const r = await create(classificationBody(), contractNo);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({
        error: { errorCode: 'POL003', errorDescription: `El contrato ${contractNo} no está dado de alta para el NIF del tomador.` },
      });
    }
  });

  it('answers 400 POL005 on an expired policy, from the day after expiryDate', async () => {
    const r = await query('?taxCode=A08001851', C.expired);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { errorCode: 'POL005', errorDescription: `La póliza ${C.expired} está vencida desde 2025-06-30.` } });
    await emu.close();
    let today = '2030-12-31';
    emu = await start({ now: () => today });
    token = await getToken(emu);
    expect((await create(classificationBody(), C.strict)).status).toBe(201);
    today = '2031-01-01';
    expect((await create(classificationBody({ taxCode: 'B7' }), C.strict)).body.error.errorCode).toBe('POL005');
  });
});
