import { afterEach, describe, expect, it } from 'vitest';
import { CesceApiError, CesceConnectError } from '../../errors.js';
import { json, loopback, type Loopback } from '../../testing/loopback.js';
import { API_BASE_PATHS } from '../../environments.js';
import { normaliseCursor, parseMovementRecord } from './operations.js';

let lb: Loopback | undefined;
afterEach(async () => {
  await lb?.close();
  lb = undefined;
});

/** A debtor record as the real feed sends it: every value a string ([third-party-client]). */
function debtor(endorsementNo: string, extra: Record<string, unknown> = {}) {
  return {
    countryCode: 'ES',
    taxCode: `B${endorsementNo}`,
    endorsementNo,
    customerReference: `C-${endorsementNo}`,
    companyName: `Deudor ${endorsementNo}`,
    address: 'Calle Mayor 1',
    city: 'Valencia',
    state: 'Valencia',
    postalCode: '46001',
    phoneNo: '961234567',
    email: 'cobros@example.es',
    creditLimitRequested: '100000,00',
    paymentMethodRequestedCode: 'TR',
    paymentTermsRequested: '90',
    currencyCode: 'EUR',
    creditLimitGranted: '25000,00',
    commercialRiskCoverPct: '90,00',
    politicalRiskCoverPct: '99',
    paymentMethodGrantedCode: 'TR',
    paymentTermsGranted: '60',
    commercialRiskGroupCode: '3',
    politicalRiskGroupCode: '1',
    classificationDecisionCode: '07',
    statusCode: '2',
    cesceCode: '000123456',
    requestEntryDate: '20260110',
    effectiveDate: '20260111',
    cancellationDate: '0',
    validityDate: '0',
    classificationDate: '20260111',
    validityReasonCode: '',
    commentsInd: 'N',
    ...extra,
  };
}

const path = '/portfolio-movements/v1/contracts/34109150331/movements';

describe('client.movements over HTTP', () => {
  it('follows nextEndorsementNo until "0", with languageCode=ES and no cursor on the first page', async () => {
    const pages: Record<string, unknown> = {
      '': { error: { errorCode: '0', errorDescription: 'OK' }, client: { contractNo: '34109150331', nextEndorsementNo: '1003' }, debtor: [debtor('1001'), debtor('1002')] },
      '1003': { error: { errorCode: '0' }, client: { contractNo: '34109150331', nextEndorsementNo: '1005' }, debtor: [debtor('1003'), debtor('1004')] },
      '1005': { error: { errorCode: '0' }, client: { contractNo: '34109150331', nextEndorsementNo: '0' }, debtor: [debtor('1005', { statusCode: '66', cancellationDate: '20260301' })] },
    };
    lb = await loopback((req, res) => json(res, 200, pages[req.query.nextEndorsementNo ?? '']));
    const all = [];
    for await (const m of lb.client().movements.list()) all.push(m);
    expect(all.map((m) => m.endorsementNo)).toEqual(['1001', '1002', '1003', '1004', '1005']);
    expect(lb.requests.map((r) => [r.path, r.query])).toEqual([
      [path, { languageCode: 'ES' }],
      [path, { languageCode: 'ES', nextEndorsementNo: '1003' }],
      [path, { languageCode: 'ES', nextEndorsementNo: '1005' }],
    ]);
    expect(all[0]).toEqual({
      requestNo: null,
      endorsementNo: '1001',
      taxCode: 'B1001',
      countryCode: 'ES',
      companyName: 'Deudor 1001',
      customerReference: 'C-1001',
      status: { code: '2', state: 'classified', label: { es: 'Clasificado', en: 'Classified' }, active: true, inferred: true },
      requestedLimit: { currency: 'EUR', amount: '100000.00' },
      grantedLimit: { currency: 'EUR', amount: '25000.00' },
      paymentTermsRequested: 90,
      paymentTermsGranted: 60,
      requestEntryDate: '2026-01-10',
      classificationDate: '2026-01-11',
      effectiveDate: '2026-01-11',
      validityDate: null,
      cancellationDate: null,
      deactivated: false,
      premium: null,
      cesceCode: '000123456',
      phoneNo: '961234567',
      email: 'cobros@example.es',
      commercialRiskCoverPct: '90.00',
      politicalRiskCoverPct: '99',
      paymentMethodRequestedCode: 'TR',
      paymentMethodGrantedCode: 'TR',
      commercialRiskGroupCode: '3',
      politicalRiskGroupCode: '1',
      classificationDecisionCode: '07',
      validityReasonCode: null,
      comments: false,
    });
    expect(all[4]).toMatchObject({ status: { state: 'cancelled', label: { es: 'Baja' } }, cancellationDate: '2026-03-01' });
  });

  it('ends on a null debtor list, an empty or missing cursor, and accepts a numeric cursor', async () => {
    const pages: Record<string, unknown> = {
      '': { error: { errorCode: '0' }, client: { contractNo: '34109150331', nextEndorsementNo: 7 }, debtor: [debtor('5')] },
      '7': { error: { errorCode: '0' }, client: { contractNo: '34109150331', nextEndorsementNo: '9' }, debtor: [debtor('7')] },
      '9': { error: { errorCode: '0' }, client: { contractNo: '34109150331', nextEndorsementNo: '11' }, debtor: null },
      '11': { error: { errorCode: '0' }, client: { contractNo: '34109150331', nextEndorsementNo: '' }, debtor: [] },
    };
    lb = await loopback((req, res) => json(res, 200, pages[req.query.nextEndorsementNo ?? '']));
    const seen = [];
    for await (const p of lb.client().movements.pages({ languageCode: 'EN' })) seen.push([p.cursor, p.movements.map((m) => m.endorsementNo), p.nextEndorsementNo]);
    expect(seen).toEqual([
      [null, ['5'], '7'],
      ['7', ['7'], '9'],
      ['9', [], '11'],
      ['11', [], null],
    ]);
    expect(lb.requests[0]!.query).toEqual({ languageCode: 'EN' });
  });

  it('ends when client or nextEndorsementNo is missing, and resumes from a saved cursor', async () => {
    lb = await loopback((req, res) =>
      req.query.nextEndorsementNo === '42' ? json(res, 200, { debtor: [debtor('42')] }) : json(res, 200, { client: { contractNo: '1' }, debtor: null }),
    );
    const c = lb.client();
    const resumed = [];
    for await (const m of c.movements.list({ startAt: '42' })) resumed.push(m.endorsementNo);
    expect(resumed).toEqual(['42']);
    const fresh = [];
    for await (const m of c.movements.list({ startAt: '0' })) fresh.push(m);
    expect(fresh).toEqual([]);
    expect(lb.requests.map((r) => r.query.nextEndorsementNo)).toEqual(['42', undefined]);
  });

  it('stops with a typed error when the cursor does not advance, instead of looping', async () => {
    lb = await loopback((_req, res) => json(res, 200, { client: { nextEndorsementNo: '1003' }, debtor: [debtor('1003')] }));
    const got = [];
    const err = await (async () => {
      for await (const m of lb!.client().movements.list()) got.push(m);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CesceConnectError);
    expect((err as CesceConnectError).code).toBe('cesce_response');
    expect((err as Error).message).toMatch(/does not advance/);
    expect(lb.requests).toHaveLength(2);
  });

  it('treats errorCode other than "0" in a 200 as a failure with a knowledge-base entry', async () => {
    lb = await loopback((_req, res) =>
      json(res, 200, { error: { errorCode: 'POL005', errorDescription: 'La póliza 34109150331 está vencida desde 2025-06-30.' }, client: null, debtor: null }),
    );
    const err = (await lb.client().movements.page().catch((e: unknown) => e)) as CesceApiError;
    expect(err).toBeInstanceOf(CesceApiError);
    expect(err).toMatchObject({ status: 200, operation: 'movements.list', cesceCode: 'POL005' });
    expect(err.entry.id).toBe('cesce-400-policy-expired');
  });

  it('turns bad bodies into typed errors: HTML, wrong types, bad dates or decimals; retries a 503 GET', async () => {
    const bodies = [
      () => '<html><body>Service Unavailable</body></html>',
      () => JSON.stringify({ debtor: [debtor('1', { creditLimitGranted: '25.000,00€' })] }),
      () => JSON.stringify({ debtor: [debtor('1', { effectiveDate: '2026-01-11' })] }),
      () => JSON.stringify({ client: { nextEndorsementNo: { next: 1 } }, debtor: null }),
      () => JSON.stringify({ debtor: 'none' }),
      () => '{"debtor": [',
    ];
    for (const body of bodies) {
      lb = await loopback((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body()));
      const err = await lb.client().movements.page().catch((e: unknown) => e);
      expect(err, body()).toBeInstanceOf(CesceConnectError);
      expect((err as CesceConnectError).code).toBe('cesce_response');
      expect((err as Error).message).toContain('movements.list');
      await lb.close();
      lb = undefined;
    }
    let calls = 0;
    lb = await loopback((_req, res) => (calls++ === 0 ? json(res, 503, { error: { errorCode: '500', errorDescription: 'down' } }) : json(res, 200, { debtor: [debtor('1')] })));
    expect((await lb.client().movements.page()).movements).toHaveLength(1);
    expect(calls).toBe(2);
  });
});

describe('movement records', () => {
  it('normalises the cursor: "0", 0, "", null and undefined end; numbers become strings', () => {
    expect([normaliseCursor('0'), normaliseCursor(0), normaliseCursor(''), normaliseCursor(' '), normaliseCursor(null), normaliseCursor(undefined), normaliseCursor('000')]).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect([normaliseCursor(1003), normaliseCursor(' 1003 ')]).toEqual(['1003', '1003']);
  });

  it('keeps odd values instead of crashing: unknown status, non-numeric cover, unknown flags, empty currency', () => {
    const m = parseMovementRecord(debtor('1', { statusCode: '77', commercialRiskCoverPct: 'N/D', commentsInd: '?', currencyCode: '', creditLimitGranted: '0,00' }));
    expect(m).toMatchObject({
      status: { code: '77', state: 'unknown', active: false },
      commercialRiskCoverPct: 'N/D',
      comments: null,
      grantedLimit: { currency: 'EUR', amount: '0.00' },
    });
    expect(parseMovementRecord(debtor('1', { commentsInd: 'S' })).comments).toBe(true);
  });

  it('uses the published base path', () => {
    expect(API_BASE_PATHS.movements).toBe('portfolio-movements/v1');
  });
});
