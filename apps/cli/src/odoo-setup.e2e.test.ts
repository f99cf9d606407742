/**
 * End-to-end tests of `cesce odoo setup`: the built CLI runs as its own process against the Odoo
 * emulator on 127.0.0.1. (`pnpm test` builds first; run `pnpm build` before running this file alone.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOdooEmulator, type OdooDataset, type OdooEmulator } from '@cesce-connect/connector-odoo/testing';
import { root, runCli } from './test-support.js';

const demoDataset = join(root, 'examples/demo/odoo-dataset.json');

const cesce = (args: string[], env: Record<string, string> = {}) => runCli(args, env);

/** The demo database before the connector was installed: no x_cesce_* field anywhere. */
function freshDataset(): OdooDataset {
  const ds = JSON.parse(readFileSync(demoDataset, 'utf8')) as OdooDataset;
  delete ds.customFields;
  for (const list of Object.values(ds.records)) {
    for (const r of list) for (const k of Object.keys(r)) if (k.startsWith('x_cesce')) delete r[k];
  }
  return ds;
}

let dir: string;
let odoo: OdooEmulator;
let config: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-odoo-setup-'));
  odoo = await startOdooEmulator({ dataset: freshDataset() });
  config = join(dir, 'cesce.config.json');
  // Only the odoo section is needed (no cesce credentials for setup).
  writeFileSync(config, JSON.stringify({ odoo: { url: 'env:ODOO_URL', database: 'demo', username: 'cesce-bot', password: 'env:ODOO_KEY', companyId: 1 } }));
});
afterEach(async () => {
  await odoo.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ ODOO_URL: odoo.url, ODOO_KEY: 'demo-odoo-key' });
const cesceFields = () =>
  odoo
    .records('ir.model.fields')
    .filter((f) => String(f.name).startsWith('x_cesce'))
    .map((f) => `${String(f.model)}.${String(f.name)}:${String(f.ttype)}`)
    .sort();

describe('cesce odoo setup', () => {
  it('--dry-run lists the missing fields (exit 2), the first run creates them, the second changes nothing', async () => {
    const dry = await cesce(['odoo', 'setup', '--config', config, '--dry-run'], env());
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(2);
    expect(dry.stdout).toMatch(/would-create\s+res\.partner\.x_cesce_requested_limit/);
    expect(dry.stdout).toContain('Dry run: 6 field(s) would be created');
    expect(cesceFields()).toEqual([]);

    const first = await cesce(['odoo', 'setup', '--config', config, '--json'], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ ok: true, exitCode: 0, preset: 'x_cesce', changed: true, odoo: { database: 'demo' } });
    expect(report.fields.map((f: { status: string }) => f.status)).toEqual(Array(6).fill('created'));
    const created = cesceFields();
    expect(created).toEqual([
      'account.move.x_cesce_sale_ref:char',
      'account.move.x_cesce_sale_state:char',
      'res.partner.x_cesce_endorsement_no:char',
      'res.partner.x_cesce_granted_limit:float',
      'res.partner.x_cesce_requested_limit:float',
      'res.partner.x_cesce_status:char',
    ]);
    for (const f of odoo.records('ir.model.fields').filter((f) => String(f.name).startsWith('x_cesce'))) {
      expect(f).toMatchObject({ state: 'manual', store: true });
    }

    const second = await cesce(['odoo', 'setup', '--config', config], env());
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Unchanged: every field the connector needs exists.');
    expect(second.stdout).not.toMatch(/\bcreated\b/);
    expect(cesceFields()).toEqual(created);
    expect(odoo.calls.filter((c) => c.model === 'ir.model.fields' && c.method === 'create')).toHaveLength(6);
    expect(`${dry.stdout}${first.stdout}${second.stdout}`).not.toContain('demo-odoo-key');
  });

  it('a field of the wrong type: exit 1, names model, field and type, creates nothing', async () => {
    await odoo.close();
    const ds = freshDataset();
    ds.customFields = { 'account.move': { x_cesce_sale_state: { type: 'integer', string: 'State (wrong)' } } };
    odoo = await startOdooEmulator({ dataset: ds });
    const run = await cesce(['odoo', 'setup', '--config', config], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('account.move.x_cesce_sale_state (odoo.fields.saleState) exists with type integer');
    expect(run.stderr).not.toContain('demo-odoo-key');
    expect(odoo.calls.some((c) => c.method === 'create')).toBe(false);
  });

  it('wrong credentials: exit 1 without the password', async () => {
    const run = await cesce(['odoo', 'setup', '--config', config, '--json'], { ODOO_URL: odoo.url, ODOO_KEY: 'wrong-secret-key' });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: expect.any(String) } });
    expect(run.stdout).not.toContain('wrong-secret-key');
  });

  it('--help teaches the fields, the rights and the exit codes', async () => {
    const run = await cesce(['odoo', 'setup', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['x_cesce_sale_state', 'Administration / Settings', 'Exit codes:', 'partner_risk_insurance']) expect(run.stdout).toContain(text);
  });
});
