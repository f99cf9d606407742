import { afterEach, describe, expect, test } from 'vitest';
import { ErpError } from '@cesce-connect/core';
import { fixtureDataset, FIXTURE } from './__fixtures__/dataset.js';
import { startOdooEmulator, type OdooDataset, type OdooEmulator } from './testing/index.js';
import { connectOdooTransport } from './transport/detect.js';
import type { OdooTransport } from './transport/types.js';
import { formatSetupReport, setupOdoo } from './setup.js';
import { createOdooSource } from './source.js';

const open: { emu: OdooEmulator; transport?: OdooTransport }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    o.transport?.close();
    await o.emu.close();
  }
});

/** The fixture without any Cesce field, as a fresh Odoo database. */
function bare(version = '17.0', modules: string[] = []): OdooDataset {
  const ds = fixtureDataset(version);
  delete ds.customFields;
  for (const p of ds.records['res.partner']!) delete p.x_cesce_requested_limit;
  return { ...ds, modules };
}

async function start(ds: OdooDataset, protocol: 'xmlrpc' | 'jsonrpc' | 'json2' = 'jsonrpc') {
  const emu = await startOdooEmulator({ dataset: ds });
  const { transport } = await connectOdooTransport({
    url: emu.url,
    database: FIXTURE.database,
    username: FIXTURE.login,
    password: protocol === 'json2' ? FIXTURE.apiKey : FIXTURE.password,
    protocol,
  });
  await transport.authenticate();
  open.push({ emu, transport });
  return { emu, transport };
}

const cesceFields = (emu: OdooEmulator) =>
  emu
    .records('ir.model.fields')
    .filter((f) => String(f.name).startsWith('x_cesce'))
    .map((f) => ({ model: f.model, name: f.name, ttype: f.ttype, state: f.state, store: f.store, field_description: f.field_description }))
    .sort((a, b) => `${a.model}.${a.name}`.localeCompare(`${b.model}.${b.name}`));

describe('setupOdoo', () => {
  test.each([
    ['xmlrpc', '16.0'],
    ['jsonrpc', '17.0'],
    ['json2', '19.0'],
  ] as const)('over %s on Odoo %s: creates the missing fields, then a second run changes nothing', async (protocol, version) => {
    const { emu, transport } = await start(bare(version), protocol);
    const first = await setupOdoo(transport);
    expect(first).toMatchObject({ preset: 'x_cesce', dryRun: false, changed: true });
    expect(first.fields.map((f) => [f.name, f.status])).toEqual([
      ['x_cesce_requested_limit', 'created'],
      ['x_cesce_status', 'created'],
      ['x_cesce_granted_limit', 'created'],
      ['x_cesce_endorsement_no', 'created'],
      ['x_cesce_sale_ref', 'created'],
      ['x_cesce_sale_state', 'created'],
    ]);
    const created = cesceFields(emu);
    expect(created).toEqual([
      { model: 'account.move', name: 'x_cesce_sale_ref', ttype: 'char', state: 'manual', store: true, field_description: 'Cesce: sale reference' },
      { model: 'account.move', name: 'x_cesce_sale_state', ttype: 'char', state: 'manual', store: true, field_description: 'Cesce: declaration state' },
      { model: 'res.partner', name: 'x_cesce_endorsement_no', ttype: 'char', state: 'manual', store: true, field_description: 'Cesce: endorsement number' },
      { model: 'res.partner', name: 'x_cesce_granted_limit', ttype: 'float', state: 'manual', store: true, field_description: 'Cesce: granted credit limit' },
      { model: 'res.partner', name: 'x_cesce_requested_limit', ttype: 'float', state: 'manual', store: true, field_description: 'Cesce: requested credit limit' },
      { model: 'res.partner', name: 'x_cesce_status', ttype: 'char', state: 'manual', store: true, field_description: 'Cesce: classification status' },
    ]);

    const second = await setupOdoo(transport);
    expect(second.changed).toBe(false);
    expect(second.fields.every((f) => f.status === 'existing')).toBe(true);
    expect(formatSetupReport(second)).toContain('Unchanged: every field the connector needs exists.');
    expect(cesceFields(emu)).toEqual(created);
    expect(emu.calls.filter((c) => c.model === 'ir.model.fields' && c.method === 'create')).toHaveLength(6);

    // The connector now connects and writes into the new fields.
    const s = createOdooSource({ url: emu.url, database: FIXTURE.database, username: FIXTURE.login, password: protocol === 'json2' ? FIXTURE.apiKey : FIXTURE.password, companyId: 1, protocol });
    await s.writeSale({ documentErpId: '101', state: 'declared', saleCesceReferenceNo: 'S-1' });
    expect(emu.records('account.move').find((r) => r.id === 101)).toMatchObject({ x_cesce_sale_ref: 'S-1', x_cesce_sale_state: 'declared' });
    await s.close();
  });

  test('dry run reports what would be created and creates nothing', async () => {
    const { emu, transport } = await start(bare());
    const report = await setupOdoo(transport, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, changed: true });
    expect(report.fields.every((f) => f.status === 'would-create')).toBe(true);
    expect(formatSetupReport(report)).toContain('Dry run: 6 field(s) would be created');
    expect(cesceFields(emu)).toEqual([]);
    expect(emu.calls.some((c) => c.method === 'create')).toBe(false);
  });

  test('mapped names are created under their own names; existing ones are kept', async () => {
    const { emu, transport } = await start(fixtureDataset());
    const report = await setupOdoo(transport, { fields: { saleState: 'x_estado_cesce' } });
    expect(report.fields.filter((f) => f.status === 'created').map((f) => f.name)).toEqual(['x_estado_cesce']);
    expect(emu.records('ir.model.fields').find((f) => f.name === 'x_estado_cesce')).toMatchObject({ model: 'account.move', ttype: 'char' });
  });

  test('an existing field of the wrong type is an error naming model, field and type; nothing is created or altered', async () => {
    const ds = bare();
    ds.customFields = { 'res.partner': { x_cesce_status: { type: 'float', string: 'Status (wrong)' } } };
    const { emu, transport } = await start(ds);
    const err = await setupOdoo(transport).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ErpError);
    expect((err as ErpError).message).toContain('res.partner.x_cesce_status (odoo.fields.classificationStatus) exists with type float; the connector needs char or text');
    expect(emu.calls.some((c) => c.method === 'create')).toBe(false);
    expect(cesceFields(emu)).toEqual([expect.objectContaining({ name: 'x_cesce_status', ttype: 'float' })]);
  });

  test('a mapped name that is not x_ cannot be created', async () => {
    const { transport } = await start(bare());
    await expect(setupOdoo(transport, { fields: { saleReference: 'ref_cesce' } })).rejects.toThrow(/account.move.ref_cesce \(odoo.fields.saleReference\) is missing, and only fields named x_... can be created/);
  });

  test("preset 'auto' uses the OCA partner_risk_insurance fields when the module is installed", async () => {
    const { emu, transport } = await start(bare('16.0', ['partner_risk_insurance']));
    const report = await setupOdoo(transport, { preset: 'auto' });
    expect(report.preset).toBe('oca');
    expect(report.fields.filter((f) => f.status === 'existing').map((f) => f.name)).toEqual(['insurance_credit_limit', 'risk_insurance_code']);
    expect(cesceFields(emu).map((f) => f.name)).toEqual(['x_cesce_sale_ref', 'x_cesce_sale_state', 'x_cesce_requested_limit', 'x_cesce_status']);
  });

  test("preset 'oca' without the module says to install it", async () => {
    const { transport } = await start(bare());
    await expect(setupOdoo(transport, { preset: 'oca' })).rejects.toThrow(/res.partner.insurance_credit_limit \(odoo.fields.grantedLimit\) is missing: install the OCA module partner_risk_insurance/);
  });
});
