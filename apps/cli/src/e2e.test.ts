/**
 * End-to-end tests of the `cesce` command: the built CLI runs as its own process and talks real
 * HTTP to the Cesce emulator and real XML-RPC to the Odoo emulator, both on 127.0.0.1.
 * (`pnpm test` builds first; run `pnpm build` before running this file alone.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { CesceClient } from '@cesce-connect/core';
import { startCesceEmulator } from '@cesce-connect/sandbox';
import { startOdooEmulator } from '@cesce-connect/connector-odoo/testing';
import { runCli, type CliRun as Run } from './test-support.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const cli = join(root, 'apps/cli/dist/cesce.js');
const demoConfig = join(root, 'examples/demo/cesce.config.json');
const demoDataset = join(root, 'examples/demo/odoo-dataset.json');
const CONTRACT = '34109150331';


const cesce = runCli;

type Emulators = { cesce: Awaited<ReturnType<typeof startCesceEmulator>>; odoo: Awaited<ReturnType<typeof startOdooEmulator>> };

async function startEmulators(latencyMs = 0): Promise<Emulators> {
  const [c, o] = await Promise.all([startCesceEmulator({ latencyMs }), startOdooEmulator({ dataFile: demoDataset })]);
  return { cesce: c, odoo: o };
}

let dir: string;
const running: Emulators[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-cli-'));
});
afterEach(async () => {
  for (const e of running.splice(0)) await Promise.all([e.cesce.close(), e.odoo.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function emulators(latencyMs = 0): Promise<Emulators> {
  const e = await startEmulators(latencyMs);
  running.push(e);
  return e;
}

function envFor(e: Emulators): Record<string, string> {
  return { CESCE_BASE_URL: e.cesce.url, ODOO_URL: e.odoo.url };
}

function sync(e: Emulators, ledger: string, extra: string[] = [], onSpawn?: (child: ChildProcess) => void): Promise<Run> {
  return cesce(['sync', '--config', demoConfig, '--ledger', ledger, '--json', ...extra], envFor(e), onSpawn);
}

async function salesAtCesce(e: Emulators): Promise<{ invoiceNo: string; negative: boolean }[]> {
  const client = new CesceClient({
    environment: 'sandbox',
    baseUrl: e.cesce.url,
    contractNo: CONTRACT,
    credentials: { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
  });
  const out = [];
  for await (const s of client.sales.list({ pageSize: 500 })) out.push({ invoiceNo: s.invoiceNo, negative: s.amount.amount.startsWith('-') });
  return out;
}

function duplicates(sales: { invoiceNo: string; negative: boolean }[]): string[] {
  const seen = new Map<string, number>();
  for (const s of sales) {
    const k = `${s.invoiceNo}${s.negative ? ' (credit)' : ''}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

describe('cesce sync on the demo data', () => {
  it('requests classifications, declares sales and credit notes, explains every skipped and rejected item', async () => {
    const e = await emulators();
    const ledger = join(dir, 'ledger.sqlite');
    const run = await sync(e, ledger);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2); // the demo data holds items Cesce rejects
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(true);
    expect(report.classificationsRequested).toBeGreaterThan(0);
    expect(report.salesDeclared).toBeGreaterThan(100);
    expect(report.creditNotesDeclared).toBeGreaterThan(0);
    expect(report.skipped.length).toBeGreaterThan(0);
    for (const s of report.skipped) {
      expect(s.erpRef).toMatch(/^(res\.partner|account\.move),\d+/);
      expect(s.reason.length).toBeGreaterThan(10);
    }
    expect(report.rejected.length).toBeGreaterThan(0);
    for (const r of report.rejected) {
      expect(r).toMatchObject({ erpRef: expect.stringMatching(/^account\.move,\d+/), httpStatus: 400, kbId: expect.stringMatching(/^cesce-/) });
      expect(r.fix.length).toBeGreaterThan(10);
    }
    // The USD invoice is rejected for its currency, the 210-day one for its payment term.
    expect(report.rejected.map((r: { message: string }) => r.message).join('\n')).toMatch(/divisa USD/);
    expect(report.rejected.map((r: { message: string }) => r.message).join('\n')).toMatch(/plazo de pago de 210 días/);
    expect(report.skipped.some((s: { reason: string }) => /no origin/.test(s.reason))).toBe(true);
    expect(report.skipped.some((s: { reason: string }) => /no tax id/.test(s.reason))).toBe(true);

    // What Cesce holds is what the report says, each once.
    const sales = await salesAtCesce(e);
    expect(sales.filter((s) => !s.negative)).toHaveLength(report.salesDeclared);
    expect(sales.filter((s) => s.negative)).toHaveLength(report.creditNotesDeclared);
    expect(duplicates(sales)).toEqual([]);

    // Written back into Odoo: the Cesce reference on every declared document.
    const refs = e.odoo.records('account.move').filter((m) => typeof m.x_cesce_sale_ref === 'string' && m.x_cesce_sale_ref);
    expect(refs).toHaveLength(sales.length);
    const partners = e.odoo.records('res.partner').filter((p) => p.x_cesce_status);
    expect(partners.length).toBeGreaterThan(0);

    // No secret in the output.
    expect(run.stdout).not.toContain('demo-client-secret');
    expect(run.stdout).not.toContain('demo-odoo-key');

    // A second run against the same emulators and ledger declares nothing new and exits 0.
    const second = await sync(e, ledger);
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout);
    expect([again.classificationsRequested, again.salesDeclared, again.creditNotesDeclared, again.rejected.length]).toEqual([0, 0, 0, 0]);
    expect(again.alreadyDeclared).toBe(sales.length);
    expect(again.exitCode).toBe(0);
    expect(again.stillRejected.map((r: { kbId: string }) => r.kbId)).toEqual(report.rejected.map((r: { kbId: string }) => r.kbId));
    expect(again.writeBack).toEqual({ partners: 0, invoices: 0, errors: [], supported: true });
    expect((await salesAtCesce(e)).length).toBe(sales.length);
  });

  it('declares every remaining item exactly once after the process is killed halfway', async () => {
    // Reference: an uninterrupted run on its own emulators.
    const ref = await emulators();
    const refRun = await sync(ref, join(dir, 'reference.sqlite'));
    expect(refRun.code).toBe(2);
    const expected = (await salesAtCesce(ref)).map((s) => `${s.invoiceNo}${s.negative ? '-' : ''}`).sort();

    // Killed run: answers are delayed after they take effect, so the kill lands mid-call.
    const e = await emulators(15);
    const ledger = join(dir, 'ledger.sqlite');
    const killed = await sync(e, ledger, [], (child) => {
      const timer = setInterval(() => {
        const declared = e.cesce.state().policies.find((p) => p.contractNo === CONTRACT)!.sales.length;
        if (declared >= 40) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 5);
      child.on('close', () => clearInterval(timer));
    });
    expect(killed.signal).toBe('SIGKILL');
    const atKill = (await salesAtCesce(e)).length;
    expect(atKill).toBeGreaterThanOrEqual(40);
    expect(atKill).toBeLessThan(expected.length);

    const resumed = await sync(e, ledger);
    expect(resumed.code).toBe(2);
    const report = JSON.parse(resumed.stdout);
    expect(report.reconciled.confirmed + report.reconciled.resent).toBeGreaterThan(0);

    const after = await salesAtCesce(e);
    expect(duplicates(after)).toEqual([]);
    expect(after.map((s) => `${s.invoiceNo}${s.negative ? '-' : ''}`).sort()).toEqual(expected);
    const db = new Database(ledger, { readonly: true });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM items WHERE state IN ('sending', 'failed')`).get()).toEqual({ n: 0 });
    db.close();
  });

  it('stops cleanly on Ctrl-C, and the next run finishes the job without duplicates', async () => {
    const e = await emulators(15);
    const ledger = join(dir, 'ledger.sqlite');
    const stopped = await sync(e, ledger, [], (child) => {
      const timer = setInterval(() => {
        if (e.cesce.state().policies.find((p) => p.contractNo === CONTRACT)!.sales.length >= 20) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 5);
      child.on('close', () => clearInterval(timer));
    });
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/stopped by SIGINT; the next run reconciles the items that were in flight/);
    const resumed = await sync(e, ledger);
    expect(resumed.code).toBe(2);
    expect(duplicates(await salesAtCesce(e))).toEqual([]);
  });

  it('lets only one of two concurrent runs on one ledger send', async () => {
    const e = await emulators(10);
    const ledger = join(dir, 'ledger.sqlite');
    const [a, b] = await Promise.all([sync(e, ledger), sync(e, ledger)]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([1, 2]);
    const loser = a.code === 1 ? a : b;
    expect(JSON.parse(loser.stdout).error.message).toMatch(/is in use by another cesce sync \(pid \d+/);
    expect(duplicates(await salesAtCesce(e))).toEqual([]);
  });

  it('sends and writes nothing with --dry-run', async () => {
    const e = await emulators();
    const run = await sync(e, join(dir, 'ledger.sqlite'), ['--dry-run']);
    const report = JSON.parse(run.stdout);
    expect(report.dryRun).toBe(true);
    expect(report.salesDeclared).toBeGreaterThan(0);
    expect(await salesAtCesce(e)).toEqual([]);
    expect(e.cesce.requestLog.filter((r) => r.method === 'POST' && !r.path.includes('oauth2'))).toEqual([]);
    expect(e.odoo.calls.filter((c) => c.method === 'write')).toEqual([]);
  });

  it('prints a summary table with reasons on a terminal-less run without --json', async () => {
    const e = await emulators();
    const run = await cesce(['sync', '--config', demoConfig, '--ledger', join(dir, 'l.sqlite')], envFor(e));
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/Classifications requested\s+\d+/);
    expect(run.stdout).toMatch(/Sales declared\s+\d+/);
    expect(run.stdout).toMatch(/Rejected:\n {2}account\.move,\d+ \S+: HTTP 400 /);
    expect(run.stdout).toMatch(/fix: /);
    expect(run.stdout).toMatch(/Skipped \(\d+\), by reason:\n {2}res\.partner,\d+ .*: cannot request a classification: no tax id/);
    expect(run.stdout).toMatch(/has no Cesce classification .*: \d+ items\n {4}account\.move,\d+ /);
  });
});

describe('config errors', () => {
  it.each([
    ['3410915033', /cesce\.contractNo: '3410915033' has 10 digits; expected 11 digits/],
    ['341 0915 0331', /cesce\.contractNo: '341 0915 0331' contains spaces or separators.*did you mean 34109150331\?/],
  ])('rejects contract number %j before any network call', async (contractNo, message) => {
    const e = await emulators();
    const config = JSON.parse(readFileSync(demoConfig, 'utf8'));
    config.cesce.contractNo = contractNo;
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(config));
    const run = await cesce(['sync', '--config', file, '--ledger', join(dir, 'l.sqlite')], envFor(e));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('341 Máster Oro Integral or 381 Póliza Clásica');
    expect(e.cesce.requestLog).toEqual([]);
    expect(e.odoo.calls).toEqual([]);
  });

  it('stops with exit 1 and the PRE/PRO advice when the policy has expired', async () => {
    const e = await emulators();
    const config = JSON.parse(readFileSync(demoConfig, 'utf8'));
    config.cesce.contractNo = '38100029218';
    const file = join(dir, 'expired.json');
    writeFileSync(file, JSON.stringify(config));
    const run = await cesce(['sync', '--config', file, '--ledger', join(dir, 'l.sqlite')], envFor(e));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/HTTP 400: La póliza 38100029218 está vencida desde 2025-06-30\. \[cesce-400-policy-expired\]/);
    expect(run.stderr).toMatch(/hint: In PRE, ask Cesce’s Transformation team to update the policy’s expiry date/);
  });

  it('names every unset environment variable and never prints secrets', async () => {
    const run = await cesce(['sync', '--config', demoConfig, '--json'], { CESCE_BASE_URL: '', ODOO_URL: '' });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.ok).toBe(false);
    expect(out.error.message).toMatch(/cesce\.baseUrl: environment variable CESCE_BASE_URL is set but empty/);
    expect(out.error.message).toMatch(/odoo\.url: environment variable ODOO_URL is set but empty/);
  });

  it('reports wrong Odoo credentials without leaking the password', async () => {
    const e = await emulators();
    const config = JSON.parse(readFileSync(demoConfig, 'utf8'));
    config.odoo.password = 'wrong-secret-123';
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify(config));
    const run = await cesce(['sync', '--config', file, '--ledger', join(dir, 'l.sqlite')], envFor(e));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/login failed/i);
    expect(run.stderr + run.stdout).not.toContain('wrong-secret-123');
  });

  it('reports wrong Cesce client credentials with the knowledge-base fix', async () => {
    const e = await emulators();
    const config = JSON.parse(readFileSync(demoConfig, 'utf8'));
    config.cesce.clientSecret = 'not-the-secret-456';
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify(config));
    const run = await cesce(['sync', '--config', file, '--ledger', join(dir, 'l.sqlite')], envFor(e));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/HTTP 401.*\[cesce-401-client-credentials\]/);
    expect(run.stderr).toMatch(/hint: .*CLIENT ID and CLIENT SECRET/);
    expect(run.stderr).not.toContain('not-the-secret-456');
    expect(await salesAtCesce(e)).toEqual([]);
  });
});

describe('cesce emulate and --help', () => {
  it('prints the Cesce emulator URL on the first line and serves tokens until stopped', async () => {
    const child = spawn(process.execPath, [cli, 'emulate', 'cesce'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/oauth2/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'demo-client-id', client_secret: 'demo-client-secret', scope: 'read' }),
    });
    expect(res.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('injects faults from --rate-limit, --fail-rate and --faults FILE', async () => {
    const faultsFile = join(dir, 'faults.json');
    writeFileSync(faultsFile, JSON.stringify({ failOperations: { 'sales.subsidiaries': { status: 401, code: 'AUT009', message: 'Acceso denegado.' } } }));
    const child = spawn(process.execPath, [cli, 'emulate', 'cesce', '--rate-limit', '3/3600', '--fail-rate', '1', '--faults', faultsFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const tokenRes = await fetch(`${url}/oauth2/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', client_id: 'demo-client-id', client_secret: 'demo-client-secret' }),
      });
      expect(tokenRes.status).toBe(200);
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      const get = (path: string) => fetch(`${url}/sales/v1/contracts/34109150331/${path}`, { headers: { authorization: `Bearer ${access_token}` } });
      expect((await get('subsidiaries')).status).toBe(401);
      expect((await get('sales')).status).toBe(503);
      const limited = await get('sales');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      await exit;
    }
  });

  it('serves a sandbox model with --mode sandbox-model and rejects a missing --model', async () => {
    const model = join(root, 'packages/sandbox/data/sandbox-model.json');
    const child = spawn(process.execPath, [cli, 'emulate', 'cesce', '--mode', 'sandbox-model', '--model', model], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const tokenRes = await fetch(`${url}/oauth2/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', client_id: 'demo-client-id', client_secret: 'demo-client-secret' }),
      });
      const { access_token } = (await tokenRes.json()) as { access_token: string };
      const sub = await fetch(`${url}/sales/v1/contracts/34109150331/subsidiaries`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(sub.status).toBe(200);
      const other = await fetch(`${url}/sales/v1/contracts/34109150331/sales?endorsementNo=1`, { headers: { authorization: `Bearer ${access_token}` } });
      expect(other.status).toBe(404);
    } finally {
      const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      await exit;
    }
    const run = await cesce(['emulate', 'cesce', '--mode', 'sandbox-model']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--model/);
  });

  it('prints the Odoo emulator URL on the first line', async () => {
    const child = spawn(process.execPath, [cli, 'emulate', 'odoo', '--data', demoDataset], { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('fails clearly when the Odoo dataset is missing', async () => {
    const run = await cesce(['emulate', 'odoo', '--data', join(dir, 'missing.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/missing\.json/);
  });

  it('documents sync with its options, exit codes and examples', async () => {
    const run = await cesce(['sync', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['--config', '--dry-run', '--json', '--ledger', 'Exit codes:', 'Examples:']) expect(run.stdout).toContain(text);
    const top = await cesce(['--help']);
    for (const text of ['sync', 'emulate']) expect(top.stdout).toContain(text);
  });
});
