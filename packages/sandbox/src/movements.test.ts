import { afterEach, describe, expect, it } from 'vitest';
import { movementsResponseSchema } from '@cesce-connect/core';
import type { SandboxData } from './data.js';
import type { CesceEmulator } from './server.js';
import {
  APPS,
  C,
  call,
  classificationBody,
  classificationOpPath,
  classificationsPath,
  fixtureData,
  getToken,
  movementsPath,
  start,
} from './test-support.js';

let emu: CesceEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function open(options: Parameters<typeof start>[0] = {}): Promise<{ e: CesceEmulator; token: string }> {
  emu = await start(options);
  return { e: emu, token: await getToken(emu) };
}

/** Follows the cursor as a client does; returns each page's endorsementNos and each answer's cursor. */
async function walk(e: CesceEmulator, token: string, start?: string): Promise<{ pages: string[][]; cursors: string[] }> {
  const pages: string[][] = [];
  const cursors: string[] = [];
  let cursor = start;
  for (let i = 0; i < 50; i++) {
    const r = await call(e, 'GET', movementsPath(C.main, `?languageCode=ES${cursor ? `&nextEndorsementNo=${cursor}` : ''}`), { token });
    expect(r.status).toBe(200);
    const body = movementsResponseSchema.parse(r.body);
    pages.push((body.debtor ?? []).map((d) => d.endorsementNo ?? ''));
    const next = String(body.client!.nextEndorsementNo);
    cursors.push(next);
    if (next === '0') return { pages, cursors };
    cursor = next;
  }
  throw new Error('the cursor never ended');
}

const ALL = ['5000001', '5000004', '5000005', '5000006', '5000007', '5000008'];

describe('GET portfolio-movements', () => {
  it('answers the envelope of the real client: strings everywhere, nextEndorsementNo "0" on the last page', async () => {
    const { e, token } = await open();
    const r = await call(e, 'GET', movementsPath(C.main, '?languageCode=ES'), { token });
    expect(r.status).toBe(200);
    const body = movementsResponseSchema.parse(r.body);
    expect(r.body.error).toEqual({ errorCode: '0', errorDescription: '' });
    expect(r.body.client).toEqual({ contractNo: C.main, nextEndorsementNo: '0' });
    // One record per suplemento, in endorsementNo order: in-progress (5000002) and denied (5000003) requests have none.
    expect(body.debtor!.map((d) => [d.endorsementNo, d.statusCode, d.activeInd])).toEqual([
      ['5000001', '2', 'S'],
      ['5000004', '66', 'S'],
      ['5000005', '2', 'S'],
      ['5000006', '2', 'S'],
      ['5000007', '2', 'N'],
      ['5000008', '2', 'S'],
    ]);
    for (const d of r.body.debtor) for (const v of Object.values(d)) expect(typeof v).toBe('string');
    expect(r.body.debtor[0]).toMatchObject({ creditLimitGranted: '40000,00', requestEntryDate: '20260110', validityDate: '0' });
    expect(r.body.debtor[1]).toMatchObject({ cancellationDate: '20260301', statusCode: '66' });
    // Without languageCode too.
    expect((await call(e, 'GET', movementsPath(C.main), { token })).body).toEqual(r.body);
  });

  it('pages by endorsementNo with the configured size; the cursor is the first endorsementNo of the next page', async () => {
    const { e, token } = await open({ movementsPageSize: 4 });
    expect(await walk(e, token)).toEqual({ pages: [ALL.slice(0, 4), ALL.slice(4)], cursors: ['5000007', '0'] });
  });

  it('ends with "0" on a full last page (no empty extra page)', async () => {
    const { e, token } = await open({ movementsPageSize: 3 });
    expect(await walk(e, token)).toEqual({ pages: [ALL.slice(0, 3), ALL.slice(3)], cursors: ['5000006', '0'] });
  });

  it('takes the page size from the data file; the option wins', async () => {
    const data: SandboxData = { ...fixtureData(), movementsPageSize: 2 };
    let { e, token } = await open({ data });
    expect((await walk(e, token)).cursors).toEqual(['5000005', '5000007', '0']);
    await e.close();
    ({ e, token } = await open({ data, movementsPageSize: 5 }));
    expect((await walk(e, token)).cursors).toEqual(['5000008', '0']);
    await expect(start({ movementsPageSize: 0 })).rejects.toThrow(/movementsPageSize/);
  });

  it('resumes from any cursor, even one that is not a suplemento', async () => {
    const { e, token } = await open({ movementsPageSize: 2 });
    expect(await walk(e, token, '5000005')).toEqual({ pages: [['5000005', '5000006'], ['5000007', '5000008']], cursors: ['5000007', '0'] });
    expect((await walk(e, token, '5000003')).pages[0]).toEqual(['5000004', '5000005']);
  });

  it('answers debtor: null when there is nothing to return', async () => {
    const data = fixtureData();
    data.policies[0]!.classifications = data.policies[0]!.classifications.filter((c) => c.endorsementNo === null);
    const { e, token } = await open({ data });
    const empty = await call(e, 'GET', movementsPath(C.main), { token });
    expect(empty.body).toEqual({ error: { errorCode: '0', errorDescription: '' }, client: { contractNo: C.main, nextEndorsementNo: '0' }, debtor: null });
    expect(movementsResponseSchema.parse(empty.body).debtor).toBeNull();
    const past = await call(e, 'GET', movementsPath(C.strict, '?nextEndorsementNo=9999999'), { token });
    expect(past.body.debtor).toBeNull();
    expect(past.body.client.nextEndorsementNo).toBe('0');
  });

  it('orders endorsement numbers numerically and gives one record per suplemento', async () => {
    const data = fixtureData();
    const base = data.policies[0]!.classifications[0]!;
    data.policies[0]!.classifications = [
      { ...base, requestNo: '1000', endorsementNo: '1000' },
      { ...base, requestNo: '999', endorsementNo: '999', taxCode: 'B2' },
      { ...base, requestNo: '10000', endorsementNo: '10000', taxCode: 'B3' },
      // A cancelled earlier record under the same suplemento: the classified one is shown.
      { ...base, requestNo: '998', endorsementNo: '1000', statusCode: '66', cancellationDate: '2026-01-20' },
    ];
    data.policies[0]!.sales = [];
    data.policies[0]!.dossiers = [];
    data.policies[0]!.settlements = [];
    const { e, token } = await open({ data, movementsPageSize: 2 });
    const { pages } = await walk(e, token);
    expect(pages).toEqual([['999', '1000'], ['10000']]);
    const first = await call(e, 'GET', movementsPath(C.main), { token });
    expect(first.body.debtor[1]).toMatchObject({ requestNo: '1000', statusCode: '2' });
  });

  it('follows the classifications: new suplementos appear, cancellations show as 66', async () => {
    const { e, token } = await open();
    const created = await call(e, 'POST', classificationsPath(C.main), { token, json: classificationBody() });
    const inProgress = await call(e, 'POST', classificationsPath(C.main), {
      token,
      json: classificationBody({ taxCode: 'B00000026', customerReference: 'C-WAIT' }),
    });
    expect(inProgress.body.debtor.statusCode).toBe('1');
    await call(e, 'POST', classificationOpPath(C.main, 'cancel'), { token, json: { endorsementNo: '5000005' } });
    const r = await call(e, 'GET', movementsPath(C.main), { token });
    const ends = r.body.debtor.map((d: { endorsementNo: string }) => d.endorsementNo);
    expect(ends).toEqual([...ALL, created.body.debtor.endorsementNo]);
    expect(r.body.debtor[2]).toMatchObject({ endorsementNo: '5000005', statusCode: '66', cancellationDate: '20260515' });
  });

  it('validates the query (GEN009) and applies the gateway checks', async () => {
    const { e, token } = await open();
    for (const q of ['?languageCode=Spanish', '?languageCode=E1', '?nextEndorsementNo=a%20b']) {
      const r = await call(e, 'GET', movementsPath(C.main, q), { token });
      expect(r.status).toBe(400);
      expect(r.body.error.errorCode).toBe('GEN009');
      expect(r.body.error.errorDescription).toMatch(/^No se ha podido procesar la solicitud: el campo '(languageCode|nextEndorsementNo)' no es válido/);
    }
    const noProduct = await getToken(e, APPS.noSales, 'read');
    expect((await call(e, 'GET', movementsPath(C.main), { token: noProduct })).body.moreInformation).toBe(
      'The application is not subscribed to the product for this API.',
    );
    const createOnly = await getToken(e, APPS.createOnly, 'create');
    expect((await call(e, 'GET', movementsPath(C.main), { token: createOnly })).status).toBe(403);
    expect((await call(e, 'GET', movementsPath(C.foreign), { token })).body.error.errorCode).toBe('POL003');
    expect((await call(e, 'GET', movementsPath(C.expired), { token })).body.error.errorCode).toBe('POL005');
    expect((await call(e, 'POST', movementsPath(C.main), { token, json: {} })).status).toBe(405);
  });
});
