import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ErpError, ValidationError, type Debtor, type SaleDocument } from '@cesce-connect/core';
import { fixtureDataset, FIXTURE } from './__fixtures__/dataset.js';
import { startOdooEmulator, type OdooDataset, type OdooEmulator } from './testing/index.js';
import { createOdooSource } from './source.js';
import type { OdooConnectorConfig } from './config.js';

let emulator: OdooEmulator;
let dataset: OdooDataset;
beforeEach(async () => {
  dataset = fixtureDataset();
  emulator = await startOdooEmulator({ dataset });
});
afterEach(async () => {
  await emulator.close();
});

function source(overrides: Partial<OdooConnectorConfig> = {}) {
  return createOdooSource({
    url: emulator.url,
    database: FIXTURE.database,
    username: FIXTURE.login,
    password: FIXTURE.password,
    companyId: 1,
    pageSize: 7,
    ...overrides,
  });
}

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
  test('describes the server and the company', async () => {
    const s = source();
    await expect(s.connect()).resolves.toEqual({
      system: 'odoo',
      version: '17.0',
      company: { id: '1', name: 'Industrias Test SL', taxCode: 'B65410011', currency: 'EUR' },
      url: emulator.url,
    });
    expect(s.connection).toMatchObject({ uid: 2, partnerHasCountryCode: true, partnerHasPaymentTerm: true });
    await s.close();
  });

  test('reads the company with allowed_company_ids = [companyId]', async () => {
    const s = source();
    await s.connect();
    const read = emulator.calls.find((c) => c.model === 'res.company');
    expect(read).toMatchObject({ method: 'read', args: [[1]], kwargs: { context: { allowed_company_ids: [1] } } });
    await s.close();
  });

  test('a company the user cannot use → access error naming user, company and database', async () => {
    const s = source({ username: FIXTURE.otherLogin, password: FIXTURE.otherPassword });
    const err = await failure(s.connect());
    expect(err.kind).toBe('access');
    expect(err.message).toContain(`Odoo user ${FIXTURE.otherLogin} cannot use company 1 on database ${FIXTURE.database}`);
    expect(err.message).toContain('Access to unauthorized or invalid companies.');
    await s.close();
  });

  test('bad credentials → access-denied', async () => {
    const err = await failure(source({ password: 'nope-nope' }).connect());
    expect(err.kind).toBe('access-denied');
    expect(err.message).toContain('Odoo login failed');
  });

  test('missing custom fields are named with their model', async () => {
    const ds = fixtureDataset();
    delete ds.customFields!['res.partner']!.x_cesce_status;
    delete ds.customFields!['account.move']!.x_cesce_sale_ref;
    const emu = await startOdooEmulator({ dataset: ds });
    const s = createOdooSource({ url: emu.url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password, companyId: 1 });
    const err = await failure(s.connect());
    expect(err.kind).toBe('validation');
    expect(err.message).toContain("field 'x_cesce_status' (fields.classificationStatus) is missing on model res.partner: create it as a Char field");
    expect(err.message).toContain("field 'x_cesce_sale_ref' (fields.saleReference) is missing on model account.move");
    await s.close();
    await emu.close();
  });

  test('mapped field names are used and their types checked', async () => {
    const err = await failure(source({ fields: { requestedLimit: 'x_cesce_status' } }).connect());
    expect(err.message).toContain("field 'x_cesce_status' (fields.requestedLimit) on model res.partner is of type char; expected float or monetary or integer");
  });

  test.each([
    [{ companyId: 0 }, 'companyId'],
    [{ pageSize: -1 }, 'pageSize'],
  ])('config %j is refused', (bad, field) => {
    expect(() => source(bad)).toThrow(ValidationError);
    expect(() => source(bad)).toThrow(field);
  });
});

describe('debtors', () => {
  test('all commercial customers of the company, archived ones included, by keyset pages of 7 without duplicates', async () => {
    const s = source();
    const debtors = await collect(s.debtors());
    const ids = debtors.map((d) => Number(d.erpId));
    expect(new Set(ids).size).toBe(ids.length);
    // 10..17 minus contacts 11/12, 18 (supplier), 19 (company 2), 20 (rank 0 but invoiced, read last).
    expect(ids).toEqual([10, 13, 14, 15, 16, 17, 21, 22, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 20]);
    expect(debtors.find((d) => d.erpId === '14')).toMatchObject({ active: false, taxCode: 'B46123451' });
    const pages = emulator.calls.filter((c) => c.model === 'res.partner' && c.method === 'search_read');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const call of pages) {
      expect(call.kwargs).toMatchObject({ order: 'id asc', context: { active_test: false, allowed_company_ids: [1] } });
      expect(call.kwargs).not.toHaveProperty('offset');
    }
    expect(pages[0]!.kwargs!.limit).toBe(7);
    const domains = pages.slice(0, 3).map((c) => JSON.stringify((c.args[0] as unknown[]).at(-1)));
    expect(domains).toEqual(['["id",">",0]', '["id",">",21]', '["id",">",35]']);
    await s.close();
  });

  test('mapping on the wire: blocked VATs, requested limits, payment terms', async () => {
    const s = source({ pageSize: 200 });
    const byId = new Map((await collect(s.debtors())).map((d) => [d.erpId, d] as [string, Debtor]));
    expect(byId.get('10')).toMatchObject({
      taxCode: 'B12345674',
      customerReference: 'C-ALFA',
      requestedCreditLimit: { currency: 'EUR', amount: '60000.00' },
      requestedPaymentTermDays: 30,
      address: { state: 'V', postalCode: '46001' },
    });
    expect(byId.get('13')!.requestedCreditLimit).toEqual({ currency: 'EUR', amount: '1234.57' });
    expect(byId.get('13')!.address.street).toBeNull();
    expect(byId.get('15')!.issues).toEqual([{ record: 'res.partner,15 Delta Sin NIF SL', field: 'vat', message: 'no tax id (VAT) is set', severity: 'blocking' }]);
    expect(byId.get('16')!.issues[0]!.message).toMatch(/wrong check character/);
    expect(byId.get('21')).toMatchObject({ countryCode: 'PT', taxCode: '501964843', requestedPaymentTermDays: 60 });
    await s.close();
  });

  test('company filter: company 2 sees its own customers and the shared ones, never company 1 ones', async () => {
    const s = source({ companyId: 2 });
    const ids = (await collect(s.debtors())).map((d) => Number(d.erpId));
    expect(ids).toContain(19);
    expect(ids).not.toContain(13);
    expect(ids).toContain(10);
    await s.close();
  });
});

describe('documents', () => {
  test('posted customer invoices and credit notes of the company only, by keyset pages', async () => {
    const s = source();
    const docs = await collect(s.documents());
    const ids = docs.map((d) => Number(d.erpId));
    expect(new Set(ids).size).toBe(ids.length);
    // excluded: 105 draft, 106 cancelled, 110 company 2, 111 vendor bill
    expect(ids).toEqual([101, 102, 103, 104, 107, 108, 109, 112, ...Array.from({ length: 12 }, (_, i) => 113 + i)]);
    const byId = new Map(docs.map((d) => [d.erpId, d] as [string, SaleDocument]));
    expect(byId.get('103')).toMatchObject({ kind: 'credit_note', originErpId: '101', originNumber: 'INV/2026/00001', debtorErpId: '10' });
    expect(byId.get('102')).toMatchObject({ debtorErpId: '10', total: { currency: 'EUR', amount: '0.30' } });
    expect(byId.get('108')!.total).toEqual({ currency: 'USD', amount: '2500.50' });
    expect(byId.get('109')!.total).toEqual({ currency: 'JPY', amount: '100000' });
    const reads = emulator.calls.filter((c) => c.model === 'account.move' && c.method === 'search_read');
    // Keyset pages, plus one look-up of credit-note origin names (within the company).
    const pages = reads.filter((c) => JSON.stringify(c.args[0]).includes('"move_type"'));
    expect(pages).toHaveLength(3);
    expect(reads.filter((c) => !pages.includes(c)).map((c) => c.args[0])).toEqual([[['id', 'in', [101]], ['company_id', '=', 1]]]);
    expect(pages[0]!.args[0]).toEqual([
      ['company_id', '=', 1],
      ['move_type', 'in', ['out_invoice', 'out_refund']],
      ['state', '=', 'posted'],
      ['id', '>', 0],
    ]);
    expect(emulator.calls.filter((c) => c.model === 'res.currency')).toHaveLength(2);
    await s.close();
  });

  test('a credit note whose origin is in another company is read, with the origin left for the engine to refuse', async () => {
    const ds = fixtureDataset();
    const moves = ds.records['account.move']!;
    const foreign = moves.find((m) => m.name === 'B2/2026/00001')!;
    moves.push({
      id: 9000,
      name: 'RINV/2026/09000',
      move_type: 'out_refund',
      partner_id: 10,
      commercial_partner_id: 10,
      company_id: 1,
      currency_id: 1,
      state: 'posted',
      invoice_date: '2026-10-20',
      invoice_date_due: '2026-10-20',
      amount_total: 10,
      reversed_entry_id: foreign.id,
      write_date: '2026-10-20 08:00:00',
    });
    const emu = await startOdooEmulator({ dataset: ds });
    try {
      const s = createOdooSource({ url: emu.url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password, companyId: 1, pageSize: 7 });
      const docs = await collect(s.documents());
      const note = docs.find((d) => d.number === 'RINV/2026/09000')!;
      expect(note.originErpId).toBe(String(foreign.id));
      expect(docs.some((d) => d.number === 'B2/2026/00001')).toBe(false);
      await s.close();
    } finally {
      await emu.close();
    }
  });

  test('fromDate filters on invoice_date', async () => {
    const s = source();
    const docs = await collect(s.documents({ fromDate: '2026-10-11' }));
    expect(docs.map((d) => d.number)).toEqual(['INV/2026/00018', 'INV/2026/00019']);
    await expect(collect(s.documents({ fromDate: '11/10/2026' }))).rejects.toThrow(ValidationError);
    await s.close();
  });
});

describe('write-back', () => {
  test('writeClassification writes status, granted limit and endorsement, visible in the emulator', async () => {
    const s = source();
    await s.writeClassification({
      debtorErpId: '10',
      state: 'classified',
      stateLabel: 'Clasificado',
      grantedLimit: { currency: 'EUR', amount: '45000.10' },
      endorsementNo: '2026001234',
    });
    const rec = emulator.records('res.partner').find((r) => r.id === 10)!;
    expect(rec).toMatchObject({ x_cesce_status: 'Clasificado', x_cesce_granted_limit: 45000.1, x_cesce_endorsement_no: '2026001234' });
    expect(rec.write_date).not.toBe(dataset.records['res.partner']!.find((r) => r.id === 10)!.write_date);
    const write = emulator.calls.find((c) => c.method === 'write')!;
    expect(write).toMatchObject({ model: 'res.partner', args: [[10], expect.any(Object)], kwargs: { context: { allowed_company_ids: [1] } } });

    await s.writeClassification({ debtorErpId: '10', state: 'denied', stateLabel: 'Denegado', grantedLimit: null, endorsementNo: null });
    expect(emulator.records('res.partner').find((r) => r.id === 10)).toMatchObject({ x_cesce_status: 'Denegado', x_cesce_granted_limit: false, x_cesce_endorsement_no: false });
    await s.close();
  });

  test('an archived partner can be written', async () => {
    const s = source();
    await s.writeClassification({ debtorErpId: '14', state: 'cancelled', stateLabel: 'Baja', grantedLimit: null, endorsementNo: null });
    expect(emulator.records('res.partner').find((r) => r.id === 14)).toMatchObject({ x_cesce_status: 'Baja', active: false });
    await s.close();
  });

  test('writeSale writes the sale reference on the invoice', async () => {
    const s = source();
    await s.writeSale({ documentErpId: '101', state: 'declared', saleCesceReferenceNo: 'S-000123' });
    expect(emulator.records('account.move').find((r) => r.id === 101)).toMatchObject({ x_cesce_sale_ref: 'S-000123' });
    await s.close();
  });

  test.each([
    ['a granted limit in another currency', () => ({ debtorErpId: '10', state: 'classified', stateLabel: 'Clasificado', grantedLimit: { currency: 'USD', amount: '1.00' }, endorsementNo: null }), /not in the company currency EUR/],
    ['a non-numeric id', () => ({ debtorErpId: 'abc', state: 'x', stateLabel: 'x', grantedLimit: null, endorsementNo: null }), /'abc' is not the id of an Odoo res.partner record/],
  ])('%s is refused', async (_label, update, message) => {
    const s = source();
    const err = await failure(s.writeClassification(update()));
    expect(err.kind).toBe('validation');
    expect(err.message).toMatch(message);
    await s.close();
  });

  test('a partner of another company cannot be written (record rule → access error)', async () => {
    const s = source();
    const err = await failure(s.writeClassification({ debtorErpId: '19', state: 'x', stateLabel: 'x', grantedLimit: null, endorsementNo: null }));
    expect(err.kind).toBe('access');
    await s.close();
  });
});
