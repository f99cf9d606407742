// Regressions found by trying to break the multi-worker mode with real processes (Odoo and Cesce
// emulators, a real PostgreSQL, `cesce worker` processes):
// - a worker paused past --stale-after (SIGSTOP: a VM paused, a laptop asleep, a machine cut off
//   from PostgreSQL but not from Cesce) had its items taken over by another worker, which looked
//   them up at Cesce (absent: they were still waiting for their rate-limit slot) and sent them; the
//   paused worker, once resumed, sent them too: the same sale declared twice at Cesce.
// - a document changed in the ERP after it was planned was declared with the planned (stale) data,
//   and one refused by Cesce then corrected in the ERP was never queued again.
// - a workers.postgres that is not a URL (a libpq key=value string) failed as "host name that does
//   not resolve".
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_NO, runCesce as cesce, salesAtCesce, startWorld, writeWorkerConfig, type World } from './support.js';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('cesce worker: breaking it', () => {
  let world: World;
  let dir: string;
  let config: string;
  const env = { CESCE_TEST_DATABASE_URL: '' };

  beforeAll(async () => {
    world = await startWorld({ invoices: 200, creditNotes: 20, seed: 5 });
    env.CESCE_TEST_DATABASE_URL = world.pg.url;
    dir = mkdtempSync(join(tmpdir(), 'cesce-break-it-'));
    config = join(dir, 'cesce.config.json');
    // A tight rate limit: claimed items wait seconds for their slot, the window the bug needs.
    writeWorkerConfig(config, world, { rateLimit: { requestsPerSecond: 10, burst: 1 } });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a worker paused past --stale-after does not send again what another worker took over', async () => {
    const plan = await cesce(['worker', 'plan', '--config', config, '--json'], env);
    expect(plan.code, plan.stderr).toBe(0);
    const pool = world.pool();
    const sendingBy = async () => (await pool.query<{ lease_owner: string; n: string }>("SELECT lease_owner, count(*) AS n FROM cesce.items WHERE state = 'sending' GROUP BY 1")).rows;

    let paused: ChildProcess | undefined;
    const a = cesce(['worker', 'run', '--config', config, '--drain', '--concurrency', '16', '--stale-after', '2', '--json'], env, (c) => (paused = c));
    // Pause it while it holds many claimed items, most of them waiting for their rate-limit slot.
    await until('worker A to hold claimed items', async () => (await sendingBy()).some((r) => Number(r.n) >= 12));
    paused!.kill('SIGSTOP');
    try {
      const b = await cesce(['worker', 'run', '--config', config, '--drain', '--concurrency', '16', '--stale-after', '2', '--json'], env);
      expect(b.code, b.stderr).toBe(0);
      expect(JSON.parse(b.stdout).releasedWorkers).toBeGreaterThanOrEqual(1);
    } finally {
      paused!.kill('SIGCONT');
    }
    const resumed = await a;
    expect(resumed.code, resumed.stderr).toBe(0);

    const sales = await salesAtCesce(world.client(), [...new Set((await pool.query<{ e: string }>('SELECT DISTINCT endorsement_no AS e FROM cesce.items')).rows.map((r) => r.e))]);
    const perDocument = new Map<string, number>();
    for (const s of sales) {
      const k = `${s.endorsementNo}|${s.invoiceNo}|${s.amount.amount.startsWith('-') ? 'credit' : 'sale'}`;
      perDocument.set(k, (perDocument.get(k) ?? 0) + 1);
    }
    expect([...perDocument].filter(([, n]) => n > 1)).toEqual([]);
    expect(sales.length).toBe(220);
    const states = (await pool.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM cesce.items GROUP BY 1')).rows;
    expect(states.map((r) => [r.state, Number(r.n)])).toEqual([['declared', 220]]);
  }, 120_000);

  it('refuses a workers.postgres that is not a PostgreSQL URL, naming the key and not repeating its value', async () => {
    const run = await cesce(['worker', 'status', '--config', config], { CESCE_TEST_DATABASE_URL: 'host=127.0.0.1 user=cesce password=hunter2-secret dbname=cesce' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/workers\.postgres: is not a PostgreSQL URL: expected postgres:\/\//);
    expect(run.stderr + run.stdout).not.toMatch(/hunter2/);
  }, 30_000);
});

describe('cesce worker plan: documents changed in the ERP after planning', () => {
  let world: World;
  let dir: string;
  let config: string;
  const env = { CESCE_TEST_DATABASE_URL: '' };

  beforeAll(async () => {
    world = await startWorld({ invoices: 20, creditNotes: 0, seed: 11 });
    env.CESCE_TEST_DATABASE_URL = world.pg.url;
    dir = mkdtempSync(join(tmpdir(), 'cesce-break-it-'));
    config = join(dir, 'cesce.config.json');
    writeWorkerConfig(config, world);
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('declares what the ERP holds at the next plan, and names a document changed after it was declared', async () => {
    const first = await cesce(['worker', 'plan', '--config', config, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const moves = (world.dataset.odoo as unknown as { records: Record<string, Record<string, unknown>[]> }).records['account.move']!;
    const move = moves.find((m) => m.move_type === 'out_invoice' && m.state === 'posted')!;
    const halve = (fields: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(fields).filter(([k, v]) => /^amount_(total|untaxed|tax|residual)/.test(k) && typeof v === 'number').map(([k, v]) => [k, Math.round((v as number) * 50) / 100]));
    const odoo = world.odoo as unknown as { update(model: string, id: number, fields: Record<string, unknown>): void };
    const changed = halve(move);
    odoo.update('account.move', move.id as number, changed);

    const second = await cesce(['worker', 'plan', '--config', config, '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ refreshed: 1, queued: { invoices: 0, creditNotes: 0 } });
    const run = await cesce(['worker', 'run', '--config', config, '--drain', '--json'], env);
    expect(run.code, run.stderr).toBe(0);

    const pool = world.pool();
    const item = (await pool.query<{ invoice_no: string; endorsement_no: string; request_json: string }>('SELECT invoice_no, endorsement_no, request_json FROM cesce.items WHERE erp_id = $1', [String(move.id)])).rows[0]!;
    const sales = (await salesAtCesce(world.client(), [item.endorsement_no])).filter((s) => s.invoiceNo === item.invoice_no);
    expect(sales.map((s) => s.amount.amount)).toEqual([JSON.parse(item.request_json).amount.amount]);
    expect(Number(sales[0]!.amount.amount)).toBeCloseTo(changed.amount_total as number, 2);

    // Changed again once declared: not sent again, named with the sale Cesce holds.
    odoo.update('account.move', move.id as number, halve({ ...move, ...changed }));
    const third = await cesce(['worker', 'plan', '--config', config, '--json'], env);
    expect(third.code).toBe(2);
    expect(JSON.parse(third.stdout).skipped).toEqual([expect.objectContaining({ field: 'document', reason: expect.stringMatching(/changed in the ERP after it was declared to Cesce/) })]);
  }, 120_000);
});
