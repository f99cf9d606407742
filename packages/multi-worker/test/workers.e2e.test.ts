// Acceptance of the multi-worker mode with real processes: `cesce worker plan`, then four
// `cesce worker run --drain` processes at once on 10,000 invoices (and 1,000 credit notes) against
// the Odoo and Cesce emulators and a real PostgreSQL; the Cesce emulator's sales list must hold
// every document exactly once, each credit note after its invoice. Then a worker is SIGKILLed in
// the middle of a second backlog, and the others must finish its work without a duplicate.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_NO, runCesce as cesce, salesAtCesce, startWorld, writeWorkerConfig, type World } from './support.js';

function countByDocument(sales: { endorsementNo: string; invoiceNo: string; amount: { amount: string } }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of sales) {
    const k = `${s.endorsementNo}|${s.invoiceNo}|${s.amount.amount.startsWith('-') ? 'credit' : 'sale'}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

describe('cesce worker: four processes on 10,000 invoices', () => {
  let world: World;
  let dir: string;
  let config: string;
  const env = { CESCE_TEST_DATABASE_URL: '' };

  beforeAll(async () => {
    world = await startWorld({ invoices: 10_000, creditNotes: 1_000, seed: 99 });
    env.CESCE_TEST_DATABASE_URL = world.pg.url;
    dir = mkdtempSync(join(tmpdir(), 'cesce-workers-'));
    config = join(dir, 'cesce.config.json');
    writeWorkerConfig(config, world, { rateLimit: { requestsPerSecond: 5000, burst: 50 } }, { concurrency: 4 });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('declares each document exactly once, credit notes after their invoices (the emulator’s sales list proves it)', async () => {
    const plan = await cesce(['worker', 'plan', '--config', config, '--json'], env);
    expect(plan.stderr).toBe('');
    const planned = JSON.parse(plan.stdout);
    expect(planned.queued).toEqual({ invoices: 10_000, creditNotes: 1_000 });
    expect(plan.code).toBe(0);

    const runs = await Promise.all([0, 1, 2, 3].map(() => cesce(['worker', 'run', '--config', config, '--drain', '--json'], env)));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const reports = runs.map((r) => JSON.parse(r.stdout));
    const declared = reports.reduce((n, r) => n + r.declared.invoices + r.declared.creditNotes, 0);
    expect(declared).toBe(11_000);
    // The work was shared: every worker declared a part of it.
    for (const r of reports) expect(r.declared.invoices).toBeGreaterThan(500);
    // One Cesce call per document, one token per worker.
    expect(reports.reduce((n, r) => n + r.requests.cesce, 0)).toBe(11_000);
    expect(reports.map((r) => r.requests.token)).toEqual([1, 1, 1, 1]);

    const client = world.client();
    const endorsements = [...new Set((await world.pool().query<{ e: string }>('SELECT DISTINCT endorsement_no AS e FROM cesce.items')).rows.map((r) => r.e))];
    const sales = await salesAtCesce(client, endorsements);
    const counts = countByDocument(sales);
    expect([...counts.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(counts.size).toBe(11_000);
    const invoiceRef = new Map(sales.filter((s) => !s.amount.amount.startsWith('-')).map((s) => [`${s.endorsementNo}|${s.invoiceNo}`, BigInt(s.saleCesceReferenceNo)]));
    const late = sales.filter((s) => s.amount.amount.startsWith('-')).filter((n) => !(invoiceRef.get(`${n.endorsementNo}|${n.originalInvoiceNo}`)! < BigInt(n.saleCesceReferenceNo)));
    expect(late.map((n) => n.invoiceNo)).toEqual([]);

    const status = await cesce(['worker', 'status', '--config', config, '--json'], env);
    expect(JSON.parse(status.stdout).items).toEqual([{ contractNo: CONTRACT_NO, state: 'declared', count: 11_000 }]);
    expect(status.code).toBe(0);
    // The database URL never shows in what the commands print.
    for (const r of [plan, ...runs, status]) expect(`${r.stdout}${r.stderr}`).not.toContain(world.pg.url);
  }, 240_000);
});

describe('cesce worker: a worker killed mid-run', () => {
  let world: World;
  let dir: string;
  let config: string;
  const env = { CESCE_TEST_DATABASE_URL: '' };

  beforeAll(async () => {
    world = await startWorld({ invoices: 3_000, creditNotes: 300, seed: 5 });
    env.CESCE_TEST_DATABASE_URL = world.pg.url;
    dir = mkdtempSync(join(tmpdir(), 'cesce-workers-kill-'));
    config = join(dir, 'cesce.config.json');
    writeWorkerConfig(config, world, { timeoutMs: 5000 });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('releases the dead worker’s jobs, looks its in-flight items up at Cesce, and still declares everything exactly once', async () => {
    const plan = await cesce(['worker', 'plan', '--config', config, '--json'], env);
    expect(plan.code, plan.stderr).toBe(0);
    const pool = world.pool();
    const declaredNow = async () => Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM cesce.items WHERE state = 'declared'")).rows[0]!.n);

    let killVictim: () => void = () => {};
    const victim = cesce(['worker', 'run', '--config', config, '--concurrency', '8'], env, (child) => (killVictim = () => child.kill('SIGKILL')));
    // Kill it with SIGKILL in the middle of its work: jobs locked, items possibly `sending`.
    let exited = false;
    void victim.then(() => (exited = true));
    while (!exited && (await declaredNow()) < 600) await new Promise((r) => setTimeout(r, 20));
    expect(exited, 'the worker ended before it could be killed').toBe(false);
    killVictim();
    const killed = await victim;
    expect(killed.signal).toBe('SIGKILL');
    const left = Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM graphile_worker.jobs WHERE locked_at IS NOT NULL")).rows[0]!.n);

    // A survivor (short stale time, for the test) takes over, releases the dead one's jobs, drains.
    const survivor = await cesce(['worker', 'run', '--config', config, '--drain', '--stale-after', '2', '--json'], env);
    expect(survivor.code, survivor.stderr).toBe(0);
    const report = JSON.parse(survivor.stdout);
    if (left > 0) expect(report.releasedWorkers).toBe(1);

    const sales = await salesAtCesce(world.client(), [...new Set((await pool.query<{ e: string }>('SELECT DISTINCT endorsement_no AS e FROM cesce.items')).rows.map((r) => r.e))]);
    const counts = countByDocument(sales);
    expect([...counts.entries()].filter(([, n]) => n > 1)).toEqual([]);
    expect(counts.size).toBe(3_300);
    expect(await declaredNow()).toBe(3_300);
  }, 120_000);
});

describe('cesce worker: configuration mistakes', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cesce-workers-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = {
    cesce: { environment: 'sandbox', baseUrl: 'http://127.0.0.1:9', contractNo: CONTRACT_NO, clientId: 'demo-client-id', clientSecret: 'demo-client-secret' },
    odoo: { url: 'http://127.0.0.1:9', database: 'x', username: 'u', password: 'odoo-secret-value', companyId: 1 },
  };

  it('names the missing workers section and what to put there', async () => {
    const file = join(dir, 'no-workers.json');
    writeFileSync(file, JSON.stringify(base));
    const r = await cesce(['worker', 'plan', '--config', file], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/workers\.postgres.*is required for the multi-worker mode/);
  });

  it('says PostgreSQL refused the connection, without the password of the URL', async () => {
    const file = join(dir, 'closed-port.json');
    writeFileSync(file, JSON.stringify({ ...base, workers: { postgres: 'env:CESCE_TEST_PG' } }));
    for (const command of ['plan', 'run', 'status']) {
      const r = await cesce(['worker', command, '--config', file], { CESCE_TEST_PG: 'postgres://cesce:pg-Secret-123@127.0.0.1:9/cesce' });
      expect(r.code, command).toBe(1);
      expect(r.stderr).toMatch(/cannot use PostgreSQL at 127\.0\.0\.1:9 \(database cesce\): refused the connection/);
      expect(`${r.stdout}${r.stderr}`).not.toContain('pg-Secret-123');
    }
  });

  it('refuses a bad --concurrency and an unknown config key, naming them', async () => {
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ ...base, workers: { postgres: 'postgres://127.0.0.1:9/x', concurency: 4 } }));
    const typo = await cesce(['worker', 'run', '--config', file], {});
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/workers.*unknown key\(s\) 'concurency'/);
    const ok = join(dir, 'ok.json');
    writeFileSync(ok, JSON.stringify({ ...base, workers: { postgres: 'postgres://127.0.0.1:9/x' } }));
    const bad = await cesce(['worker', 'run', '--config', ok, '--concurrency', 'lots'], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--concurrency must be a whole number from 1 to 64, not 'lots'/);
  });
});

describe('cesce sync on a config of the multi-worker mode', () => {
  let world: World;
  let dir: string;
  beforeAll(async () => {
    world = await startWorld({ invoices: 60, creditNotes: 6, seed: 8 });
    dir = mkdtempSync(join(tmpdir(), 'cesce-workers-sync-'));
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('requests classifications only and declares no sale: the workers are the contract’s one declarer', async () => {
    const config = writeWorkerConfig(join(dir, 'cesce.config.json'), world);
    const env = { CESCE_TEST_DATABASE_URL: world.pg.url };
    const ledger = join(dir, 'ledger.sqlite');
    const sync = await cesce(['sync', '--config', config, '--ledger', ledger, '--json'], env);
    expect(sync.stderr).toMatch(/this config has a workers section: .*requests classifications only/);
    const report = JSON.parse(sync.stdout);
    expect(report.salesDeclared + report.creditNotesDeclared).toBe(0);
    expect(report.read.documents).toBe(0);
    const counts = (await (await fetch(`${world.cesce.url}/_emulator/requests`)).json()) as { byOperation: Record<string, number> };
    expect(counts.byOperation['sales.create'] ?? 0).toBe(0);
    // The workers then declare everything, once.
    const plan = JSON.parse((await cesce(['worker', 'plan', '--config', config, '--json'], env)).stdout);
    expect(plan.queued).toEqual({ invoices: 60, creditNotes: 6 });
    const run = await cesce(['worker', 'run', '--config', config, '--drain', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).declared).toEqual({ invoices: 60, creditNotes: 6 });
  }, 120_000);
});
