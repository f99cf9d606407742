/**
 * Acceptance of the operator commands against the emulators (both on 127.0.0.1, the built CLI as
 * its own process, real ledger files): `cesce status` after a run with rejections lists each one
 * with its knowledge-base fix and sums amounts exactly; `cesce retry` of a rejected item sends it
 * again (declared once after the data is fixed in Odoo, rejected again while it is not) and never
 * retries a declared one; `cesce ledger export` CSV parses back to the JSON export's values,
 * names with commas, quotes, line breaks, accents and emoji included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addDecimal, findEntry } from '@cesce-connect/core';
import { startCesceEmulator } from '@cesce-connect/sandbox';
import { Ledger } from '@cesce-connect/sync';
import { startOdooEmulator, type OdooDataset } from '@cesce-connect/connector-odoo/testing';
import { demoCesceClient, demoDir, runCli } from './test-support.js';

const demoConfig = join(demoDir, 'cesce.config.json');
const demo = JSON.parse(readFileSync(join(demoDir, 'odoo-dataset.json'), 'utf8')) as OdooDataset;
const dir = mkdtempSync(join(tmpdir(), 'cesce-operator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An RFC 4180 parser written for this test (independent of the exporter). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}

async function salesAtCesce(url: string): Promise<{ invoiceNo: string; amount: string; currency: string }[]> {
  const out: { invoiceNo: string; amount: string; currency: string }[] = [];
  for await (const s of demoCesceClient(url).sales.list({ pageSize: 500 })) out.push({ invoiceNo: s.invoiceNo, amount: s.amount.amount, currency: s.amount.currency });
  return out;
}

describe('cesce status, retry and ledger export after a demo sync', () => {
  it('lists each rejection with its fix, retries a fixed one into exactly one declaration, and refuses a declared one', async () => {
    const [cesce, odoo] = await Promise.all([startCesceEmulator(), startOdooEmulator({ dataset: structuredClone(demo) })]);
    try {
      const env = { CESCE_BASE_URL: cesce.url, ODOO_URL: odoo.url };
      const ledger = join(dir, 'demo.sqlite');
      const first = await runCli(['sync', '--config', demoConfig, '--ledger', ledger, '--json'], env);
      const run = JSON.parse(first.stdout) as { rejected: { erpRef: string; kbId: string }[] };
      expect(run.rejected.length).toBeGreaterThan(0);

      // Status: every rejection, with HTTP status, Cesce's message and the KB's cause and fix.
      const statusJson = await runCli(['status', '--config', demoConfig, '--ledger', ledger, '--json']);
      expect(statusJson.code).toBe(2);
      const status = JSON.parse(statusJson.stdout);
      expect(status.rejected.map((r: { erpRef: string }) => r.erpRef).sort()).toEqual(run.rejected.map((r) => r.erpRef).sort());
      for (const r of status.rejected) {
        const entry = findEntry(r.kbId)!;
        expect(entry).toBeDefined();
        expect(r.httpStatus).toBe(400);
        expect(r.message).not.toBe('');
        expect(r.cause).toBe(entry.cause.en);
        expect(r.fix).toBe(entry.fix.en);
      }
      const text = await runCli(['status', '--config', demoConfig, '--ledger', ledger]);
      expect(text.code).toBe(2);
      for (const r of status.rejected) {
        const at = text.stdout.indexOf(r.erpRef);
        expect(at).toBeGreaterThan(-1);
        expect(text.stdout.slice(at)).toContain(`fix: ${findEntry(r.kbId)!.fix.en}`);
      }

      // The audit trail of a declared invoice and of a rejected one: what was sent, what Cesce said.
      const held = await salesAtCesce(cesce.url);
      const declaredNo = held[0]!.invoiceNo;
      const trail = await runCli(['ledger', 'exchanges', '--ledger', ledger, '--id', declaredNo, '--json']);
      expect(trail.code).toBe(0);
      const { item, exchanges } = JSON.parse(trail.stdout) as { item: { state: string }; exchanges: { operation: string; method: string; status: number; requestBody: string; responseBody: string }[] };
      expect(item.state).toBe('declared');
      const create = exchanges.find((e) => e.operation === 'sales.create')!;
      expect(create).toMatchObject({ method: 'POST', status: 201 });
      expect(JSON.parse(create.requestBody).invoiceNo).toBe(declaredNo);
      expect(create.responseBody).toContain('saleCesceReferenceNo');
      const rejectedTrail = await runCli(['ledger', 'exchanges', '--ledger', ledger, '--id', status.rejected[0].erpRef.split(' ').pop()]);
      expect(rejectedTrail.stdout).toMatch(/POST .*→ 400 in \d+ ms/);
      for (const out of [trail.stdout, rejectedTrail.stdout]) {
        expect(out).not.toMatch(/demo-client-secret|demo-odoo-key|Bearer/i);
      }

      // Declared amounts are exact: the per-currency total equals what Cesce holds, summed exactly.
      const atCesce: Record<string, string> = {};
      for (const s of held) atCesce[s.currency] = addDecimal(atCesce[s.currency] ?? '0', s.amount);
      expect(status.totals.declared.amounts).toEqual(atCesce);
      expect(status.totals.declared.count).toBe(held.length);
      const months = status.months.reduce((sum: string, m: { declared: { amounts: Record<string, string> } }) => addDecimal(sum, m.declared.amounts.EUR ?? '0'), '0');
      expect(months).toBe(atCesce.EUR);
      // Filters: a month without rejections is all well (exit 0).
      const september = await runCli(['status', '--ledger', ledger, '--month', '2026-09', '--json']);
      expect(september.code).toBe(0);
      expect(JSON.parse(september.stdout).rejected).toEqual([]);
      const bad = await runCli(['status', '--ledger', ledger, '--month', '2026-13']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('--month must be a month as YYYY-MM');
      const missing = await runCli(['status', '--ledger', join(dir, 'nope.sqlite')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(`There is no ledger at ${join(dir, 'nope.sqlite')}`);

      // A declared item is never retried, by key or by number.
      const declared = (JSON.parse((await runCli(['ledger', 'export', '--ledger', ledger, '--format', 'json', '--state', 'declared'])).stdout) as { key: string; invoice_no: string | null; kind: string }[]).find(
        (i) => i.kind === 'invoice',
      )!;
      for (const id of [declared.key, declared.invoice_no!]) {
        const refused = await runCli(['retry', '--config', demoConfig, '--ledger', ledger, '--id', id], env);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('is already declared to Cesce');
      }
      const neither = await runCli(['retry', '--config', demoConfig, '--ledger', ledger], env);
      expect(neither.code).toBe(1);
      expect(neither.stderr).toContain('give exactly one of --id KEY and --all-retryable');

      // --all-retryable leaves alone rejections that need a fix first (bad data: not retryable).
      const all = await runCli(['retry', '--config', demoConfig, '--ledger', ledger, '--all-retryable', '--json'], env);
      expect(all.code).toBe(0);
      expect(JSON.parse(all.stdout)).toMatchObject({ retried: [], leftAlone: expect.arrayContaining([expect.objectContaining({ kbId: 'cesce-400-adjust-to-policy' })]) });

      // Retry of an unfixed rejection sends it again: Cesce rejects it again, as a new rejection.
      const usd = status.rejected.find((r: { message: string }) => r.message.includes('USD'));
      const again = await runCli(['retry', '--config', demoConfig, '--ledger', ledger, '--id', usd.key, '--json'], env);
      const againOut = JSON.parse(again.stdout);
      expect(againOut.retried).toHaveLength(1);
      expect(againOut.sync.rejected.map((r: { erpRef: string }) => r.erpRef)).toEqual([usd.erpRef]);
      expect(againOut.items).toEqual([expect.objectContaining({ key: usd.key, state: 'rejected' })]);
      const afterRetry = JSON.parse((await runCli(['status', '--ledger', ledger, '--json'])).stdout);
      const usdNow = afterRetry.rejected.find((r: { key: string }) => r.key === usd.key);
      expect(usdNow.retriedBefore).toHaveLength(1);
      expect(usdNow.retriedBefore[0]).toMatchObject({ previousState: 'rejected', kbId: 'cesce-400-adjust-to-policy' });

      // The payment term fixed in Odoo, then retried by invoice number: declared exactly once.
      const term = status.rejected.find((r: { message: string }) => !r.message.includes('USD'));
      const erpId = term.key.split(':')[2];
      odoo.update('account.move', Number(erpId), { invoice_date_due: '2026-12-04' });
      const dry = await runCli(['retry', '--config', demoConfig, '--ledger', ledger, '--id', term.invoiceNo, '--dry-run', '--json'], env);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout).sync).toMatchObject({ dryRun: true, salesDeclared: 1 });
      expect((await salesAtCesce(cesce.url)).filter((s) => s.invoiceNo === term.invoiceNo)).toHaveLength(0);
      const fixed = await runCli(['retry', '--config', demoConfig, '--ledger', ledger, '--id', term.invoiceNo], env);
      expect(fixed.stdout).toMatch(new RegExp(`${term.erpRef.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')} \\[${term.key}\\]: declared \\(Cesce reference \\d+\\)`));
      const next = JSON.parse((await runCli(['sync', '--config', demoConfig, '--ledger', ledger, '--json'], env)).stdout);
      expect(next.salesDeclared).toBe(0);
      const finalSales = await salesAtCesce(cesce.url);
      expect(finalSales.filter((s) => s.invoiceNo === term.invoiceNo)).toHaveLength(1);
      expect(new Set(finalSales.map((s) => s.invoiceNo)).size).toBe(finalSales.length);
      const finalStatus = JSON.parse((await runCli(['status', '--ledger', ledger, '--json'])).stdout);
      expect(finalStatus.rejected.map((r: { key: string }) => r.key)).toEqual([usd.key]);
    } finally {
      await Promise.all([cesce.close(), odoo.close()]);
    }
  }, 60_000);

  it('exports every item as CSV that parses back to the JSON export, awkward names intact', async () => {
    const file = join(dir, 'names.sqlite');
    const ledger = new Ledger(file);
    const names = ['Muebles, Sillas y "Mesas" SL', 'Línea 1\nLínea 2\r\nfin', 'Café Ñandú 🦙 Ltda.', "Robert'); DROP TABLE items;--", ' leading and trailing '];
    names.forEach((name, i) => {
      const erpId = String(100 + i);
      const input = {
        contractNo: '34109150331',
        kind: 'invoice' as const,
        erpId,
        erpRef: `account.move,${erpId} ${name}`,
        debtorErpId: '7',
        payloadHash: `h${i}`,
        requestJson: JSON.stringify({ endorsementNo: '4100001', invoiceNo: name, invoiceDate: '20261005', dueDate: '20261204', amount: `1234,0${i}`, currencyCode: 'EUR' }),
        invoiceNo: name,
        invoiceMonth: '202610',
      };
      ledger.markSending(input);
      if (i % 2 === 0) ledger.markDeclared(`sale:34109150331:${erpId}`, `90000${i}`);
      else ledger.markRejected(`sale:34109150331:${erpId}`, 400, 'cesce-400-sale-data', `Dato inválido: "${name}"`);
    });
    ledger.close();
    const json = await runCli(['ledger', 'export', '--ledger', file, '--format', 'json']);
    expect(json.code).toBe(0);
    const items = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(items.map((i) => i.invoice_no)).toEqual(names);
    expect(items.map((i) => i.amount)).toEqual(['1234.00', '1234.01', '1234.02', '1234.03', '1234.04']);
    expect(items[0]).toMatchObject({ invoice_date: '2026-10-05', due_date: '2026-12-04', currency: 'EUR', state: 'declared', cesce_ref: '900000' });

    const out = join(dir, 'names.csv');
    const csv = await runCli(['ledger', 'export', '--ledger', file, '--format', 'csv', '--output', out]);
    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(rows).toHaveLength(items.length);
    rows.forEach((row, r) => {
      expect(row).toHaveLength(header!.length);
      header!.forEach((column, c) => {
        const value = items[r]![column];
        expect(row[c]).toBe(value === null ? '' : String(value));
      });
    });
    const rejected = await runCli(['ledger', 'export', '--ledger', file, '--format', 'csv', '--state', 'rejected']);
    expect(parseCsv(rejected.stdout).slice(1).map((r) => r[header!.indexOf('invoice_no')])).toEqual([names[1], names[3]]);
    const badFormat = await runCli(['ledger', 'export', '--ledger', file, '--format', 'xml']);
    expect(badFormat.code).toBe(1);
    expect(badFormat.stderr).toContain("--format must be csv or json, not 'xml'");
  }, 20_000);
});
