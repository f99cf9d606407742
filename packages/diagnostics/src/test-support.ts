/** Shared by the diagnostics tests: the demo setup on real emulators, and a config file for it. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOdooSource } from '@cesce-connect/connector-odoo';
import { startOdooEmulator, type OdooEmulator, type OdooEmulatorOptions } from '@cesce-connect/connector-odoo/testing';
import { startCesceEmulator, type CesceEmulator, type CesceEmulatorOptions } from '@cesce-connect/sandbox';
import { diagnose } from './runner.js';
import type { DiagnoseOptions, DiagnosisOutcome, ErpHooks } from './types.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const demoDir = join(root, 'examples/demo');

/** Secrets of the demo config, given through the environment in these tests. */
export const SECRETS = {
  CESCE_CLIENT_SECRET: 'demo-client-secret',
  ODOO_PASSWORD: 'demo-odoo-key',
} as const;

/** ERP hooks for library tests: the `odoo` section straight into the Odoo connector. */
export const odooHooks: ErpHooks = {
  secretPaths: ['odoo.password'],
  load(resolved) {
    const odoo = resolved.odoo as Record<string, unknown> | undefined;
    if (!odoo || typeof odoo !== 'object') return { ok: false, issues: [{ path: 'odoo', message: 'is required (a section)' }] };
    return { ok: true, source: createOdooSource(odoo as never) };
  },
};

export interface DemoSetup {
  cesce: CesceEmulator;
  odoo: OdooEmulator;
  dir: string;
  /** Writes `config.json` in `dir` from the demo config with `patch` applied to its sections; returns its path. */
  writeConfig(patch?: { cesce?: Record<string, unknown>; odoo?: Record<string, unknown>; drop?: string[] }): string;
  /** The environment the config's references need. */
  env: Record<string, string>;
  /** Runs diagnose on a config written with `patch`. */
  run(patch?: Parameters<DemoSetup['writeConfig']>[0], options?: Partial<DiagnoseOptions>): Promise<DiagnosisOutcome>;
  close(): Promise<void>;
}

/**
 * Starts a Cesce emulator (demo data unless `cesce.data`/`dataFile` say otherwise) and an Odoo
 * emulator on the demo dataset. The config references secrets as `env:NAME` (see `SECRETS`).
 */
export async function startDemoSetup(options: { cesce?: CesceEmulatorOptions; odoo?: OdooEmulatorOptions } = {}): Promise<DemoSetup> {
  const cesce = await startCesceEmulator(options.cesce ?? {});
  const odoo = await startOdooEmulator({ dataFile: join(demoDir, 'odoo-dataset.json'), ...(options.odoo ?? {}) });
  const dir = mkdtempSync(join(tmpdir(), 'cesce-diagnose-'));
  const env = { ...SECRETS };
  const writeConfig: DemoSetup['writeConfig'] = (patch = {}) => {
    const config: Record<string, Record<string, unknown>> = {
      cesce: {
        environment: 'sandbox',
        baseUrl: cesce.url,
        contractNo: '34109150331',
        clientId: 'demo-client-id',
        clientSecret: 'env:CESCE_CLIENT_SECRET',
        ...(patch.cesce ?? {}),
      },
      odoo: { url: odoo.url, database: 'demo', username: 'cesce-bot', password: 'env:ODOO_PASSWORD', companyId: 1, ...(patch.odoo ?? {}) },
    };
    for (const path of patch.drop ?? []) {
      const [section, key] = path.split('.') as [string, string];
      if (key) delete config[section]?.[key];
      else delete config[section];
    }
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(config, null, 2));
    return file;
  };
  return {
    cesce,
    odoo,
    dir,
    env,
    writeConfig,
    run: (patch, extra = {}) => diagnose({ configFile: writeConfig(patch), env, erp: odooHooks, ...extra }),
    async close() {
      await Promise.all([cesce.close(), odoo.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The result of one check; fails the test with the whole report when it is absent. */
export function resultOf(outcome: DiagnosisOutcome, id: string) {
  const r = outcome.report.results.find((x) => x.id === id);
  if (!r) throw new Error(`no result for ${id} in ${JSON.stringify(outcome.report.results.map((x) => x.id))}`);
  return r;
}
