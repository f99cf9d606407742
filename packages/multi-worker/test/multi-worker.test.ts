import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFLICT_KB_ID, Ledger, runSync } from '@cesce-connect/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBacklog, queueStatus, runWorker } from '../src/index.js';
import { salesAtCesce, startWorld, type World } from './support.js';

describe('multi-worker mode on PostgreSQL (library)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ invoices: 600, creditNotes: 60 });
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it('plans a backlog once, and four workers declare every document exactly once, credit notes after their invoices', async () => {
    const pool = world.pool();
    const source = world.source();
    const plan = await planBacklog({ pool, source, client: world.client(), batchSize: 100 });
    await source.close();
    expect(plan.skipped).toEqual([]);
    expect(plan.queued).toEqual({ invoices: 600, creditNotes: 60 });

    // Planning again adds nothing.
    const again = world.source();
    const replan = await planBacklog({ pool, source: again, client: world.client() });
    await again.close();
    expect(replan.queued).toEqual({ invoices: 0, creditNotes: 0 });
    expect(replan.alreadyPlanned).toBe(660);

    const reports = await Promise.all([0, 1, 2, 3].map(() => runWorker({ pool: world.pool(), clients: [world.client()], concurrency: 4, drain: true, pollMs: 200 })));
    const declared = reports.reduce((n, r) => n + r.declared.invoices + r.declared.creditNotes, 0);
    expect(declared).toBe(660);
    expect(reports.filter((r) => r.declared.invoices > 0).length).toBeGreaterThan(1);

    const status = await queueStatus(pool);
    expect(status.items).toEqual([{ contractNo: plan.contractNo, state: 'declared', count: 660 }]);

    const endorsements = (await pool.query<{ e: string }>('SELECT DISTINCT endorsement_no AS e FROM cesce.items')).rows.map((r) => r.e);
    const sales = (await salesAtCesce(world.client(), endorsements)).filter((s) => !s.saleCesceReferenceNo.startsWith('SEED'));
    const byDoc = new Map<string, number>();
    for (const s of sales) {
      const k = `${s.endorsementNo}|${s.invoiceNo}|${s.amount.amount.startsWith('-') ? 'cn' : 'inv'}`;
      byDoc.set(k, (byDoc.get(k) ?? 0) + 1);
    }
    expect([...byDoc.values()].filter((n) => n > 1)).toEqual([]);
    expect(byDoc.size).toBe(660);
    // Every credit note was created at Cesce after its invoice (the emulator's references grow).
    const invoiceRef = new Map(sales.filter((s) => !s.amount.amount.startsWith('-')).map((s) => [`${s.endorsementNo}|${s.invoiceNo}`, BigInt(s.saleCesceReferenceNo)]));
    const notes = sales.filter((s) => s.amount.amount.startsWith('-'));
    expect(notes).toHaveLength(60);
    for (const n of notes) {
      const origin = invoiceRef.get(`${n.endorsementNo}|${n.originalInvoiceNo}`);
      expect(origin, `credit note ${n.invoiceNo} has no declared invoice ${n.originalInvoiceNo}`).toBeDefined();
      expect(origin! < BigInt(n.saleCesceReferenceNo), `credit note ${n.invoiceNo} declared before its invoice`).toBe(true);
    }
  }, 120_000);

  it('skips bad documents with the record and field named, and queues the rest (demo company)', async () => {
    const demo = await startWorld({ demo: true });
    try {
      const pool = demo.pool();
      const source = demo.source();
      const plan = await planBacklog({ pool, source, client: demo.client() });
      await source.close();
      expect(plan.queued.invoices).toBeGreaterThan(50);
      expect(plan.skippedCount).toBe(plan.skipped.length);
      const lines = plan.skipped.map((s) => `${s.erpRef} | ${s.field ?? ''} | ${s.reason}`);
      // The demo's planted mistakes, each named with its record and field.
      expect(lines).toContainEqual(expect.stringMatching(/^account\.move,\d+ RINV\/2026\/00014 \| reversed_entry_id \| credit note has no origin invoice/));
      expect(lines).toContainEqual(expect.stringMatching(/RINV\/2026\/\d+ \| originErpId \| its origin INV\/2026\/\d+ is not a declarable invoice/));
      expect(lines).toContainEqual(expect.stringMatching(/INV\/2026\/\d+ \| vat \| customer res\.partner,69 .*wrong check character/));
      expect(lines).toContainEqual(expect.stringMatching(/INV\/2026\/\d+ \| vat \| customer res\.partner,63 .*no tax id/));
      const reports = await Promise.all([0, 1].map(() => runWorker({ pool: demo.pool(), clients: [demo.client()], concurrency: 4, drain: true, pollMs: 200 })));
      const status = await queueStatus(pool);
      const declared = status.items.find((i) => i.state === 'declared')?.count ?? 0;
      const rejected = reports.flatMap((r) => r.rejected);
      // Each queued item ends declared or rejected with Cesce's reason (e.g. the USD invoice, a long payment term).
      expect(declared + (status.items.find((i) => i.state === 'rejected')?.count ?? 0)).toBe(plan.queued.invoices + plan.queued.creditNotes - (status.items.find((i) => i.state === 'waiting')?.count ?? 0));
      for (const r of rejected) expect(r.kbId).toMatch(/^cesce-/);
    } finally {
      await demo.close();
    }
  }, 120_000);

  it('declares everything exactly once while Cesce fails at random (5xx before and after processing, resets, hangs, 429 bursts, early token expiry)', async () => {
    const faulty = await startWorld({
      invoices: 800,
      creditNotes: 80,
      seed: 3,
      faults: {
        chaos: {
          seed: 11,
          error5xx: { rate: 0.05, afterProcessing: 0.5 },
          reset: { rate: 0.02, afterProcessing: 0.5 },
          hang: { rate: 0.004, ms: 2500, afterProcessing: 0.5 },
          burst429: { rate: 0.004, length: 3, retryAfterSeconds: 1 },
          earlyTokenExpiry: { rate: 0.5, afterSeconds: 2 },
        },
      },
    });
    try {
      const pool = faulty.pool();
      const source = faulty.source();
      // The planner's look-ups are GETs: the client retries those itself.
      const plan = await planBacklog({ pool, source, client: faulty.client({ timeoutMs: 1500 }) });
      await source.close();
      expect(plan.queued).toEqual({ invoices: 800, creditNotes: 80 });
      const reports = await Promise.all([0, 1, 2].map(() => runWorker({ pool: faulty.pool(), clients: [faulty.client({ timeoutMs: 1500 })], concurrency: 4, drain: true, pollMs: 200 })));
      const injected = ((await (await fetch(`${faulty.cesce.url}/_emulator/faults`)).json()) as { injected: Record<string, number> }).injected;
      const afterProcessing = (injected['5xx-after'] ?? 0) + (injected['reset-after'] ?? 0) + (injected['hang-after'] ?? 0);
      expect(afterProcessing, 'no fault hit a declaration after Cesce processed it: the test proves nothing').toBeGreaterThan(5);
      // Each of those was looked up and found at Cesce, not sent again.
      expect(reports.reduce((n, r) => n + r.foundAtCesce, 0)).toBeGreaterThan(0);
      expect(reports.reduce((n, r) => n + r.leftForLater, 0)).toBe(0);
      const status = await queueStatus(pool);
      expect(status.items).toEqual([{ contractNo: plan.contractNo, state: 'declared', count: 880 }]);
      const sales = await salesAtCesce(faulty.client(), [...new Set((await pool.query<{ e: string }>('SELECT DISTINCT endorsement_no AS e FROM cesce.items')).rows.map((r) => r.e))]);
      const byDoc = new Map<string, number>();
      for (const s of sales) {
        const k = `${s.endorsementNo}|${s.invoiceNo}|${s.amount.amount.startsWith('-') ? 'cn' : 'inv'}`;
        byDoc.set(k, (byDoc.get(k) ?? 0) + 1);
      }
      expect([...byDoc.entries()].filter(([, n]) => n > 1)).toEqual([]);
      expect(byDoc.size).toBe(880);
    } finally {
      await faulty.close();
    }
  }, 180_000);

  it('does not queue what cesce sync (or anyone) already declared: found at Cesce and recorded, so running both never declares twice', async () => {
    const both = await startWorld({ invoices: 150, creditNotes: 15, seed: 21 });
    const dir = mkdtempSync(join(tmpdir(), 'cesce-mw-sync-'));
    const ledger = new Ledger(join(dir, 'ledger.sqlite'));
    try {
      const syncSource = both.source();
      const synced = await runSync({ source: syncSource, client: both.client(), ledger });
      await syncSource.close();
      expect(synced.salesDeclared + synced.creditNotesDeclared).toBe(165);
      // One invoice changed in the ERP since cesce sync declared it: Cesce holds its number with
      // another amount, a conflict recorded and never sent.
      const moves = (both.dataset.odoo as unknown as { records: Record<string, Record<string, unknown>[]> }).records['account.move']!;
      const credited = new Set(moves.map((m) => m.reversed_entry_id).filter(Array.isArray).map((r) => (r as unknown[])[0]));
      const move = moves.find((m) => m.move_type === 'out_invoice' && m.state === 'posted' && !credited.has(m.id))!;
      const halved = Object.fromEntries(
        Object.entries(move).filter(([k, v]) => /^amount_(total|untaxed|tax|residual)/.test(k) && typeof v === 'number').map(([k, v]) => [k, Math.round((v as number) * 50) / 100]),
      );
      (both.odoo as unknown as { update(model: string, id: number, fields: Record<string, unknown>): void }).update('account.move', move.id as number, halved);
      const pool = both.pool();
      const source = both.source();
      const plan = await planBacklog({ pool, source, client: both.client() });
      await source.close();
      expect(plan.queued).toEqual({ invoices: 0, creditNotes: 0 });
      expect(plan.foundAtCesce).toBe(164);
      expect(plan.conflicts).toEqual([{ erpRef: expect.stringContaining(String(move.name)), message: expect.stringMatching(/^Cesce already holds sale \d+ for .* with amount .*, but the ERP says .*: correct the ERP or have the sale corrected at Cesce/) }]);
      const reports = await Promise.all([0, 1].map(() => runWorker({ pool: both.pool(), clients: [both.client()], drain: true, pollMs: 200 })));
      expect(reports.reduce((n, r) => n + r.requests.cesce, 0)).toBe(0);
      const status = await queueStatus(pool);
      expect(status.items).toEqual([
        { contractNo: plan.contractNo, state: 'declared', count: 164 },
        { contractNo: plan.contractNo, state: 'rejected', count: 1 },
      ]);
      expect(status.rejected).toEqual([expect.objectContaining({ kbId: CONFLICT_KB_ID, httpStatus: 0 })]);
      const sales = await salesAtCesce(both.client(), [...new Set((await pool.query<{ e: string }>('SELECT DISTINCT endorsement_no AS e FROM cesce.items')).rows.map((r) => r.e))]);
      expect(sales).toHaveLength(165);
      // And the Cesce reference each item records is the one cesce sync got.
      const refs = (await pool.query<{ key: string; cesce_ref: string }>('SELECT key, cesce_ref FROM cesce.items')).rows;
      for (const r of refs) expect(ledger.get(r.key)?.cesceRef).toBe(r.cesce_ref);
    } finally {
      ledger.close();
      rmSync(dir, { recursive: true, force: true });
      await both.close();
    }
  }, 120_000);
});
