// Shared set-up of the multi-worker tests: a real PostgreSQL server, the Odoo and Cesce emulators
// on 127.0.0.1, and the chaos harness's dataset (every document declarable).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CesceClient } from '@cesce-connect/core';
import { createOdooSource } from '@cesce-connect/connector-odoo';
import { startOdooEmulator, type OdooDataset } from '@cesce-connect/connector-odoo/testing';
import { startCesceEmulator } from '@cesce-connect/sandbox';
type EmulatorFaults = NonNullable<Parameters<typeof startCesceEmulator>[0]>['faults'];
import pg from 'pg';
// @ts-expect-error -- plain JavaScript shared with the chaos harness
import { CONTRACT_NO, DEMO_CESCE_FILE, DEMO_ODOO_FILE, generateChaosDataset, initialDataset } from '../../../chaos/dataset.mjs';
import { startPostgres, type RunningPostgres } from '../src/testing/postgres.js';

export { CONTRACT_NO };

export interface World {
  pg: RunningPostgres;
  odoo: { url: string; close(): Promise<void> };
  cesce: { url: string; close(): Promise<void> };
  dataset: { odoo: OdooDataset; counts: { invoices: number; creditNotes: number } };
  odooConfig: { url: string; database: string; username: string; password: string; companyId: number };
  pool(): pg.Pool;
  client(options?: { timeoutMs?: number }): CesceClient;
  source(): ReturnType<typeof createOdooSource>;
  close(): Promise<void>;
}

export async function startWorld(options: { invoices?: number; creditNotes?: number; seed?: number; demo?: boolean; faults?: EmulatorFaults }): Promise<World> {
  const data = options.demo
    ? { odoo: JSON.parse(readFileSync(DEMO_ODOO_FILE, 'utf8')), cesce: JSON.parse(readFileSync(DEMO_CESCE_FILE, 'utf8')), release: new Map(), counts: { invoices: 0, creditNotes: 0 } }
    : generateChaosDataset({ invoices: options.invoices ?? 100, creditNotes: options.creditNotes, rounds: 1, seed: options.seed ?? 7 });
  const odooData = initialDataset(data.odoo, data.release) as OdooDataset;
  const pgServer = await startPostgres();
  const odoo = await startOdooEmulator({ dataset: odooData });
  const cesce = await startCesceEmulator({ data: data.cesce, faults: options.faults });
  const user = odooData.users[0]!;
  const odooConfig = { url: odoo.url, database: odooData.database, username: user.login, password: user.apiKeys?.[0] ?? user.password, companyId: 1 };
  const pools: pg.Pool[] = [];
  return {
    pg: pgServer,
    odoo,
    cesce,
    dataset: { odoo: odooData, counts: data.counts },
    odooConfig,
    pool() {
      const p = new pg.Pool({ connectionString: pgServer.url, max: 12 });
      // An idle connection closed by the server (at shutdown) is not a test failure.
      p.on('error', () => {});
      pools.push(p);
      return p;
    },
    client(o = {}) {
      return new CesceClient({
        environment: 'sandbox',
        baseUrl: cesce.url,
        contractNo: CONTRACT_NO,
        credentials: { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
        timeoutMs: o.timeoutMs ?? 10_000,
      });
    },
    source() {
      return createOdooSource(odooConfig);
    },
    async close() {
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
      await odoo.close();
      await cesce.close();
      await pgServer.stop();
    },
  };
}

/** Every sale the Cesce emulator holds for the contract, through its sales list (GET /sales). */
export async function salesAtCesce(client: CesceClient, endorsements: string[]) {
  const sales = [];
  for (const endorsementNo of endorsements) for await (const s of client.sales.list({ endorsementNo, pageSize: 500 })) sales.push(s);
  return sales;
}

const CLI = join(import.meta.dirname, '../../../apps/cli/dist/cesce.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `cesce` CLI as its own process to its exit; `onStart` gets the child (to pause or kill it). */
export function runCesce(args: string[], env: Record<string, string>, onStart?: (child: ChildProcess) => void): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}

/** Writes a config for `cesce worker` on this world (database URL from $CESCE_TEST_DATABASE_URL); `cesce` adds to the cesce section. */
export function writeWorkerConfig(file: string, world: World, cesce: Record<string, unknown> = {}, workers: Record<string, unknown> = {}): string {
  writeFileSync(
    file,
    JSON.stringify({
      cesce: { environment: 'sandbox', baseUrl: world.cesce.url, contractNo: CONTRACT_NO, clientId: 'demo-client-id', clientSecret: 'demo-client-secret', ...cesce },
      odoo: world.odooConfig,
      workers: { postgres: 'env:CESCE_TEST_DATABASE_URL', ...workers },
    }),
  );
  return file;
}
