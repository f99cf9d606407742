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
      version: '17.0 over JSON-RPC',
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
    expect(err.message).toContain("field 'x_cesce_status' (odoo.fields.classificationStatus) is missing on model res.partner: create it as a Char field");
    expect(err.message).toContain("field 'x_cesce_sale_ref' (odoo.fields.saleReference) is missing on model account.move");
    await s.close();
    await emu.close();
  });

  test('mapped field names are used and their types checked', async () => {
    const err = await failure(source({ fields: { requestedLimit: 'x_cesce_status' } }).connect());
    expect(err.message).toContain("field 'x_cesce_status' (odoo.fields.requestedLimit) on model res.partner is of type char; expected float or monetary or integer");
  });

  test("Odoo's own fields are refused as write-back targets (a slip would overwrite names, VATs, invoice numbers)", async () => {
    const err = await failure(source({ fields: { classificationStatus: 'name', endorsementNo: 'vat', saleReference: 'name', saleState: 'ref' } }).connect());
    expect(err.kind).toBe('validation');
    for (const [field, key, model] of [
      ['name', 'classificationStatus', 'res.partner'],
      ['vat', 'endorsementNo', 'res.partner'],
      ['name', 'saleReference', 'account.move'],
      ['ref', 'saleState', 'account.move'],
    ]) {
      expect(err.message).toContain(`field '${field}' (odoo.fields.${key}) on model ${model} is one of Odoo's own fields`);
    }
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
    // Keyset pages only: the origin of RINV/2026/00001 (INV/2026/00001) was read in an earlier
    // page, and the reversal field is the plain inverse of reversed_entry_id (fields_get says so),
    // so it cannot link RINV/2026/00002 (id 104) and is not queried.
    const pages = reads.filter((c) => JSON.stringify(c.args[0]).includes('"posted"'));
    expect(pages).toHaveLength(3);
    expect(reads.filter((c) => !pages.includes(c))).toEqual([]);
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

async function withEmulator<T>(ds: OdooDataset, run: (emu: OdooEmulator) => Promise<T>): Promise<T> {
  const emu = await startOdooEmulator({ dataset: ds });
  try {
    return await run(emu);
  } finally {
    await emu.close();
  }
}

function sourceOn(emu: OdooEmulator, overrides: Partial<OdooConnectorConfig> = {}) {
  return createOdooSource({ url: emu.url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password, companyId: 1, pageSize: 7, ...overrides });
}

describe('protocols and companies', () => {
  test.each([
    ['xmlrpc', '17.0', FIXTURE.password],
    ['jsonrpc', '17.0', FIXTURE.password],
    ['json2', '19.0', FIXTURE.apiKey],
    ['auto', '19.0', FIXTURE.apiKey],
  ] as const)('%s on Odoo %s: one company per run, allowed_company_ids in every call, company_id in every move domain', async (protocol, version, password) => {
    await withEmulator(fixtureDataset(version), async (emu) => {
      for (const companyId of [1, 2]) {
        emu.calls.length = 0;
        const s = sourceOn(emu, { protocol, password, companyId });
        await s.connect();
        expect(s.connection!.protocol).toBe(protocol === 'auto' ? 'json2' : protocol);
        const docs = await collect(s.documents());
        const numbers = docs.map((d) => d.number);
        if (companyId === 1) {
          expect(numbers).toContain('INV/2026/00001');
          expect(numbers).not.toContain('B2/2026/00001');
        } else {
          expect(numbers).toEqual(['B2/2026/00001']);
        }
        await collect(s.debtors());
        expect((await collect(s.documentsByIds(['101', '110']))).map((d) => d.erpId)).toEqual([companyId === 1 ? '101' : '110']);
        // Authentication (whose key is this, and its login) happens before any company is chosen.
        const objectCalls = emu.calls.filter((c) => c.service === 'object' && c.method !== 'context_get' && !(c.model === 'res.users' && c.method === 'read'));
        expect(objectCalls.length).toBeGreaterThan(5);
        for (const c of objectCalls) {
          expect(c.protocol).toBe(protocol === 'auto' ? 'json2' : protocol);
          expect(c.kwargs?.context, `${c.model}.${c.method}`).toMatchObject({ allowed_company_ids: [companyId] });
        }
        for (const c of objectCalls.filter((c) => c.model === 'account.move' && c.method === 'search_read')) {
          const domain = protocol === 'json2' || protocol === 'auto' ? c.kwargs!.domain : c.args[0];
          expect(JSON.stringify(domain)).toContain(`["company_id","=",${companyId}]`);
        }
        await s.close();
      }
    });
  });

  test('a company the user cannot access is a clear error on JSON-RPC and JSON-2 too', async () => {
    for (const [protocol, version] of [['jsonrpc', '17.0'], ['json2', '19.0']] as const) {
      const ds = fixtureDataset(version);
      ds.users.find((u) => u.login === FIXTURE.otherLogin)!.apiKeys = ['other-api-key-0123456789'];
      await withEmulator(ds, async (emu) => {
        const password = protocol === 'json2' ? 'other-api-key-0123456789' : FIXTURE.otherPassword;
        const err = await failure(sourceOn(emu, { protocol, username: FIXTURE.otherLogin, password }).connect());
        expect(err.kind).toBe('access');
        expect(err.message).toContain(`Odoo user ${FIXTURE.otherLogin} cannot use company 1 on database ${FIXTURE.database}`);
        expect(err.message).not.toContain(password);
      });
    }
  });
});

describe('the protocol in the description', () => {
  test('Odoo 19 auto-detects JSON-2; forcing JSON-RPC there says it is deprecated', async () => {
    await withEmulator(fixtureDataset('19.0'), async (emu) => {
      const auto = sourceOn(emu, { password: FIXTURE.apiKey });
      expect((await auto.connect()).version).toBe('19.0 over JSON-2');
      await auto.close();
      const legacy = sourceOn(emu, { password: FIXTURE.apiKey, protocol: 'jsonrpc' });
      expect((await legacy.connect()).version).toBe('19.0 over JSON-RPC (deprecated on Odoo 19+: use JSON-2)');
      await legacy.close();
    });
  });
});

describe('version differences, detected with fields_get', () => {
  test.each([
    ['14.0', 'reversal_move_id', false, false, 30],
    ['15.0', 'reversal_move_id', false, false, 30],
    ['16.0', 'reversal_move_id', true, true, 30],
    ['17.0', 'reversal_move_id', true, true, 30],
    ['18.0', 'reversal_move_ids', true, true, 30],
    ['19.0', 'reversal_move_ids', true, true, 30],
  ] as const)('Odoo %s: %s, credit_limit company-dependent %s, use_partner_credit_limit %s', async (version, reversalField, companyDependent, useField, alfaDays) => {
    await withEmulator(fixtureDataset(version), async (emu) => {
      const s = sourceOn(emu, { password: version === '19.0' ? FIXTURE.apiKey : FIXTURE.password });
      await s.connect();
      expect(s.connection).toMatchObject({ reversalField, creditLimit: { companyDependent, useField } });
      const alfa = (await collect(s.debtors())).find((d) => d.erpId === '10')!;
      expect(alfa.requestedPaymentTermDays).toBe(alfaDays);
      const docs = await collect(s.documents());
      expect(docs.find((d) => d.number === 'RINV/2026/00001')).toMatchObject({ originErpId: '101', originNumber: 'INV/2026/00001' });
      const unlinked = docs.find((d) => d.number === 'RINV/2026/00002')!;
      expect(unlinked.originErpId).toBeNull();
      expect(unlinked.issues).toEqual([
        expect.objectContaining({ record: 'account.move,104 RINV/2026/00002', field: 'reversed_entry_id', severity: 'blocking', message: expect.stringContaining(`no invoice lists it in ${reversalField}`) }),
      ]);
      await s.close();
    });
  });

  test('writeNativeCreditLimit on 16+ writes credit_limit for the run company only, and switches use_partner_credit_limit on', async () => {
    await withEmulator(fixtureDataset('16.0'), async (emu) => {
      const s = sourceOn(emu, { writeNativeCreditLimit: true });
      await s.writeClassification({ debtorErpId: '10', state: 'classified', stateLabel: 'Clasificado', grantedLimit: { currency: 'EUR', amount: '45000.10' }, endorsementNo: 'E-1' });
      const write = emu.calls.find((c) => c.method === 'write')!;
      expect(write.kwargs).toMatchObject({ context: { allowed_company_ids: [1] } });
      expect(JSON.stringify(write)).toContain('"use_partner_credit_limit":true');
      const stored = emu.records('res.partner').find((r) => r.id === 10)!.credit_limit as Record<string, unknown>;
      expect(stored['1']).toBe(45000.1);
      expect(stored['2']).not.toBe(45000.1);
      await s.close();
    });
  });

  test('writeNativeCreditLimit on 15 writes the plain credit_limit', async () => {
    await withEmulator(fixtureDataset('15.0'), async (emu) => {
      const s = sourceOn(emu, { writeNativeCreditLimit: true });
      await s.writeClassification({ debtorErpId: '10', state: 'classified', stateLabel: 'Clasificado', grantedLimit: { currency: 'EUR', amount: '1000.00' }, endorsementNo: null });
      expect(emu.records('res.partner').find((r) => r.id === 10)).toMatchObject({ credit_limit: 1000, x_cesce_granted_limit: 1000 });
      expect(JSON.stringify(emu.calls.find((c) => c.method === 'write'))).not.toContain('use_partner_credit_limit');
      await s.close();
    });
  });

  test('without writeNativeCreditLimit the native credit_limit is never written', async () => {
    const s = source();
    await s.writeClassification({ debtorErpId: '10', state: 'classified', stateLabel: 'Clasificado', grantedLimit: { currency: 'EUR', amount: '1000.00' }, endorsementNo: null });
    expect(JSON.stringify(emulator.calls.find((c) => c.method === 'write'))).not.toContain('credit_limit"');
    await s.close();
  });
});

const REJECTION = {
  httpStatus: 400,
  kbId: 'cesce-400-contract-format',
  message: 'El importe <total> & "divisa" no son válidos',
  cause: { es: 'La divisa no está cubierta por la póliza.', en: 'The currency is not covered by the policy.' },
  fix: { es: 'Declare la venta en EUR.', en: 'Declare the sale in EUR.' },
};

describe('write-back of declaration states and rejections', () => {
  test('a declared sale writes its reference and the state', async () => {
    const s = source();
    await s.writeSale({ documentErpId: '101', state: 'declared', saleCesceReferenceNo: 'S-1' });
    expect(emulator.records('account.move').find((r) => r.id === 101)).toMatchObject({ x_cesce_sale_ref: 'S-1', x_cesce_sale_state: 'declared' });
    expect(emulator.records('mail.message')).toHaveLength(0);
    await s.close();
  });

  test('a rejected sale writes the state and posts an escaped bilingual note on the invoice chatter', async () => {
    const s = source();
    await s.writeSale({ documentErpId: '102', state: 'rejected', saleCesceReferenceNo: null, rejection: REJECTION });
    expect(emulator.records('account.move').find((r) => r.id === 102)).toMatchObject({ x_cesce_sale_ref: false, x_cesce_sale_state: 'rejected' });
    const post = emulator.calls.find((c) => c.method === 'message_post')!;
    expect(post).toMatchObject({ model: 'account.move', kwargs: { message_type: 'comment', subtype_xmlid: 'mail.mt_note', context: { allowed_company_ids: [1] } } });
    const body = String(post.kwargs!.body);
    expect(body).toContain('El importe &lt;total&gt; &amp; &quot;divisa&quot; no son válidos');
    expect(body).not.toContain('<total>');
    for (const text of ['cesce-400-contract-format', 'HTTP 400', REJECTION.cause.es, REJECTION.cause.en, REJECTION.fix.es, REJECTION.fix.en]) expect(body).toContain(text);
    const [message] = emulator.records('mail.message');
    expect(message).toMatchObject({ model: 'account.move', res_id: 102, message_type: 'comment' });
    // Odoo 17 stores it as the HTML that was sent (body_is_html), not as escaped tags.
    expect(message!.body).toBe(body);
    expect(String(message!.body)).not.toContain('&lt;p&gt;');
    await s.close();
  });

  test('on Odoo 16 (which escapes string bodies) the note is plain text', async () => {
    await withEmulator(fixtureDataset('16.0'), async (emu) => {
      const s = sourceOn(emu);
      await s.writeSale({ documentErpId: '102', state: 'rejected', saleCesceReferenceNo: null, rejection: REJECTION });
      const post = emu.calls.find((c) => c.method === 'message_post')!;
      expect(post.kwargs).not.toHaveProperty('body_is_html');
      expect(String(post.kwargs!.body)).toContain('El importe <total> & "divisa" no son válidos');
      expect(String(post.kwargs!.body)).not.toContain('<p>');
      // Stored escaped, one line per line of the note.
      const stored = String(emu.records('mail.message')[0]!.body);
      expect(stored).toContain('El importe &lt;total&gt; &amp;');
      expect(stored).toContain('<br>');
      await s.close();
    });
  });

  test('a rejected classification writes the status, keeps the granted limit, and posts on the partner', async () => {
    const s = source();
    await s.writeClassification({ debtorErpId: '10', state: 'classified', stateLabel: 'Clasificado', grantedLimit: { currency: 'EUR', amount: '5000.00' }, endorsementNo: 'E-9' });
    await s.writeClassification({ debtorErpId: '10', state: 'rejected', stateLabel: 'Rechazada', grantedLimit: null, endorsementNo: null, rejection: REJECTION });
    expect(emulator.records('res.partner').find((r) => r.id === 10)).toMatchObject({ x_cesce_status: 'Rechazada', x_cesce_granted_limit: 5000, x_cesce_endorsement_no: 'E-9' });
    const [message] = emulator.records('mail.message');
    expect(message).toMatchObject({ model: 'res.partner', res_id: 10 });
    await s.close();
  });

  test('the sale state field is required, and named with the setup command', async () => {
    const ds = fixtureDataset();
    delete ds.customFields!['account.move']!.x_cesce_sale_state;
    await withEmulator(ds, async (emu) => {
      const err = await failure(sourceOn(emu).connect());
      expect(err.message).toContain("field 'x_cesce_sale_state' (odoo.fields.saleState) is missing on model account.move: create it as a Char field");
      expect(err.hint).toContain('cesce odoo setup');
    });
  });
});

describe('OCA partner_risk_insurance preset', () => {
  const oca = () => ({ ...fixtureDataset(), modules: ['partner_risk_insurance'] });

  test.each(['oca', 'auto'] as const)("fieldsPreset '%s' writes the granted limit and endorsement into the OCA fields", async (preset) => {
    await withEmulator(oca(), async (emu) => {
      const s = sourceOn(emu, { fieldsPreset: preset });
      await s.writeClassification({ debtorErpId: '10', state: 'classified', stateLabel: 'Clasificado', grantedLimit: { currency: 'EUR', amount: '7000.00' }, endorsementNo: 'E-7' });
      expect(s.connection!.preset).toBe('oca');
      expect(s.fields).toMatchObject({ grantedLimit: 'insurance_credit_limit', endorsementNo: 'risk_insurance_code', classificationStatus: 'x_cesce_status' });
      const rec = emu.records('res.partner').find((r) => r.id === 10)!;
      expect(rec).toMatchObject({ insurance_credit_limit: 7000, risk_insurance_code: 'E-7', x_cesce_status: 'Clasificado' });
      expect(rec.x_cesce_granted_limit ?? false).toBe(false);
      await s.close();
    });
  });

  test("fieldsPreset 'auto' without the module keeps the x_cesce fields; 'oca' without it is an error", async () => {
    const s = source({ fieldsPreset: 'auto' });
    await s.connect();
    expect(s.connection!.preset).toBe('x_cesce');
    await s.close();
    const err = await failure(source({ fieldsPreset: 'oca' }).connect());
    expect(err.message).toContain("odoo.fieldsPreset 'oca' needs the OCA module partner_risk_insurance installed");
    expect(err.message).not.toContain('create it as');
  });
});
