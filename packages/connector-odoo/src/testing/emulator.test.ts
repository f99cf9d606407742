import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErpError } from '@cesce-connect/core';
import { OdooXmlRpcTransport } from '../transport/xmlrpc-transport.js';
import type { XmlRpcValue } from '../transport/types.js';
import { fixtureDataset, FIXTURE } from '../__fixtures__/dataset.js';
import { loadOdooDataset, OdooDatasetError, startOdooEmulator, validateOdooDataset, type OdooEmulator } from './index.js';

let emulator: OdooEmulator;
let rpc: OdooXmlRpcTransport;
beforeAll(async () => {
  emulator = await startOdooEmulator({ dataset: fixtureDataset() });
  rpc = new OdooXmlRpcTransport({ url: emulator.url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password });
  await rpc.authenticate();
});
afterAll(async () => {
  rpc.close();
  await emulator.close();
});

const all = { context: { active_test: false } };
const search = (model: string, domain: XmlRpcValue[], kwargs: Record<string, XmlRpcValue> = {}) =>
  rpc.executeKw<number[]>(model, 'search', [domain], { order: 'id asc', ...kwargs });

async function postRaw(path: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
  return { status: res.status, text: await res.text() };
}

const executeKwXml = (model: string, method: string, args: string, kwargs = '<struct></struct>') =>
  `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>` +
  `<param><value><string>${FIXTURE.database}</string></value></param><param><value><int>2</int></value></param>` +
  `<param><value><string>${FIXTURE.password}</string></value></param><param><value><string>${model}</string></value></param>` +
  `<param><value><string>${method}</string></value></param><param><value>${args}</value></param><param><value>${kwargs}</value></param>` +
  `</params></methodCall>`;

describe('wire format', () => {
  test('floats are doubles (even whole ones), empty values are false, never nil; many2one is [id, name]', async () => {
    const { status, text } = await postRaw(
      '/xmlrpc/2/object',
      executeKwXml(
        'account.move',
        'read',
        '<array><data><value><array><data><value><int>101</int></value></data></array></value></data></array>',
        '<struct><member><name>fields</name><value><array><data><value><string>amount_total</string></value><value><string>invoice_origin</string></value><value><string>partner_id</string></value><value><string>invoice_date</string></value></data></array></value></member></struct>',
      ),
    );
    expect(status).toBe(200);
    expect(text).toContain('<name>amount_total</name>\n<value><double>1210.0</double></value>');
    expect(text).toContain('<name>invoice_origin</name>\n<value><boolean>0</boolean></value>');
    expect(text).toContain('<value><string>2026-09-01</string></value>');
    expect(text).toMatch(/<name>partner_id<\/name>\n<value><array><data>\n<value><int>10<\/int><\/value>\n<value><string>Alfa Construcciones SL<\/string><\/value>/);
    expect(text).not.toContain('<nil');
  });

  test('a fault is a struct with an int faultCode and HTTP 200', async () => {
    const { status, text } = await postRaw('/xmlrpc/2/object', executeKwXml('x.model', 'search', '<array><data></data></array>'));
    expect(status).toBe(200);
    expect(text).toContain('<name>faultCode</name>\n<value><int>1</int></value>');
    expect(text).toContain("KeyError: &apos;x.model&apos;".replace(/&apos;/g, "'"));
  });

  test('other paths answer HTML like a web server would', async () => {
    const res = await fetch(`${emulator.url}/web/login`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Odoo</title>');
    const missing = await fetch(`${emulator.url}/xmlrpc/object`, { method: 'POST', body: '' });
    expect(missing.status).toBe(404);
    const get = await fetch(`${emulator.url}/xmlrpc/2/object`);
    expect(get.status).toBe(405);
  });
});

describe('common service', () => {
  test('login() works like authenticate()', async () => {
    const r = await postRaw(
      '/xmlrpc/2/common',
      `<?xml version="1.0"?><methodCall><methodName>login</methodName><params><param><value>${FIXTURE.database}</value></param><param><value>${FIXTURE.login}</value></param><param><value>${FIXTURE.password}</value></param></params></methodCall>`,
    );
    expect(r.text).toContain('<value><int>2</int></value>');
  });
});

describe('domains', () => {
  test.each<[string, XmlRpcValue[], number[]]>([
    ['= and implicit &', [['is_company', '=', true], ['customer_rank', '>', 1]], [10, 13, 19]],
    ['= false', [['vat', '=', false], ['id', '>', 2]], [15]],
    ['!= false', [['parent_id', '!=', false]], [11, 12]],
    ['| prefix', ['|', ['id', '=', 10], ['id', '=', 13]], [10, 13]],
    ['! prefix', ['!', ['id', '>', 11]], [1, 2, 10, 11]],
    ['nested & |', ['&', '|', ['id', '=', 10], ['id', '=', 13], ['city', '=', 'Madrid']], [13]],
    ['in with false', [['company_id', 'in', [false, 2]], ['customer_rank', '>=', 2]], [10, 19]],
    ['not in keeps nulls', [['company_id', 'not in', [1]], ['id', '<', 12]], [2, 10, 11]],
    ['ilike on name', [['name', 'ilike', 'construcc']], [10]],
    ['ilike on display_name', [['display_name', 'ilike', 'construcc']], [10, 11, 12]],
    ['like is case-sensitive', [['name', 'like', 'construcc']], []],
    ['not ilike includes empty', [['ref', 'not ilike', 'ALFA'], ['id', '<', 12]], [1, 2, 11]],
    ['=like pattern', [['name', '=like', 'Cliente Relleno 0_ SL']], [30, 31, 32, 33, 34, 35, 36, 37, 38]],
    ['=ilike pattern', [['vat', '=ilike', 'es%'], ['id', '<', 20]], [1, 10, 11, 12]],
    ['dotted many2one path', [['country_id.code', '=', 'FR']], [17]],
    ['two-level path', [['parent_id.country_id.code', '=', 'ES']], [11, 12]],
    ['many2one by name', [['country_id', '=', 'Portugal']], [21]],
    ['child_of', [['id', 'child_of', 10]], [10, 11, 12]],
    ['one2many any', [['child_ids', 'in', [12]]], [10]],
    ['one2many empty', [['child_ids', '=', false], ['id', 'in', [10, 13]]], [13]],
    ['mentioning active disables active_test', [['active', '=', false]], [14]],
    ['TRUE_LEAF', [[1, '=', 1], ['id', '=', 10]], [10]],
    ['=? with false is ignored', [['ref', '=?', false], ['id', '=', 10]], [10]],
  ])('res.partner: %s', async (_label, domain, expected) => {
    expect(await search('res.partner', domain)).toEqual(expected);
  });

  test.each<[string, XmlRpcValue[], number[]]>([
    ['dates compare as dates', [['invoice_date', '>=', '2026-10-11']], [123, 124]],
    ['datetimes compare with a date', [['write_date', '<', '2026-10-01']], [102]],
    ['dotted path through the commercial partner', [['commercial_partner_id.customer_rank', '=', 0], ['state', '=', 'posted']], [109, 111]],
    ['selection in', [['move_type', 'in', ['out_refund']]], [103, 104]],
  ])('account.move: %s', async (_label, domain, expected) => {
    expect(await search('account.move', domain)).toEqual(expected);
  });

  test('archived records are hidden unless active_test is false', async () => {
    expect(await search('res.partner', [['id', '=', 14]])).toEqual([]);
    expect(await search('res.partner', [['id', '=', 14]], all)).toEqual([14]);
    expect(await rpc.executeKw('res.partner', 'read', [[14], ['name', 'active']])).toEqual([{ id: 14, name: 'Gamma Archivada SL', active: false }]);
  });

  test('record rules: another company is invisible with allowed_company_ids [1]', async () => {
    const ctx = { context: { allowed_company_ids: [1] } };
    expect(await search('res.partner', [['id', 'in', [2, 19, 10]]], ctx)).toEqual([10]);
    expect(await search('res.partner', [['id', 'in', [2, 19, 10]]])).toEqual([2, 10, 19]);
    await expect(rpc.executeKw('res.partner', 'read', [[19], ['name']], ctx)).rejects.toMatchObject({ kind: 'access' });
  });

  test.each<[string, XmlRpcValue[]]>([
    ['bad operator', [['id', 'equals', 1]]],
    ['dangling &', ['&', ['id', '=', 1]]],
    ['not a list', ['id']],
  ])('%s → server fault', async (_label, domain) => {
    const err = (await search('res.partner', domain).catch((e: unknown) => e)) as ErpError;
    expect(err).toBeInstanceOf(ErpError);
    expect(err.kind).toBe('server');
    expect(err.message).toMatch(/^ValueError: /);
  });
});

describe('search, read and write', () => {
  test('order, offset and limit', async () => {
    const moves = await rpc.executeKw<{ id: number; invoice_date: string }[]>('account.move', 'search_read', [[['move_type', '=', 'out_invoice'], ['state', '=', 'posted'], ['company_id', '=', 1]]], {
      fields: ['invoice_date'],
      order: 'invoice_date desc, id asc',
      offset: 1,
      limit: 3,
    });
    expect(moves.map((m) => m.id)).toEqual([123, 122, 121]);
    const byWriteDate = await rpc.executeKw<{ id: number }[]>('account.move', 'search_read', [[['id', 'in', [101, 102, 103]]]], {
      fields: ['write_date'],
      order: 'write_date asc, id asc',
    });
    expect(byWriteDate.map((m) => m.id)).toEqual([102, 101, 103]);
    await expect(rpc.executeKw('account.move', 'search', [[]], { order: 'id; drop table' })).rejects.toMatchObject({ kind: 'server' });
  });

  test('default order follows the model (_order) and search_count counts', async () => {
    const ids = await rpc.executeKw<number[]>('res.currency', 'search', [[]]);
    expect(ids).toEqual([1, 25, 2]);
    expect(await rpc.executeKw('res.currency', 'search_count', [[]])).toBe(3);
    expect(await rpc.executeKw('res.partner', 'search_count', [[['customer_rank', '>', 0]]], { limit: 2 })).toBe(2);
  });

  test('read with load=None returns bare many2one ids; display names and commercial partners are computed', async () => {
    const [bare] = await rpc.executeKw<Record<string, unknown>[]>('res.partner', 'read', [[12]], { fields: ['parent_id', 'commercial_partner_id'], load: null });
    expect(bare).toEqual({ id: 12, parent_id: 10, commercial_partner_id: 10 });
    const rows = await rpc.executeKw<Record<string, unknown>[]>('res.partner', 'read', [[11, 12]], { fields: ['display_name', 'commercial_partner_id', 'country_code'] });
    expect(rows).toEqual([
      { id: 11, display_name: 'Alfa Construcciones SL, Ana García', commercial_partner_id: [10, 'Alfa Construcciones SL'], country_code: 'ES' },
      { id: 12, display_name: 'Alfa Construcciones SL, Invoice Address', commercial_partner_id: [10, 'Alfa Construcciones SL'], country_code: 'ES' },
    ]);
    const [move] = await rpc.executeKw<Record<string, unknown>[]>('account.move', 'read', [[102, 105]], { fields: ['display_name', 'commercial_partner_id'] });
    expect(move).toEqual({ id: 102, display_name: 'INV/2026/00002', commercial_partner_id: [10, 'Alfa Construcciones SL'] });
    const drafts = await rpc.executeKw<Record<string, unknown>[]>('account.move', 'read', [[105, 101]], { fields: ['display_name'] });
    expect(drafts).toEqual([
      { id: 105, display_name: 'Draft Invoice (* 105)' },
      { id: 101, display_name: 'INV/2026/00001 (PO-778)' },
    ]);
  });

  test('write stores values, bumps write_date (UTC) and returns true', async () => {
    const before = new Date().toISOString().slice(0, 19).replace('T', ' ');
    await expect(rpc.executeKw('res.partner', 'write', [[13], { x_cesce_status: 'Clasificado', x_cesce_granted_limit: 45000.5 }])).resolves.toBe(true);
    const rec = emulator.records('res.partner').find((r) => r.id === 13)!;
    expect(rec).toMatchObject({ x_cesce_status: 'Clasificado', x_cesce_granted_limit: 45000.5 });
    expect(String(rec.write_date) >= before).toBe(true);
    expect(rec.write_date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    await expect(rpc.executeKw('res.partner', 'write', [[13], { foo: 1 }])).rejects.toMatchObject({ kind: 'server', message: "ValueError: Invalid field 'foo' on model 'res.partner'" });
    await expect(rpc.executeKw('res.partner', 'write', [[13], { customer_rank: 'x' }])).rejects.toMatchObject({ kind: 'server' });
  });

  test('fields_get filters attributes and includes custom fields', async () => {
    const f = await rpc.executeKw<Record<string, Record<string, unknown>>>('res.partner', 'fields_get', [], { attributes: ['type', 'relation'] });
    expect(f.x_cesce_requested_limit).toEqual({ type: 'float' });
    expect(f.country_id).toEqual({ type: 'many2one', relation: 'res.country' });
    const sel = await rpc.executeKw<Record<string, Record<string, unknown>>>('account.move', 'fields_get', [['move_type']], { attributes: ['type', 'string'] });
    expect(sel).toEqual({ move_type: { type: 'selection', string: 'Type' } });
  });

  test.each([
    ['_private', 'access', /Private methods/],
    ['unlink', 'server', /NotImplementedError/],
  ])('%s → %s fault', async (method, kind, message) => {
    await expect(rpc.executeKw('res.partner', method, [[]])).rejects.toMatchObject({ kind, message: expect.stringMatching(message) });
  });

  test('unexpected keyword arguments are refused like Python would', async () => {
    await expect(rpc.executeKw('res.partner', 'search', [[]], { fields: ['name'] })).rejects.toMatchObject({
      kind: 'server',
      message: "TypeError: res.partner.search() got an unexpected keyword argument 'fields'",
    });
  });

  test('every call is logged', async () => {
    emulator.calls.length = 0;
    await rpc.executeKw('res.country', 'search_count', [[]], { context: { lang: 'es_ES' } });
    expect(emulator.calls).toEqual([{ service: 'object', method: 'search_count', model: 'res.country', args: [[]], kwargs: { context: { lang: 'es_ES' } }, protocol: 'xmlrpc' }]);
  });
});

describe('datasets', () => {
  test('loadOdooDataset reads a file; startOdooEmulator accepts dataFile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odoo-ds-'));
    const file = join(dir, 'ds.json');
    writeFileSync(file, JSON.stringify(fixtureDataset()));
    expect(loadOdooDataset(file).database).toBe(FIXTURE.database);
    const emu = await startOdooEmulator({ dataFile: file });
    expect(emu.records('res.currency')).toHaveLength(3);
    await emu.close();
  });

  test('invalid datasets are refused with the JSON path of each problem', () => {
    const ds = fixtureDataset();
    ds.records['res.partner']!.push({ id: 500, name: 'X', foo: 1, country_id: 4242, customer_rank: 'many' });
    ds.records['res.partner']!.push({ id: 500 });
    ds.records['x.model'] = [];
    ds.records['account.move']!.push({ id: 9001, name: 'INV/X', move_type: 'out_invoice', invoice_date: '2026-02-30' });
    let error: unknown;
    try {
      validateOdooDataset(ds, 'test.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OdooDatasetError);
    const issues = (error as OdooDatasetError).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\.records\["x\.model"\]: unknown model/),
        expect.stringMatching(/duplicate id 500/),
        expect.stringMatching(/\.foo: unknown field of res\.partner/),
        expect.stringMatching(/\.country_id: res\.country record 4242 does not exist/),
        expect.stringMatching(/\.customer_rank: expected an integer/),
        expect.stringMatching(/\.invoice_date: expected a real calendar date/),
      ]),
    );
  });
});
