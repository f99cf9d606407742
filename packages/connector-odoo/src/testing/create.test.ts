import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OdooXmlRpcTransport } from '../transport/xmlrpc-transport.js';
import { fixtureDataset, FIXTURE } from '../__fixtures__/dataset.js';
import { startOdooEmulator, type OdooDataset, type OdooEmulator } from './index.js';
import { OdooDispatcher } from './dispatch.js';
import { OdooOrm } from './orm.js';
import { validateOdooDataset } from './dataset.js';

type Row = Record<string, unknown>;

let emulator: OdooEmulator;
let rpc: OdooXmlRpcTransport;
beforeAll(async () => {
  const dataset: OdooDataset = { ...fixtureDataset(), modules: ['partner_risk_insurance'] };
  dataset.users = dataset.users.map((u) => (u.id === 2 ? { ...u, partnerId: 10 } : u));
  emulator = await startOdooEmulator({ dataset });
  emulator.setClock(() => '2026-11-30 10:00:00');
  rpc = new OdooXmlRpcTransport({ url: emulator.url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password });
  await rpc.authenticate();
});
afterAll(async () => {
  rpc.close();
  await emulator.close();
});

describe('create', () => {
  test('a dict gives an int id, a list gives ids; create_date and write_date come from the clock', async () => {
    const id = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'Nueva SL', is_company: true, vat: 'ESB12345674' }]);
    expect(typeof id).toBe('number');
    const ids = await rpc.executeKw<number[]>('res.partner', 'create', [[{ name: 'Uno SL' }, { name: 'Dos SL' }]]);
    expect(ids).toEqual([id + 1, id + 2]);
    const [row] = await rpc.executeKw<Row[]>('res.partner', 'read', [[id], ['name', 'vat', 'active', 'type', 'create_date', 'write_date']]);
    expect(row).toEqual({ id, name: 'Nueva SL', vat: 'ESB12345674', active: true, type: 'contact', create_date: '2026-11-30 10:00:00', write_date: '2026-11-30 10:00:00' });
  });

  test('the keyword is vals_list on 17 (vals on 14–16)', async () => {
    const id = await rpc.executeKw<number>('res.partner', 'create', [], { vals_list: { name: 'Kw SL' } });
    expect(typeof id).toBe('number');
    await expect(rpc.executeKw('res.partner', 'create', [], { vals: { name: 'Kw SL' } })).rejects.toMatchObject({
      kind: 'server',
      message: expect.stringMatching(/unexpected keyword argument 'vals'/),
    });
    const ds15 = validateOdooDataset(fixtureDataset('15.0'));
    const d = new OdooDispatcher(ds15, new OdooOrm(ds15));
    const newId = d.object('execute_kw', [FIXTURE.database, 2, FIXTURE.password, 'res.partner', 'create', [], { vals: { name: 'Quince SL' } }]);
    expect(typeof newId).toBe('number');
  });

  test('account.move gets its defaults; a contact without a name and a missing required field are ValidationErrors', async () => {
    const id = await rpc.executeKw<number>('account.move', 'create', [{ move_type: 'out_invoice', partner_id: 10 }], { context: { allowed_company_ids: [2] } });
    const [move] = await rpc.executeKw<Row[]>('account.move', 'read', [[id], ['state', 'company_id', 'currency_id', 'date']]);
    expect(move).toMatchObject({ state: 'draft', company_id: [2, 'Otra Empresa SA'], currency_id: [1, 'EUR'], date: '2026-11-30' });
    await expect(rpc.executeKw('res.partner', 'create', [{ is_company: true }])).rejects.toMatchObject({ kind: 'validation', message: expect.stringMatching(/Contacts require a name/) });
    await expect(rpc.executeKw('res.country', 'create', [{ name: 'Atlantis' }])).rejects.toMatchObject({
      kind: 'validation',
      message: expect.stringMatching(/mandatory field is not set[\s\S]*Field: Country Code \(code\)/),
    });
    await expect(rpc.executeKw('res.partner', 'create', [{ name: 'X', colour: 'red' }])).rejects.toMatchObject({ kind: 'server', message: expect.stringMatching(/Invalid field 'colour'/) });
  });

  test('a record of a company outside allowed_company_ids cannot be created', async () => {
    await expect(
      rpc.executeKw('account.move', 'create', [{ move_type: 'out_invoice', company_id: 1 }], { context: { allowed_company_ids: [2] } }),
    ).rejects.toMatchObject({ kind: 'access' });
  });
});

describe('write_date', () => {
  test('write stamps write_date with the clock; the hooks insert and update stamp too unless given', async () => {
    emulator.setClock(() => '2026-12-01 08:30:00');
    await rpc.executeKw('res.partner', 'write', [[13], { x_cesce_status: 'requested' }]);
    const [p] = await rpc.executeKw<Row[]>('res.partner', 'read', [[13], ['write_date']]);
    expect(p!.write_date).toBe('2026-12-01 08:30:00');

    const inserted = emulator.insert('res.partner', { name: 'Inserted SL', is_company: true });
    expect(inserted).toMatchObject({ create_date: '2026-12-01 08:30:00', write_date: '2026-12-01 08:30:00' });
    emulator.setClock(() => '2026-12-02 09:00:00');
    emulator.update('res.partner', inserted.id, { vat: 'ESA28123453' });
    emulator.update('res.partner', 13, { city: 'Toledo', write_date: '2020-01-01 00:00:00' });
    const found = await rpc.executeKw<Row[]>('res.partner', 'search_read', [[['write_date', '>=', '2026-12-02 00:00:00']], ['name', 'vat', 'write_date']]);
    expect(found).toEqual([{ id: inserted.id, name: 'Inserted SL', vat: 'ESA28123453', write_date: '2026-12-02 09:00:00' }]);
    expect(emulator.records('res.partner').find((r) => r.id === 13)!.write_date).toBe('2020-01-01 00:00:00');
    expect(() => emulator.update('res.partner', 13, { colour: 'red' })).toThrow(/Invalid field 'colour'/);
  });
});

describe('custom fields through ir.model.fields', () => {
  const modelId = async (model: string) => (await rpc.executeKw<number[]>('ir.model', 'search', [[['model', '=', model]]]))[0]!;

  test('ir.model and ir.model.fields describe the live schema', async () => {
    const models = await rpc.executeKw<Row[]>('ir.model', 'search_read', [[['model', 'in', ['res.partner', 'account.move']]], ['model', 'name']], { order: 'model' });
    expect(models.map((m) => m.model)).toEqual(['account.move', 'res.partner']);
    const fields = await rpc.executeKw<Row[]>('ir.model.fields', 'search_read', [[['model', '=', 'res.partner'], ['name', 'in', ['vat', 'x_cesce_status']]], ['name', 'ttype', 'state', 'model_id']], {
      order: 'name',
    });
    expect(fields).toEqual([
      { id: expect.any(Number), name: 'vat', ttype: 'char', state: 'base', model_id: [models[1]!.id, 'Contact'] },
      { id: expect.any(Number), name: 'x_cesce_status', ttype: 'char', state: 'manual', model_id: [models[1]!.id, 'Contact'] },
    ]);
  });

  test('a created field is usable at once by fields_get, write, read and search', async () => {
    const partnerModel = await modelId('res.partner');
    const fid = await rpc.executeKw<number>('ir.model.fields', 'create', [
      { model_id: partnerModel, name: 'x_cesce_rating', field_description: 'Cesce: rating', ttype: 'selection', selection_ids: [[0, 0, { value: 'a', name: 'A' }], [0, 0, { value: 'b', name: 'B' }]] },
    ]);
    await rpc.executeKw('ir.model.fields', 'create', [{ model_id: partnerModel, name: 'x_cesce_policy_id', field_description: 'Policy', ttype: 'many2one', relation: 'res.currency' }]);
    const [field] = await rpc.executeKw<Row[]>('ir.model.fields', 'read', [[fid], ['model', 'state', 'store']]);
    expect(field).toEqual({ id: fid, model: 'res.partner', state: 'manual', store: true });
    const fg = await rpc.executeKw<Record<string, Row>>('res.partner', 'fields_get', [['x_cesce_rating', 'x_cesce_policy_id']], { attributes: ['type', 'selection', 'relation'] });
    expect(fg).toEqual({ x_cesce_rating: { type: 'selection', selection: [['a', 'A'], ['b', 'B']] }, x_cesce_policy_id: { type: 'many2one', relation: 'res.currency' } });
    await rpc.executeKw('res.partner', 'write', [[10], { x_cesce_rating: 'b', x_cesce_policy_id: 2 }]);
    expect(await rpc.executeKw('res.partner', 'search', [[['x_cesce_rating', '=', 'b']]])).toEqual([10]);
    const [p] = await rpc.executeKw<Row[]>('res.partner', 'read', [[10], ['x_cesce_rating', 'x_cesce_policy_id']]);
    expect(p).toEqual({ id: 10, x_cesce_rating: 'b', x_cesce_policy_id: [2, 'USD'] });
    await expect(rpc.executeKw('res.partner', 'write', [[10], { x_cesce_rating: 'z' }])).rejects.toMatchObject({ kind: 'server' });
  });

  test('the legacy selection string works too; float, date and boolean fields read as Odoo sends them', async () => {
    const moveModel = await modelId('account.move');
    for (const [name, ttype] of [['x_sent', 'boolean'], ['x_amount', 'float'], ['x_day', 'date']] as const) {
      await rpc.executeKw('ir.model.fields', 'create', [{ model_id: moveModel, name, field_description: name, ttype }]);
    }
    await rpc.executeKw('ir.model.fields', 'create', [{ model_id: moveModel, name: 'x_level', field_description: 'Level', ttype: 'selection', selection: "[('low', 'Low'), ('high', 'High')]" }]);
    const [m] = await rpc.executeKw<Row[]>('account.move', 'read', [[101], ['x_sent', 'x_amount', 'x_day', 'x_level']]);
    expect(m).toEqual({ id: 101, x_sent: false, x_amount: 0, x_day: false, x_level: false });
    const fg = await rpc.executeKw<Record<string, Row>>('account.move', 'fields_get', [['x_level']], { attributes: ['selection'] });
    expect(fg.x_level!.selection).toEqual([['low', 'Low'], ['high', 'High']]);
  });

  test('a name without x_ and a duplicate are refused like Odoo', async () => {
    const partnerModel = await modelId('res.partner');
    await expect(rpc.executeKw('ir.model.fields', 'create', [{ model_id: partnerModel, name: 'cesce_status', field_description: 'S', ttype: 'char' }])).rejects.toMatchObject({
      kind: 'validation',
      message: "Custom fields must have a name that starts with 'x_' !",
    });
    await expect(rpc.executeKw('ir.model.fields', 'create', [{ model_id: partnerModel, name: 'x_cesce_status', field_description: 'S', ttype: 'char' }])).rejects.toMatchObject({
      kind: 'validation',
      message: expect.stringMatching(/Field names must be unique per model/),
    });
    await expect(rpc.executeKw('ir.model.fields', 'create', [{ model_id: partnerModel, name: 'x_bad', field_description: 'S', ttype: 'many2one', relation: 'no.such' }])).rejects.toMatchObject({
      kind: 'validation',
      message: 'Model no.such does not exist!',
    });
  });
});

describe('modules', () => {
  test('ir.module.module lists the base modules and the dataset ones; partner_risk_insurance adds its fields', async () => {
    const mods = await rpc.executeKw<Row[]>('ir.module.module', 'search_read', [[['state', '=', 'installed']], ['name']], { order: 'name' });
    expect(mods.map((m) => m.name)).toEqual(expect.arrayContaining(['account', 'base', 'mail', 'partner_risk_insurance']));
    const fg = await rpc.executeKw<Record<string, Row>>('res.partner', 'fields_get', [], { attributes: ['type'] });
    for (const f of ['insurance_credit_limit', 'risk_insurance_coverage_percent', 'risk_insurance_requested', 'risk_insurance_grant_date', 'risk_insurance_code', 'risk_insurance_code_2', 'credit_policy_state_id', 'company_credit_limit']) {
      expect(fg[f], f).toBeDefined();
    }
    const move = await rpc.executeKw<Record<string, Row>>('account.move', 'fields_get', [['insured_with_credit_policy']], { attributes: ['type'] });
    expect(move).toEqual({ insured_with_credit_policy: { type: 'boolean' } });
    await rpc.executeKw('res.partner', 'write', [[10], { credit_limit: 50000, insurance_credit_limit: 30000 }]);
    const [p] = await rpc.executeKw<Row[]>('res.partner', 'read', [[10], ['company_credit_limit']]);
    expect(p!.company_credit_limit).toBe(20000);
  });

  test('without the module the OCA fields do not exist', async () => {
    const orm = new OdooOrm(validateOdooDataset(fixtureDataset()));
    expect(orm.models['res.partner']!.fields.insurance_credit_limit).toBeUndefined();
    const d = new OdooDispatcher(validateOdooDataset(fixtureDataset()), orm);
    expect(() => d.object('execute_kw', [FIXTURE.database, 2, FIXTURE.password, 'res.partner', 'read', [[10], ['insurance_credit_limit']]])).toThrow(/Invalid field 'insurance_credit_limit'/);
  });
});

describe('message_post', () => {
  test('stores a mail.message on the record and returns its id', async () => {
    emulator.setClock(() => '2026-12-03 12:00:00');
    const id = await rpc.executeKw<number>('res.partner', 'message_post', [[13]], {
      body: 'Cesce: limit <granted>',
      message_type: 'comment',
      subtype_xmlid: 'mail.mt_note',
      partner_ids: [10],
    });
    expect(typeof id).toBe('number');
    const [m] = await rpc.executeKw<Row[]>('mail.message', 'read', [[id], ['model', 'res_id', 'body', 'message_type', 'subtype_id', 'author_id', 'partner_ids', 'date']]);
    expect(m).toEqual({
      id,
      model: 'res.partner',
      res_id: 13,
      body: '<p>Cesce: limit &lt;granted&gt;</p>',
      message_type: 'comment',
      subtype_id: [2, 'Note'],
      author_id: [10, 'Alfa Construcciones SL'],
      partner_ids: [10],
      date: '2026-12-03 12:00:00',
    });
    const onMove = await rpc.executeKw<number>('account.move', 'message_post', [[101]], { body: 'Declared' });
    expect(await rpc.executeKw('mail.message', 'search', [[['model', '=', 'account.move'], ['res_id', '=', 101]]])).toEqual([onMove]);
  });

  test('Odoo errors: several records, positional body, unknown subtype, a model without chatter', async () => {
    await expect(rpc.executeKw('res.partner', 'message_post', [[10, 13]], { body: 'x' })).rejects.toMatchObject({ message: expect.stringMatching(/Expected singleton/) });
    await expect(rpc.executeKw('res.partner', 'message_post', [[10], 'x'])).rejects.toMatchObject({ message: expect.stringMatching(/positional arguments/) });
    await expect(rpc.executeKw('res.partner', 'message_post', [[10]], { body: 'x', subtype_xmlid: 'mail.nope' })).rejects.toMatchObject({
      message: expect.stringMatching(/External ID not found/),
    });
    await expect(rpc.executeKw('res.currency', 'message_post', [[1]], { body: 'x' })).rejects.toMatchObject({ message: expect.stringMatching(/does not exist/) });
  });
});
