/**
 * The operator queries on real SQLite ledger files: exact sums per currency, month and customer;
 * filters; which items a retry may touch; what a retry changes and keeps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findEntry } from '@cesce-connect/core';
import { CONFLICT_KB_ID, Ledger, type ItemKind } from './ledger.js';
import { applyRetry, exportItems, ledgerStatus, needsAttention, planRetry, toCsv } from './operator.js';

const C = '34109150331';
let dir: string;
let ledger: Ledger;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-operator-'));
  ledger = new Ledger(join(dir, 'ledger.sqlite'));
});
afterEach(() => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

function send(erpId: string, opts: { kind?: ItemKind; amount?: string; currency?: string; date?: string; debtor?: string; number?: string; company?: string } = {}): string {
  const kind = opts.kind ?? 'invoice';
  const date = opts.date ?? '20261005';
  const number = opts.number ?? `INV/${erpId}`;
  ledger.markSending({
    contractNo: C,
    kind,
    erpId,
    erpRef: kind === 'classification' ? `res.partner,${erpId} ${opts.company}` : `account.move,${erpId} ${number}`,
    debtorErpId: opts.debtor ?? '7',
    payloadHash: `h${erpId}`,
    requestJson: JSON.stringify(
      kind === 'classification'
        ? { taxCode: 'B98163694', countryCode: 'ES', companyName: opts.company, requestedLimit: '1000,00' }
        : { endorsementNo: '41', invoiceNo: number, invoiceDate: date, dueDate: '20261204', amount: opts.amount ?? '0,10', currencyCode: opts.currency ?? 'EUR', taxCode: 'B98163694' },
    ),
    endorsementNo: '41',
    invoiceNo: kind === 'classification' ? null : number,
    invoiceMonth: kind === 'classification' ? null : date.slice(0, 6),
  });
  return `${kind === 'classification' ? 'classification' : 'sale'}:${C}:${erpId}`;
}

describe('ledgerStatus', () => {
  it('sums amounts exactly per currency, month and customer, credit notes negative', () => {
    // 0.1 + 0.2 in floats is 0.30000000000000004; ten 0.10 sum to 0.9999999999999999.
    for (let i = 0; i < 10; i++) ledger.markDeclared(send(`${i}`, { amount: '0,10' }), `R${i}`);
    ledger.markDeclared(send('20', { amount: '0,20', date: '20261101', debtor: '8' }), 'R20');
    ledger.markDeclared(send('21', { kind: 'credit_note', amount: '-0,05', date: '20261101', debtor: '8' }), 'R21');
    ledger.markDeclared(send('22', { amount: '99999999999999,99', currency: 'USD', debtor: '8' }), 'R22');
    ledger.markRejected(send('30', { amount: '12,34' }), 400, 'cesce-400-adjust-to-policy', 'La divisa no está permitida');
    ledger.markFailed(send('31', { amount: '1,01' }), 'timeout', null, null);
    send('32', { amount: '2,02' }); // left sending
    ledger.markDeclared(send('8', { kind: 'classification', company: 'Cerámicas, "Sol" SA', debtor: '8' }), '555');

    const s = ledgerStatus(ledger);
    expect(s.totals.declared).toEqual({ count: 13, amounts: { EUR: '1.15', USD: '99999999999999.99' } });
    expect(s.totals.pending).toEqual({ count: 2, amounts: { EUR: '3.03' } });
    expect(s.totals.rejected).toEqual({ count: 1, amounts: { EUR: '12.34' } });
    expect(s.byState).toEqual({ sending: 1, declared: 14, rejected: 1, failed: 1 });
    expect(s.classifications).toEqual({ requested: 1, rejected: 0, pending: 0 });
    expect(s.months.map((m) => [m.month, m.declared.amounts])).toEqual([
      ['2026-10', { EUR: '1.00', USD: '99999999999999.99' }],
      ['2026-11', { EUR: '0.15' }],
    ]);
    const named = s.customers.find((c) => c.debtorErpId === '8')!;
    expect(named.customer).toBe('Cerámicas, "Sol" SA');
    expect(named.declared.amounts).toEqual({ EUR: '0.15', USD: '99999999999999.99' });
    expect(s.customers.find((c) => c.debtorErpId === '7')!.customer).toBe('customer 7 (B98163694)');

    const entry = findEntry('cesce-400-adjust-to-policy')!;
    expect(s.rejected).toEqual([expect.objectContaining({ key: `sale:${C}:30`, httpStatus: 400, cause: entry.cause.en, fix: entry.fix.en, amount: '12.34', month: '2026-10' })]);
    expect(ledgerStatus(ledger, { lang: 'es' }).rejected[0]!.fix).toBe(entry.fix.es);
    expect(s.pending.map((p) => [p.key, p.state])).toEqual([
      [`sale:${C}:31`, 'failed'],
      [`sale:${C}:32`, 'sending'],
    ]);
    expect(needsAttention(s)).toBe(true);

    // Filters: by month, and by customer (id, tax code or part of the name, any case).
    expect(ledgerStatus(ledger, { month: '2026-11' }).totals.declared).toEqual({ count: 2, amounts: { EUR: '0.15' } });
    expect(needsAttention(ledgerStatus(ledger, { month: '2026-11' }))).toBe(false);
    expect(ledgerStatus(ledger, { customer: 'cerámicas' }).totals.declared.count).toBe(3);
    expect(ledgerStatus(ledger, { customer: '8' }).classifications.requested).toBe(1);
    expect(() => ledgerStatus(ledger, { month: '10/2026' })).toThrow(/--month must be a month as YYYY-MM/);
  });

  it('shows the lock holder and an unfinished run as running', () => {
    const id = ledger.startRun(false);
    ledger.acquireLock();
    const s = ledgerStatus(ledger);
    expect(s.lock).toMatchObject({ pid: process.pid });
    expect(s.runs).toEqual([expect.objectContaining({ id, outcome: 'running', counts: null })]);
    ledger.releaseLock();
    ledger.finishRun(id, { salesDeclared: 3, creditNotesDeclared: 1, rejected: [{}], failed: [], skipped: 4, conflicts: [] });
    expect(ledgerStatus(ledger).runs[0]).toMatchObject({ outcome: 'finished', counts: { declared: 3, creditNotes: 1, rejected: 1, failed: 0, skipped: 4 } });
  });

  it('names customers as the sync read them from the ERP, and finds them by name', () => {
    send('1', { debtor: '21', amount: '10,00' });
    ledger.markDeclared(`sale:${C}:1`, 'V1');
    ledger.recordDebtors(C, [{ erpId: '21', name: 'Transportes Ribera SL', taxCode: 'B98163694' }]);
    const s = ledgerStatus(ledger, { customer: 'ribera' });
    expect(s.customers).toEqual([expect.objectContaining({ debtorErpId: '21', customer: 'Transportes Ribera SL' })]);
    expect(s.totals.declared.count).toBe(1);
  });

  it('a run stopped by an error is shown with that error, not as killed', () => {
    ledger.startRun(false);
    ledger.failRun('Cesce sales.list failed: fetch failed (ECONNREFUSED)');
    expect(ledgerStatus(ledger).runs[0]).toMatchObject({ outcome: 'failed', error: 'Cesce sales.list failed: fetch failed (ECONNREFUSED)', counts: null });
  });
});

describe('retry', () => {
  it('takes % and _ in an id as characters, not as wildcards', () => {
    send('42', { number: 'INV/2026/00042' });
    ledger.markRejected(`sale:${C}:42`, 400, 'cesce-400-generic', 'x');
    send('43', { number: 'FAC_001' });
    ledger.markRejected(`sale:${C}:43`, 400, 'cesce-400-generic', 'x');
    expect(() => planRetry(ledger, { id: '%0042' })).toThrow(/No ledger item has/);
    expect(() => planRetry(ledger, { id: 'FAC%001' })).toThrow(/No ledger item has/);
    expect(planRetry(ledger, { id: 'FAC_001' }).targets.map((t) => t.key)).toEqual([`sale:${C}:43`]);
    expect(planRetry(ledger, { id: 'INV/2026/00042' }).targets.map((t) => t.key)).toEqual([`sale:${C}:42`]);
    expect(() => planRetry(ledger, { id: '2026/00042' })).toThrow(/No ledger item has/);
  });

  it('refuses declared, in-flight and conflicting items, and ambiguous or unknown ids', () => {
    ledger.markDeclared(send('1'), 'R1');
    send('2');
    ledger.recordConflict(
      { contractNo: C, kind: 'invoice', erpId: '3', erpRef: 'account.move,3 INV/3', debtorErpId: '7', payloadHash: 'h', requestJson: '{}', invoiceNo: 'INV/3' },
      'Cesce holds another sale',
    );
    ledger.markRejected(send('4', { number: 'DUP' }), 400, 'cesce-400-sale-data', 'x');
    ledger.markRejected(send('5', { number: 'DUP', kind: 'credit_note' }), 400, 'cesce-400-sale-data', 'y');
    expect(() => planRetry(ledger, { id: `sale:${C}:1` })).toThrow(/already declared to Cesce \(Cesce reference R1\): retrying it would declare it twice/);
    expect(() => planRetry(ledger, { id: 'INV/1' })).toThrow(/already declared/);
    expect(() => planRetry(ledger, { id: 'INV/2' })).toThrow(/outcome at Cesce is not known yet/);
    expect(() => planRetry(ledger, { id: 'INV/3' })).toThrow(/Cesce holds a different sale/);
    expect(() => planRetry(ledger, { id: 'DUP' })).toThrow(/matches 2 ledger items/);
    expect(() => planRetry(ledger, { id: 'nothing' })).toThrow(/No ledger item has/);
    expect(planRetry(ledger, { id: `sale:${C}:4` }).targets).toEqual([expect.objectContaining({ key: `sale:${C}:4`, state: 'rejected' })]);
  });

  it('--all-retryable takes failed items and retryable rejections only; a retry keeps the rejection it replaces', () => {
    const failed = send('1');
    ledger.markFailed(failed, 'HTTP 503', 503, 'cesce-500-service-unavailable');
    const busy = send('2');
    ledger.markRejected(busy, 429, 'cesce-429-rate-limit', 'Demasiadas peticiones');
    const bad = send('3');
    ledger.markRejected(bad, 400, 'cesce-400-sale-data', 'Fecha inválida');
    ledger.recordConflict({ contractNo: C, kind: 'invoice', erpId: '4', erpRef: 'r4', debtorErpId: '7', payloadHash: 'h', requestJson: '{}' }, 'conflict');
    ledger.markDeclared(send('5'), 'R5');

    const plan = planRetry(ledger, { allRetryable: true });
    expect(plan.targets.map((t) => t.key)).toEqual([failed, busy]);
    expect(plan.leftAlone.map((l) => l.key)).toEqual([bad, `sale:${C}:4`]);
    const records = applyRetry(ledger, plan);
    expect(records.map((r) => [r.key, r.previousState])).toEqual([
      [failed, 'failed'],
      [busy, 'rejected'],
    ]);
    // The rejected item is now to be checked at Cesce and planned again; the failed one unchanged.
    expect(ledger.get(busy)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(ledger.get(busy)!.lastError).toContain('was rejected: HTTP 429 [cesce-429-rate-limit] Demasiadas peticiones');
    expect(ledger.get(failed)).toMatchObject({ state: 'failed', lastError: 'HTTP 503' });
    expect(ledger.get(bad)!.state).toBe('rejected');
    // Rejected again later: status still shows it was retried, and export counts the retry.
    ledger.markSending({ contractNo: C, kind: 'invoice', erpId: '2', erpRef: 'account.move,2 INV/2', debtorErpId: '7', payloadHash: 'h2', requestJson: '{}' });
    ledger.markRejected(busy, 429, 'cesce-429-rate-limit', 'Demasiadas peticiones');
    expect(ledgerStatus(ledger).rejected.find((r) => r.key === busy)!.retriedBefore).toEqual([expect.objectContaining({ previousState: 'rejected', httpStatus: 429 })]);
    expect(exportItems(ledger).find((r) => r.key === busy)!.retries).toBe(1);
    expect(ledger.get(`sale:${C}:4`)!.kbId).toBe(CONFLICT_KB_ID);
  });

  it('refuses to change the ledger while another live process holds it', () => {
    ledger.markRejected(send('1'), 400, 'cesce-400-sale-data', 'x');
    ledger.database.prepare('INSERT INTO lock (id, pid, host, acquired_at) VALUES (1, ?, ?, ?)').run(process.ppid, hostname(), new Date().toISOString());
    expect(() => applyRetry(ledger, planRetry(ledger, { id: 'INV/1' }))).toThrow(/in use by another cesce sync/);
    expect(ledger.get(`sale:${C}:1`)!.state).toBe('rejected');
  });
});

describe('toCsv', () => {
  it('--excel: byte-order mark, semicolons and decimal commas, quoting what holds a semicolon', () => {
    send('1', { amount: '1234,56', number: 'INV;1' });
    ledger.markDeclared(`sale:${C}:1`, 'V1');
    const csv = toCsv(exportItems(ledger), { excel: true });
    expect(csv.startsWith('\uFEFFkey;contract_no;')).toBe(true);
    const row = csv.split('\r\n')[1]!;
    expect(row).toContain(';1234,56;EUR;');
    expect(row).toContain('"INV;1"');
  });

  it('quotes per RFC 4180 and writes null as an empty field', () => {
    ledger.markRejected(send('1', { number: 'A,"B"\nC' }), 400, 'cesce-400-sale-data', ' spaced ');
    const csv = toCsv(exportItems(ledger));
    const [header, row] = csv.split('\r\n');
    expect(header!.split(',')[0]).toBe('key');
    expect(row).toContain('"A,""B""\nC"');
    expect(row).toContain('," spaced ",');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
