import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CesceClient, compareWatermarks, toInvoiceMonth } from '@cesce-connect/core';
import { startCesceEmulator, type SandboxData } from '@cesce-connect/sandbox';
import { runSync } from './engine.js';
import { itemKey, Ledger } from './ledger.js';
import { exitCodeFor, formatReport } from './report.js';
import { creditNote, debtor, invoice, MemorySource } from './testing/memory-source.js';

const CONTRACT = '34109150331';

function sandboxData(): SandboxData {
  return {
    applications: [
      {
        clientId: 'app',
        clientSecret: 'app-secret',
        scopes: ['create', 'read', 'update', 'delete'],
        products: ['oauth', 'classifications', 'sales'],
        policyholderTaxCode: 'B65410011',
      },
    ],
    policies: [
      {
        contractNo: CONTRACT,
        policyholderTaxCode: 'B65410011',
        policyholderName: 'Industrias Demo Levante SL',
        effectiveDate: '2026-01-01',
        expiryDate: '2031-12-31',
        currencies: ['EUR'],
        options: { creditNotes: true, endorsements: true, maxPaymentTermDays: 180 },
        classificationRules: { autoGrantUpTo: '150000.00', deniedTaxCodes: ['B46000001'], inProgressTaxCodes: [] },
        classifications: [
          {
            requestNo: '500',
            endorsementNo: '500',
            taxCode: 'A58818501',
            countryCode: 'ES',
            companyName: 'Clasificada SA',
            creditLimitRequested: '50000.00',
            creditLimitGranted: '40000.00',
            currencyCode: 'EUR',
            statusCode: '2',
            requestEntryDate: '2026-02-01',
            classificationDate: '2026-02-03',
          },
          {
            requestNo: '501',
            endorsementNo: null,
            taxCode: 'B12345674',
            countryCode: 'ES',
            companyName: 'En Trámite SL',
            creditLimitRequested: '300000.00',
            creditLimitGranted: '0.00',
            currencyCode: 'EUR',
            statusCode: '1',
            requestEntryDate: '2026-11-20',
          },
        ],
      },
    ],
  };
}

let emulator: Awaited<ReturnType<typeof startCesceEmulator>>;
let dir: string;
let ledger: Ledger;

beforeEach(async () => {
  emulator = await startCesceEmulator({ data: sandboxData() });
  dir = mkdtempSync(join(tmpdir(), 'cesce-sync-'));
  ledger = new Ledger(join(dir, 'ledger.sqlite'));
});

afterEach(async () => {
  ledger.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function cesce(): CesceClient {
  return new CesceClient({
    environment: 'sandbox',
    baseUrl: emulator.url,
    contractNo: CONTRACT,
    credentials: { clientId: 'app', clientSecret: 'app-secret' },
    retry: { limit: 1, baseDelayMs: 1, maxDelayMs: 2 },
  });
}

async function salesAtCesce(): Promise<{ invoiceNo: string; amount: string; originalInvoiceNo: string | null }[]> {
  const out = [];
  for await (const s of cesce().sales.list({ pageSize: 500 })) out.push({ invoiceNo: s.invoiceNo, amount: s.amount.amount, originalInvoiceNo: s.originalInvoiceNo });
  return out;
}

/** A classified customer, one in progress, one flagged for a request, one flagged without a tax id, one unclassified. */
function scenario(): MemorySource {
  const classified = debtor('1', { taxCode: 'A58818501' });
  const inProgress = debtor('2', { taxCode: 'B12345674' });
  const flagged = debtor('3', { taxCode: 'B65410011', name: 'Nueva Cliente SL', requestedCreditLimit: { currency: 'EUR', amount: '60000.00' } });
  const noVat = debtor('4', {
    requestedCreditLimit: { currency: 'EUR', amount: '10000.00' },
    issues: [{ record: 'res.partner,4', field: 'vat', message: 'no tax id (VAT) is set', severity: 'blocking' }],
  });
  const unclassified = debtor('5', { taxCode: '12345678Z' });
  const denied = debtor('6', { taxCode: 'B46000001', requestedCreditLimit: { currency: 'EUR', amount: '20000.00' } });
  const inv1 = invoice('101', '1');
  const inv2 = invoice('102', '1', { invoiceDate: '2026-10-05', total: { currency: 'EUR', amount: '2420.55' } });
  const inv3 = invoice('103', '3', { invoiceDate: '2026-10-07' });
  const docs = [
    // The credit note comes first in ERP order: the engine must still declare its invoice first.
    creditNote('201', '1', inv1, { invoiceDate: '2026-10-02' }),
    inv1,
    inv2,
    inv3,
    creditNote('202', '1', null),
    invoice('104', '2'),
    invoice('105', '5'),
    invoice('106', '1', { total: { currency: 'USD', amount: '500.00' } }),
    invoice('107', '1', { dueDate: '2026-10-01' }),
    invoice('108', '1', { dueDate: null, issues: [{ record: 'account.move,108', field: 'invoice_date_due', message: 'has no due date', severity: 'blocking' }] }),
    creditNote('203', '1', invoice('106', '1')),
  ];
  return new MemorySource([classified, inProgress, flagged, noVat, unclassified, denied], docs);
}

describe('runSync against the Cesce emulator', () => {
  it('requests classifications for flagged customers, declares sales before credit notes, and explains the rest', async () => {
    const source = scenario();
    const report = await runSync({ source, client: cesce(), ledger });

    expect(report.classificationsRequested).toBe(2);
    expect(report.classifications.map((c) => [c.erpRef, c.state])).toEqual(
      expect.arrayContaining([
        ['res.partner,3 Cliente 3', 'classified'],
        ['res.partner,6 Cliente 6', 'denied'],
      ]),
    );
    // inv1, inv2 on the classified customer; inv3 on the customer classified in this run.
    expect(report.salesDeclared).toBe(3);
    expect(report.creditNotesDeclared).toBe(1);
    expect(report.rejected).toEqual([
      expect.objectContaining({ erpRef: 'account.move,106 INV/2026/00106', httpStatus: 400, kbId: 'cesce-400-adjust-to-policy' }),
    ]);
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.erpRef, s.reason]));
    expect(reasons['res.partner,4 Cliente 4']).toMatch(/no tax id/);
    expect(reasons['account.move,202 RINV/2026/00202']).toMatch(/no origin/);
    expect(reasons['account.move,104 INV/2026/00104']).toMatch(/In progress/);
    expect(reasons['account.move,105 INV/2026/00105']).toMatch(/no Cesce classification/);
    expect(reasons['account.move,107 INV/2026/00107']).toMatch(/cash sale/);
    expect(reasons['account.move,108 INV/2026/00108']).toMatch(/no due date/);
    expect(reasons['account.move,203 RINV/2026/00203']).toMatch(/waits for its invoice INV\/2026\/00106, which was rejected/);
    expect(exitCodeFor(report)).toBe(2);

    const sales = await salesAtCesce();
    expect(sales.map((s) => s.invoiceNo)).toEqual(['INV/2026/00101', 'INV/2026/00102', 'INV/2026/00103', 'RINV/2026/00201']);
    expect(sales[1]!.amount).toBe('2420.55');
    expect(sales[3]).toEqual({ invoiceNo: 'RINV/2026/00201', amount: '-121.00', originalInvoiceNo: 'INV/2026/00101' });

    expect(source.saleWrites.filter((w) => w.state === 'declared').map((w) => w.documentErpId).sort()).toEqual(['101', '102', '103', '201']);
    expect(source.saleWrites.filter((w) => w.state === 'rejected').map((w) => w.documentErpId)).toEqual(['106']);
    expect(source.classificationWrites.find((w) => w.debtorErpId === '3')).toMatchObject({
      state: 'classified',
      stateLabel: 'Clasificado',
      grantedLimit: { currency: 'EUR', amount: '60000.00' },
    });
    expect(formatReport(report)).toMatch(/Rejected:\n {2}account\.move,106 INV\/2026\/00106: HTTP 400 La divisa USD/);
  });

  it('declares nothing new on a second run and exits 0', async () => {
    const source = scenario();
    await runSync({ source, client: cesce(), ledger });
    const before = (await salesAtCesce()).length;
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.classificationsRequested).toBe(0);
    expect(second.salesDeclared + second.creditNotesDeclared).toBe(0);
    expect(second.alreadyDeclared).toBe(4);
    expect(second.stillRejected).toEqual([
      expect.objectContaining({ erpRef: 'account.move,106 INV/2026/00106', httpStatus: 400, kbId: 'cesce-400-adjust-to-policy', fix: expect.stringMatching(/policy/) }),
    ]);
    expect(second.writeBack.partners).toBe(0); // nothing changed at Cesce: customers are not rewritten
    expect(formatReport(second)).toMatch(/Still rejected from earlier runs .*:\n {2}account\.move,106 INV\/2026\/00106: HTTP 400 La divisa USD/);
    expect(second.rejected).toEqual([]);
    expect(exitCodeFor(second)).toBe(0);
    expect((await salesAtCesce()).length).toBe(before);
  });

  it('re-sends a rejected invoice once it is corrected in the ERP', async () => {
    const source = scenario();
    await runSync({ source, client: cesce(), ledger });
    const usd = source.documentList.find((d) => d.erpId === '106')!;
    usd.total = { currency: 'EUR', amount: '500.00' };
    const again = await runSync({ source, client: cesce(), ledger });
    expect(again.salesDeclared).toBe(1);
    expect(again.creditNotesDeclared).toBe(1); // its credit note no longer waits
    expect(ledger.get(itemKey(CONTRACT, 'invoice', '106'))?.state).toBe('declared');
  });

  it('reconciles a send that reached Cesce before the process died, without declaring it twice', async () => {
    const source = scenario();
    const client = cesce();
    // A previous run sent INV 101 and died before recording the answer.
    const doc = source.documentList.find((d) => d.erpId === '101')!;
    const input = { endorsementNo: '500', invoiceNo: doc.number, invoiceDate: doc.invoiceDate, dueDate: doc.dueDate!, amount: doc.total };
    ledger.markSending({
      contractNo: CONTRACT,
      kind: 'invoice',
      erpId: '101',
      erpRef: doc.ref,
      debtorErpId: '1',
      payloadHash: 'x',
      requestJson: '{}',
      endorsementNo: '500',
      invoiceNo: doc.number,
      invoiceMonth: toInvoiceMonth(doc.invoiceDate),
    });
    const sent = await client.sales.declare(input);
    // And INV 102 was marked sending but never reached Cesce.
    const doc2 = source.documentList.find((d) => d.erpId === '102')!;
    ledger.markSending({
      contractNo: CONTRACT,
      kind: 'invoice',
      erpId: '102',
      erpRef: doc2.ref,
      debtorErpId: '1',
      payloadHash: 'x',
      requestJson: '{}',
      endorsementNo: '500',
      invoiceNo: doc2.number,
      invoiceMonth: toInvoiceMonth(doc2.invoiceDate),
    });

    const report = await runSync({ source, client, ledger });
    expect(report.reconciled).toEqual({ confirmed: 1, resent: 1 });
    expect(ledger.get(itemKey(CONTRACT, 'invoice', '101'))?.cesceRef).toBe(sent.saleCesceReferenceNo);
    const numbers = (await salesAtCesce()).map((s) => s.invoiceNo);
    expect(numbers.filter((n) => n === 'INV/2026/00101')).toHaveLength(1);
    expect(numbers.filter((n) => n === 'INV/2026/00102')).toHaveLength(1);
  });

  it('sends and writes nothing in a dry run, but reports the plan', async () => {
    const source = scenario();
    const file = join(dir, 'never-created.sqlite');
    const readonly = new Ledger(file, { readonly: true });
    const report = await runSync({ source, client: cesce(), ledger: readonly, dryRun: true });
    readonly.close();
    expect(existsSync(file)).toBe(false);
    expect(report.skipped.find((s) => s.erpRef === 'account.move,103 INV/2026/00103')?.reason).toMatch(
      /waits for the classification this run would request/,
    );
    expect(report.dryRun).toBe(true);
    expect(report.classificationsRequested).toBe(2);
    expect(report.salesDeclared).toBe(3); // 101, 102 and the USD one (Cesce would reject it); 103 waits
    expect(report.creditNotesDeclared).toBe(1); // 203 is in EUR while its invoice 106 is in USD
    expect(await salesAtCesce()).toEqual([]);
    expect(ledger.all()).toEqual([]);
    expect(source.saleWrites).toEqual([]);
    expect(emulator.state().policies[0]!.classifications).toHaveLength(2);
  });

  it('keeps what was declared when write-back fails, and writes it back on the next run', async () => {
    const source = scenario();
    source.failWritesFor.add('101');
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.writeBack.errors).toEqual([{ erpRef: 'account.move,101 INV/2026/00101', message: 'write refused for move 101' }]);
    expect(exitCodeFor(first)).toBe(2);
    expect(ledger.get(itemKey(CONTRACT, 'invoice', '101'))).toMatchObject({ state: 'declared', writtenBack: false });
    source.failWritesFor.clear();
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.salesDeclared).toBe(0);
    expect(second.writeBack.invoices).toBe(1);
    expect(ledger.get(itemKey(CONTRACT, 'invoice', '101'))?.writtenBack).toBe(true);
  });

  it('stops writing back after 3 failures in a row when the ERP does not answer, and writes the rest next run', async () => {
    const source = scenario();
    source.unreachable = true;
    const first = await runSync({ source, client: cesce(), ledger });
    expect(source.writeAttempts).toBe(3);
    expect(first.writeBack.errors.at(-1)).toEqual({ erpRef: 'write-back', message: expect.stringContaining('stopped after 3 failures in a row') });
    expect(exitCodeFor(first)).toBe(2);
    source.unreachable = false;
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.salesDeclared).toBe(0);
    expect(second.writeBack.errors).toEqual([]);
    // Declarations and the rejection note of the first run, all written now.
    expect(second.writeBack.invoices).toBeGreaterThanOrEqual(first.salesDeclared + first.creditNotesDeclared);
    // More than 3 writes were due: the first run really stopped early.
    expect(second.writeBack.invoices + second.writeBack.partners).toBeGreaterThan(3);
  });

  it('records a failure when Cesce is unreachable and reconciles it on the next run', async () => {
    const source = scenario();
    const url = emulator.url;
    await emulator.close();
    const offline = new CesceClient({
      environment: 'sandbox',
      baseUrl: url,
      contractNo: CONTRACT,
      credentials: { clientId: 'app', clientSecret: 'app-secret' },
      retry: { limit: 0 },
      timeoutMs: 2000,
    });
    await expect(runSync({ source, client: offline, ledger })).rejects.toThrow(/unreachable|failed/);
    emulator = await startCesceEmulator({ data: sandboxData() });
    const report = await runSync({ source, client: cesce(), ledger });
    expect(report.salesDeclared).toBe(3);
  });
});

describe('policy and ledger safety', () => {
  it('stops the run on an expired policy instead of skipping every item', async () => {
    await emulator.close();
    const data = sandboxData();
    data.policies[0]!.effectiveDate = '2024-07-01';
    data.policies[0]!.expiryDate = '2025-06-30';
    emulator = await startCesceEmulator({ data });
    const err = await runSync({ source: scenario(), client: cesce(), ledger }).catch((e) => e);
    expect(err).toMatchObject({ status: 400, entry: { id: 'cesce-400-policy-expired' } });
    expect(err.entry.fix.en).toMatch(/In PRE, ask Cesce’s Transformation team/);
  });

  it('adopts the sales Cesce already holds when the ledger is new, instead of declaring them twice', async () => {
    const source = scenario();
    await runSync({ source, client: cesce(), ledger });
    const before = await salesAtCesce();
    const lost = new Ledger(join(dir, 'replacement.sqlite'));
    try {
      const report = await runSync({ source, client: cesce(), ledger: lost });
      expect(report.adopted).toBe(4);
      expect(report.salesDeclared + report.creditNotesDeclared).toBe(0);
      expect(await salesAtCesce()).toEqual(before);
      expect(lost.get(itemKey(CONTRACT, 'invoice', '101'))).toMatchObject({ state: 'declared', cesceRef: expect.stringMatching(/\d+/) });
    } finally {
      lost.close();
    }
  });

  it('refuses a ledger that recorded declarations to another Cesce environment', async () => {
    await runSync({ source: scenario(), client: cesce(), ledger });
    const other = await startCesceEmulator({ data: sandboxData() });
    try {
      const client = new CesceClient({ environment: 'sandbox', baseUrl: other.url, contractNo: CONTRACT, credentials: { clientId: 'app', clientSecret: 'app-secret' } });
      await expect(runSync({ source: scenario(), client, ledger })).rejects.toThrow(
        new RegExp(`records declarations of contract ${CONTRACT} made to sandbox ${emulator.url}; this run targets sandbox ${other.url}`),
      );
      expect(other.requestLog).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('names a file that is not a ledger', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'hello, this is not SQLite at all '.repeat(40));
    expect(() => new Ledger(file)).toThrow(new RegExp(`${file.replace(/[.]/g, '\\.')} is not a cesce ledger`));
  });
});

describe('ledger lock', () => {
  it('refuses a second sync on a ledger in use, naming the holder, and takes over a dead holder’s lock', async () => {
    const source = scenario();
    const file = join(dir, 'shared.sqlite');
    const first = new Ledger(file);
    const second = new Ledger(file);
    try {
      first.acquireLock();
      // Same process id counts as the holder itself; pretend the holder is another live process.
      const db = (first as unknown as { db: import('better-sqlite3').Database }).db;
      db.prepare('UPDATE lock SET pid = ?').run(process.ppid);
      await expect(runSync({ source, client: cesce(), ledger: second })).rejects.toThrow(
        new RegExp(`in use by another cesce sync \\(pid ${process.ppid} on `),
      );
      expect(await salesAtCesce()).toEqual([]);
      // A holder that no longer exists (killed) is taken over.
      db.prepare('UPDATE lock SET pid = ?').run(2 ** 22 + 12345);
      const report = await runSync({ source, client: cesce(), ledger: second });
      expect(report.salesDeclared).toBe(3);
      expect(db.prepare('SELECT COUNT(*) AS n FROM lock').get()).toEqual({ n: 0 });
    } finally {
      first.close();
      second.close();
    }
  });

  it('lets a dry run read a ledger that is in use', async () => {
    const source = scenario();
    ledger.acquireLock();
    const db = (ledger as unknown as { db: import('better-sqlite3').Database }).db;
    db.prepare('UPDATE lock SET pid = ?').run(process.ppid);
    const report = await runSync({ source, client: cesce(), ledger, dryRun: true });
    expect(report.salesDeclared).toBe(3);
    db.prepare('DELETE FROM lock').run();
  });
});

describe('documents that must not be declared as they are', () => {
  it('skips bad records with the field named, and declares the rest', async () => {
    const source = scenario();
    const other = debtor('7', { taxCode: 'B65410011' });
    source.debtorList.push(other);
    const inv1 = source.documentList.find((d) => d.erpId === '101')!;
    source.documentList.push(
      invoice('120', '1', { dueDate: '2026-02-30' }),
      invoice('121', '1', { number: 'INV/2026/00102', invoiceDate: '2026-10-09' }), // same number as 102 for the same customer
      creditNote('220', '1', invoice('999', '1'), {}), // origin is not a posted invoice of the company
      creditNote('221', '3', inv1), // origin belongs to customer 1
      creditNote('222', '1', inv1, { total: { currency: 'EUR', amount: '1100.00' } }), // 121 + 1100 > 1210
      creditNote('223', '1', inv1, { invoiceDate: '2026-09-01', total: { currency: 'EUR', amount: '1.00' } }), // before its invoice
    );
    const report = await runSync({ source, client: cesce(), ledger });
    const skipped = Object.fromEntries(report.skipped.map((s) => [s.erpRef, [s.field, s.reason]]));
    expect(skipped['account.move,120 INV/2026/00120']).toEqual(['dueDate', "'2026-02-30' is not a valid due date"]);
    expect(skipped['account.move,121 INV/2026/00102']![1]).toMatch(/same number as account\.move,102/);
    expect(skipped['account.move,220 RINV/2026/00220']).toEqual(['reversed_entry_id', 'its origin INV/2026/00999 is not a posted customer invoice of this company']);
    expect(skipped['account.move,221 RINV/2026/00221']![1]).toMatch(/belongs to another customer \(res\.partner,1 /);
    expect(skipped['account.move,222 RINV/2026/00222']![1]).toMatch(/would credit 1221\.00 EUR in all, more than its invoice INV\/2026\/00101 \(1210\.00\)/);
    expect(skipped['account.move,223 RINV/2026/00223']).toEqual(['invoiceDate', expect.stringMatching(/is dated 2026-09-01, before its invoice INV\/2026\/00101 \(2026-10-01\)/)]);
    expect(report.salesDeclared).toBe(3);
    expect(report.creditNotesDeclared).toBe(1);
  });

  it('holds back a document Cesce already holds with other data, on a new ledger', async () => {
    const source = scenario();
    const client = cesce();
    await client.sales.declare({
      endorsementNo: '500',
      invoiceNo: 'INV/2026/00101',
      invoiceDate: '2026-10-01',
      dueDate: '2026-11-30',
      amount: { currency: 'EUR', amount: '1.00' },
    });
    const report = await runSync({ source, client, ledger });
    expect(report.conflicts).toEqual([
      {
        kind: 'invoice',
        erpRef: 'account.move,101 INV/2026/00101',
        message: expect.stringMatching(/Cesce already holds sale \d+ for INV\/2026\/00101 with other data \(amount 1\.00 EUR at Cesce, 1210\.00 EUR in the ERP\)/),
      },
    ]);
    expect(exitCodeFor(report)).toBe(2);
    // Checked again on the next run (the ledger is no longer new), still held back.
    const again = await runSync({ source, client, ledger });
    expect(again.salesDeclared).toBe(0);
    expect(again.conflicts.map((c) => c.erpRef)).toEqual(['account.move,101 INV/2026/00101']);
    expect(formatReport(again)).toMatch(/Conflicts .*:\n {2}account\.move,101 INV\/2026\/00101: Cesce already holds sale/);
    // Checked on every run, but written into the ERP record once.
    expect(source.saleWrites.filter((w) => w.documentErpId === '101')).toEqual([
      expect.objectContaining({ state: 'rejected', rejection: expect.objectContaining({ kbId: 'cesce-connect-conflict', cause: expect.objectContaining({ es: expect.stringMatching(/Cesce tiene otra venta/) }) }) }),
    ]);
    // The ERP is corrected to what Cesce holds: the sale is recorded, never declared a second time.
    source.documentList.find((d) => d.erpId === '101')!.total = { currency: 'EUR', amount: '1.00' };
    const resolved = await runSync({ source, client, ledger });
    expect(resolved.conflicts).toEqual([]);
    expect(resolved.adopted).toBe(1);
    expect(resolved.salesDeclared).toBe(0);
    expect(ledger.get(itemKey(CONTRACT, 'invoice', '101'))?.state).toBe('declared');
    expect((await salesAtCesce()).filter((s) => s.invoiceNo === 'INV/2026/00101')).toHaveLength(1);
  });

  it('adopts instead of re-declaring when a restored ledger misses recent declarations (--verify-at-cesce)', async () => {
    const source = scenario();
    const backupFile = join(dir, 'backup.sqlite');
    const partial = new Ledger(backupFile);
    // The backup was taken when only customer 1's first invoice had been declared.
    const early = new MemorySource(source.debtorList, source.documentList.filter((d) => d.erpId === '101'));
    await runSync({ source: early, client: cesce(), ledger: partial });
    partial.close();
    await runSync({ source, client: cesce(), ledger });
    const before = await salesAtCesce();
    const restored = new Ledger(backupFile);
    try {
      const report = await runSync({ source, client: cesce(), ledger: restored, verifyAtCesce: true });
      expect(report.salesDeclared + report.creditNotesDeclared).toBe(0);
      expect(report.adopted).toBe(3);
      expect(await salesAtCesce()).toEqual(before);
    } finally {
      restored.close();
    }
  });

  it('pauses the sales domain after repeated failures, says so, and continues on the next run', async () => {
    const source = scenario();
    let failing = true;
    const flaky: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
      if (failing && method === 'POST' && url.includes('/sales/v1/')) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return fetch(input, init);
    };
    const client = new CesceClient({
      environment: 'sandbox',
      baseUrl: emulator.url,
      contractNo: CONTRACT,
      credentials: { clientId: 'app', clientSecret: 'app-secret' },
      retry: { limit: 0 },
      fetch: flaky,
    });
    const report = await runSync({ source, client, ledger, maxConsecutiveFailures: 2, concurrency: 1 });
    expect(report.failed).toHaveLength(2);
    expect(report.failed[0]!.message).toMatch(/fetch failed \(ECONNRESET\)/);
    expect(report.skipped.filter((s) => /Cesce's sales service failed 2 times in a row/.test(s.reason)).length).toBeGreaterThan(0);
    expect(report.paused).toEqual([expect.objectContaining({ domain: 'sales', failures: 2, lastError: expect.stringMatching(/ECONNRESET/) })]);
    // The classifications domain was not paused: the flagged customer was still requested.
    expect(report.classificationsRequested).toBe(2);
    expect(formatReport(report)).toMatch(/Paused .*\n {2}sales: Cesce's sales service failed 2 times in a row[\s\S]*within a few hours/);
    failing = false;
    const next = await runSync({ source, client, ledger });
    expect(next.reconciled.resent).toBe(2);
    expect(next.salesDeclared).toBe(3);
    expect(next.creditNotesDeclared).toBe(1);
  });

  it('retries a customer write-back that failed even when nothing else changes, and warns about changes after declaration', async () => {
    const source = scenario();
    source.failWritesFor.add('3');
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.writeBack.errors).toContainEqual({ erpRef: 'res.partner,3 Cliente 3', message: 'write refused for partner 3' });
    source.failWritesFor.clear();
    source.documentList.find((d) => d.erpId === '102')!.total = { currency: 'EUR', amount: '99.99' };
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.writeBack.partners).toBe(1);
    expect(source.classificationWrites.filter((w) => w.debtorErpId === '3')).toHaveLength(1);
    expect(second.warnings).toEqual([
      expect.objectContaining({ erpRef: 'account.move,102 INV/2026/00102', message: expect.stringMatching(/changed in the ERP after it was declared/) }),
    ]);
    const third = await runSync({ source, client: cesce(), ledger });
    expect(third.writeBack.partners).toBe(0);
  });
});

describe('second-round safety', () => {
  it('keeps adopting until a run on a new ledger has finished, even after an interrupted first run', async () => {
    await runSync({ source: scenario(), client: cesce(), ledger });
    const fresh = new Ledger(join(dir, 'fresh.sqlite'));
    try {
      // The first run on the fresh ledger died right after recording a classification request.
      fresh.markSending({ contractNo: CONTRACT, kind: 'classification', erpId: '3', erpRef: 'res.partner,3', debtorErpId: '3', payloadHash: 'h', requestJson: '{}' });
      fresh.markDeclared(itemKey(CONTRACT, 'classification', '3'), '1', '1');
      const report = await runSync({ source: scenario(), client: cesce(), ledger: fresh });
      expect(report.salesDeclared + report.creditNotesDeclared).toBe(0);
      expect(report.adopted).toBe(4);
    } finally {
      fresh.close();
    }
  });

  it('refuses --force-unlock while the holder still runs, and a run that lost its lock stops sending', () => {
    const file = join(dir, 'lock.sqlite');
    const mine = new Ledger(file);
    const other = new Ledger(file);
    try {
      mine.acquireLock();
      const db = (mine as unknown as { db: import('better-sqlite3').Database }).db;
      db.prepare('UPDATE lock SET pid = ?').run(process.ppid);
      expect(() => other.forceUnlock()).toThrow(/still running \(pid \d+ on this machine\)/);
      expect(() =>
        mine.markSending({ contractNo: CONTRACT, kind: 'invoice', erpId: '1', erpRef: 'x', debtorErpId: '1', payloadHash: 'h', requestJson: '{}' }),
      ).toThrow(/lost the lock on the ledger/);
    } finally {
      mine.close();
      other.close();
    }
  });

  it('counts classification look-ups that fail with 5xx as failures (exit 2), not as skips', async () => {
    const flaky: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.includes('/classifications') && url.includes('taxCode=A58818501')) {
        return new Response(JSON.stringify({ error: { errorCode: '500', errorDescription: 'Servicio no disponible' } }), { status: 503 });
      }
      return fetch(input, init);
    };
    const client = new CesceClient({
      environment: 'sandbox',
      baseUrl: emulator.url,
      contractNo: CONTRACT,
      credentials: { clientId: 'app', clientSecret: 'app-secret' },
      retry: { limit: 0 },
      fetch: flaky,
    });
    const report = await runSync({ source: scenario(), client, ledger });
    expect(report.failed).toContainEqual(expect.objectContaining({ erpRef: 'res.partner,1 Cliente 1', message: expect.stringMatching(/look-up failed/) }));
    expect(exitCodeFor(report)).toBe(2);
  });

  it('warns about declared documents the ERP no longer shows, and accepts credit notes on invoices before fromDate', async () => {
    const source = scenario();
    await runSync({ source, client: cesce(), ledger });
    const inv1 = source.documentList.find((d) => d.erpId === '101')!;
    source.documentList = source.documentList.filter((d) => d.erpId !== '102');
    source.documentList.push(creditNote('230', '1', inv1, { invoiceDate: '2026-11-20', total: { currency: 'EUR', amount: '100.00' } }));
    const report = await runSync({ source, client: cesce(), ledger, fromDate: '2026-10-03' });
    expect(report.warnings).toContainEqual(
      expect.objectContaining({ erpRef: 'account.move,102 INV/2026/00102', message: expect.stringMatching(/no longer a posted document in the ERP/) }),
    );
    // 101 (2026-10-01) is before fromDate and not read, yet its credit note is declared against it.
    expect(report.creditNotesDeclared).toBe(1);
    expect(report.warnings.some((w) => w.erpRef.startsWith('account.move,101 '))).toBe(false);
    const sales = await salesAtCesce();
    expect(sales.find((s) => s.invoiceNo === 'RINV/2026/00230')).toEqual({ invoiceNo: 'RINV/2026/00230', amount: '-100.00', originalInvoiceNo: 'INV/2026/00101' });
  });

  it('writes back a customer whose write failed, on a later run that has no other reason to look at it', async () => {
    // Customer 1 is not flagged and, after the first run, has nothing pending: only the queued
    // write-back brings it back.
    const source = new MemorySource([debtor('1', { taxCode: 'A58818501' })], [invoice('101', '1')]);
    source.failWritesFor.add('1');
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.salesDeclared).toBe(1);
    source.failWritesFor.clear();
    const lookupsBefore = emulator.requestLog.filter((r) => r.method === 'GET' && r.path.endsWith('/classifications')).length;
    const second = await runSync({ source, client: cesce(), ledger });
    expect(emulator.requestLog.filter((r) => r.method === 'GET' && r.path.endsWith('/classifications')).length).toBe(lookupsBefore);
    expect(source.classificationWrites.filter((w) => w.debtorErpId === '1')).toEqual([
      expect.objectContaining({ state: 'classified', endorsementNo: '500', grantedLimit: { currency: 'EUR', amount: '40000.00' } }),
    ]);
    expect(second.writeBack.errors).toEqual([]);
  });
});

describe('answers that are not Cesce’s', () => {
  it('stops the run when the token endpoint answers without a token, and counts HTML look-ups as failures', async () => {
    const html = (status: number) => new Response('<html><head><title>Proxy error</title></head><body>bad gateway</body></html>', { status, headers: { 'content-type': 'text/html' } });
    const viaProxy = (mode: 'token' | 'lookups'): typeof fetch => async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (mode === 'token' && url.includes('/oauth2/')) return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      if (mode === 'lookups' && url.includes('/classifications?')) return html(200);
      return fetch(input, init);
    };
    const client = (mode: 'token' | 'lookups') =>
      new CesceClient({ environment: 'sandbox', baseUrl: emulator.url, contractNo: CONTRACT, credentials: { clientId: 'app', clientSecret: 'app-secret' }, retry: { limit: 0 }, fetch: viaProxy(mode) });
    await expect(runSync({ source: scenario(), client: client('token'), ledger })).rejects.toMatchObject({ operation: 'token' });
    const report = await runSync({ source: scenario(), client: client('lookups'), ledger });
    expect(report.failed.length).toBeGreaterThan(0);
    expect(report.failed[0]!.message).toMatch(/look-up failed: .*HTML/i);
    expect(report.salesDeclared).toBe(0);
    expect(exitCodeFor(report)).toBe(2);
  });
});

/** ERP change stamps (Odoo write_date), one second apart. */
function at(second: number): string {
  return `2026-12-01 10:00:${String(second).padStart(2, '0')}`;
}

function incrementalSource(debtors: ReturnType<typeof debtor>[], docs: ReturnType<typeof invoice>[], scope = 'odoo https://erp.example.com db=a company=1'): MemorySource {
  const source = new MemorySource(debtors, docs);
  source.capabilities = { incremental: true, scope };
  return source;
}

function salePosts(): number {
  return emulator.requestLog.filter((r) => r.method === 'POST' && r.path.includes('/sales/')).length;
}

describe('incremental runs', () => {
  const classified = () => debtor('1', { taxCode: 'A58818501' });

  it('declares only the new documents, misses none stamped with the watermark itself, and re-reads settled ones as no-ops', async () => {
    const source = incrementalSource([classified()], [invoice('101', '1', { updatedAt: at(1) }), invoice('102', '1', { updatedAt: at(2) })]);
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.mode).toBe('full');
    expect(first.read).toMatchObject({ fullReason: 'first run on this ERP database', stored: { updatedAt: at(2), erpId: '102' } });
    expect(first.salesDeclared).toBe(2);

    // 104 was committed in the same second as 102 (same stamp, larger id); 103 later.
    source.documentList.push(invoice('103', '1', { updatedAt: at(3) }), invoice('104', '1', { updatedAt: at(2) }));
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.mode).toBe('incremental');
    expect(source.queries.at(-1)?.changedSince).toEqual({ updatedAt: at(2), erpId: '102' });
    expect(second.salesDeclared).toBe(2);
    expect(second.alreadyDeclared).toBe(0);
    expect(second.read).toMatchObject({ changedSince: { updatedAt: at(2), erpId: '102' }, reopened: 0, stored: { updatedAt: at(3), erpId: '103' } });
    expect(formatReport(second)).toContain(`Read: incremental, documents changed since ${at(2)} #102 and 0 open documents of earlier runs; next run reads changes from ${at(3)} #103.`);

    // The connector re-reads an overlap window before the watermark: documents declared already are no-ops.
    source.overlapSeconds = 60;
    const posts = salePosts();
    const writes = source.saleWrites.length;
    const third = await runSync({ source, client: cesce(), ledger });
    expect(third.alreadyDeclared).toBe(4);
    expect(third.salesDeclared).toBe(0);
    expect(salePosts()).toBe(posts);
    expect(source.saleWrites.length).toBe(writes);
    expect(third.read.stored).toEqual({ updatedAt: at(3), erpId: '103' }); // never moved back by the overlap
    const numbers = (await salesAtCesce()).map((s) => s.invoiceNo);
    expect(numbers.sort()).toEqual(['INV/2026/00101', 'INV/2026/00102', 'INV/2026/00103', 'INV/2026/00104']);
  });

  it('does not let a document stamped in the future become the watermark, and says so', async () => {
    const source = incrementalSource([classified()], [invoice('101', '1', { updatedAt: at(1) }), invoice('102', '1', { updatedAt: '2099-01-01 00:00:00' })]);
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.salesDeclared).toBe(2);
    expect(first.read.stored).toEqual({ updatedAt: at(1), erpId: '101' });
    expect(first.warnings).toContainEqual(expect.objectContaining({ erpRef: expect.stringContaining('account.move,102'), field: 'updatedAt', message: expect.stringContaining('in the future') }));
    // An invoice created afterwards, stamped now: the next incremental run must see it.
    source.documentList.push(invoice('103', '1', { updatedAt: at(3) }));
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.mode).toBe('incremental');
    expect(second.salesDeclared).toBe(1);
  });

  it('declares a document that waited for its customer’s classification once Cesce classifies it, though it never changed', async () => {
    const waiting = debtor('5', { taxCode: '12345678Z' });
    const source = incrementalSource([classified(), waiting], [invoice('101', '1', { updatedAt: at(1) }), invoice('105', '5', { updatedAt: at(1) })]);
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.skipped.map((s) => s.erpRef)).toEqual(['account.move,105 INV/2026/00105']);
    expect(ledger.openDocuments(CONTRACT, source.capabilities!.scope!)).toEqual([
      expect.objectContaining({ erpId: '105', reason: expect.stringMatching(/no Cesce classification/) }),
    ]);

    const idle = await runSync({ source, client: cesce(), ledger });
    expect(idle.mode).toBe('incremental');
    expect(idle.read.reopened).toBe(1);
    expect(idle.salesDeclared).toBe(0);

    await cesce().classifications.create({
      taxCode: '12345678Z',
      countryCode: 'ES',
      companyName: waiting.name,
      address: waiting.address,
      customerReference: '5',
      requestedLimit: { currency: 'EUR', amount: '10000.00' },
      paymentTermDays: null,
    });
    const later = await runSync({ source, client: cesce(), ledger });
    expect(later.mode).toBe('incremental');
    expect(source.idReads.at(-1)).toEqual(['105']);
    expect(later.salesDeclared).toBe(1);
    expect(ledger.get(itemKey(CONTRACT, 'invoice', '105'))?.state).toBe('declared');
    expect(ledger.openDocuments(CONTRACT, source.capabilities!.scope!)).toEqual([]);
    // Settled: the next run reads nothing by id.
    const reads = source.idReads.length;
    await runSync({ source, client: cesce(), ledger });
    expect(source.idReads.length).toBe(reads);
  });

  it('declares a credit note that waited for its rejected invoice once the invoice is corrected', async () => {
    const usd = invoice('106', '1', { total: { currency: 'USD', amount: '500.00' }, updatedAt: at(1) });
    const note = creditNote('203', '1', usd, { total: { currency: 'USD', amount: '50.00' }, updatedAt: at(2) });
    const source = incrementalSource([classified()], [usd, note]);
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.rejected.map((r) => r.erpRef)).toEqual([usd.ref]);
    expect(first.skipped.find((s) => s.erpRef === note.ref)?.reason).toMatch(/waits for its invoice/);
    // Only the invoice is corrected (and so re-stamped); the credit note is re-read because it is open.
    Object.assign(usd, { total: { currency: 'EUR', amount: '500.00' }, updatedAt: at(5) });
    Object.assign(note, { total: { currency: 'EUR', amount: '50.00' } });
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.mode).toBe('incremental');
    expect(second.salesDeclared).toBe(1);
    expect(second.creditNotesDeclared).toBe(1);
  });

  it('keeps one watermark per ERP database, re-reads in full on --full, and never moves it in a dry run', async () => {
    const a = incrementalSource([classified()], [invoice('101', '1', { updatedAt: at(1) })], 'db=a');
    await runSync({ source: a, client: cesce(), ledger });
    const b = incrementalSource([classified()], [invoice('301', '1', { updatedAt: at(9) })], 'db=b');
    const onB = await runSync({ source: b, client: cesce(), ledger });
    expect(onB.mode).toBe('full');
    expect(onB.read.fullReason).toBe('first run on this ERP database');
    expect(b.queries.at(-1)?.changedSince).toBeUndefined();
    expect(formatReport(onB)).toContain(`Read: full (first run on this ERP database); next run reads changes from ${at(9)} #301.`);
    expect(ledger.watermark(CONTRACT, 'db=a')).toMatchObject({ updatedAt: at(1), erpId: '101' });
    expect(ledger.watermark(CONTRACT, 'db=b')).toMatchObject({ updatedAt: at(9), erpId: '301' });

    a.documentList.push(invoice('102', '1', { updatedAt: at(4) }));
    const dry = await runSync({ source: a, client: cesce(), ledger, dryRun: true });
    expect(dry.mode).toBe('incremental');
    expect(dry.salesDeclared).toBe(1);
    expect(dry.read.stored).toBeNull();
    expect(formatReport(dry)).toContain('a dry run stores no watermark.');
    expect(ledger.watermark(CONTRACT, 'db=a')).toMatchObject({ updatedAt: at(1), erpId: '101' });

    const full = await runSync({ source: a, client: cesce(), ledger, full: true });
    expect(full.mode).toBe('full');
    expect(full.read.fullReason).toBe('asked with --full');
    expect(full.alreadyDeclared).toBe(1);
    expect(full.salesDeclared).toBe(1);
    expect(ledger.watermark(CONTRACT, 'db=a')).toMatchObject({ updatedAt: at(4), erpId: '102' });
    // A changed sync.fromDate reads in full again: documents below the old one were never read.
    const moved = await runSync({ source: a, client: cesce(), ledger, fromDate: '2026-01-01' });
    expect(moved.read.fullReason).toBe('sync.fromDate changed since the last run');
  });

  it('keeps the watermark when reading the ERP fails, and declares on the next run what a stopped run had read', async () => {
    const source = incrementalSource([classified()], [invoice('101', '1', { updatedAt: at(1) })]);
    await runSync({ source, client: cesce(), ledger });
    source.documentList.push(invoice('102', '1', { updatedAt: at(2) }), invoice('103', '1', { updatedAt: at(3) }));
    const broken = incrementalSource(source.debtorList, source.documentList);
    broken.documents = async function* (query) {
      let n = 0;
      for await (const d of MemorySource.prototype.documents.call(this, query)) {
        if (++n > 1) throw new Error('ERP connection lost');
        yield d;
      }
    };
    await expect(runSync({ source: broken, client: cesce(), ledger })).rejects.toThrow(/ERP connection lost/);
    expect(ledger.watermark(CONTRACT, source.capabilities!.scope!)).toMatchObject({ updatedAt: at(1), erpId: '101' });

    // A run stopped after its read (here: wrong Cesce credentials, a fatal error) moved the
    // watermark, but what it read stays open and is declared by the next run.
    const badCredentials = new CesceClient({ environment: 'sandbox', baseUrl: emulator.url, contractNo: CONTRACT, credentials: { clientId: 'app', clientSecret: 'wrong' }, retry: { limit: 0 } });
    await expect(runSync({ source, client: badCredentials, ledger })).rejects.toThrow();
    expect(ledger.watermark(CONTRACT, source.capabilities!.scope!)).toMatchObject({ updatedAt: at(3), erpId: '103' });
    const next = await runSync({ source, client: cesce(), ledger });
    expect(next.mode).toBe('incremental');
    expect(next.read.reopened).toBe(2);
    expect(next.salesDeclared).toBe(2);
    expect((await salesAtCesce()).map((s) => s.invoiceNo)).toEqual(['INV/2026/00101', 'INV/2026/00102', 'INV/2026/00103']);
  });
});

describe('what was read', () => {
  it('counts the customers and documents read, and warns when a connector reads documents but no customers', async () => {
    const source = new MemorySource([], [invoice('101', '1'), invoice('102', '1')]);
    const report = await runSync({ source, client: cesce(), ledger, dryRun: true });
    expect(report.read).toMatchObject({ debtors: 0, documents: 2 });
    expect(formatReport(report)).toContain('Read 0 customers and 2 documents from the ERP.');
    expect(report.warnings).toContainEqual(expect.objectContaining({ field: 'debtors', message: expect.stringContaining('returned no customers but 2 documents') }));
  });
});

describe('sources that cannot write back', () => {
  it('settles write-backs without calling the source, so incremental runs do not keep re-reading declared documents', async () => {
    const source = incrementalSource([debtor('1', { taxCode: 'A58818501' })], [invoice('101', '1', { updatedAt: at(1) })]);
    source.capabilities = { ...source.capabilities, writeBack: false };
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.salesDeclared).toBe(1);
    expect(first.writeBack).toEqual({ partners: 0, invoices: 0, errors: [], supported: false });
    expect(formatReport(first)).toContain('Written back to the ERP: nothing (this connector reads only).');
    expect(source.saleWrites).toEqual([]);
    expect(source.classificationWrites).toEqual([]);
    expect(ledger.openDocuments(CONTRACT, source.capabilities.scope!)).toEqual([]);
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.read).toMatchObject({ mode: 'incremental', reopened: 0 });
    expect(exitCodeFor(second)).toBe(0);
  });
});

describe('rejections written back into the ERP', () => {
  it('writes each distinct rejection once, with the knowledge base’s cause and fix in Spanish and English', async () => {
    const usdCustomer = debtor('8', { taxCode: 'B65410011', requestedCreditLimit: { currency: 'USD', amount: '5000.00' } });
    const source = new MemorySource([debtor('1', { taxCode: 'A58818501' }), usdCustomer], [invoice('106', '1', { total: { currency: 'USD', amount: '500.00' } })]);
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.rejected.map((r) => r.erpRef).sort()).toEqual(['account.move,106 INV/2026/00106', 'res.partner,8 Cliente 8']);
    expect(source.saleWrites).toEqual([
      {
        documentErpId: '106',
        state: 'rejected',
        saleCesceReferenceNo: null,
        rejection: {
          httpStatus: 400,
          kbId: 'cesce-400-adjust-to-policy',
          message: expect.stringMatching(/La divisa USD/),
          cause: { es: expect.stringMatching(/\w/), en: expect.stringMatching(/\w/) },
          fix: { es: expect.stringMatching(/\w/), en: expect.stringMatching(/policy/) },
        },
      },
    ]);
    const partner8 = () => source.classificationWrites.filter((w) => w.debtorErpId === '8');
    expect(partner8()).toEqual([
      expect.objectContaining({ state: 'rejected', grantedLimit: null, rejection: expect.objectContaining({ httpStatus: 400, kbId: expect.any(String) }) }),
    ]);
    const rejection = partner8()[0]!.rejection!;
    expect(rejection.cause.es && rejection.cause.en && rejection.fix.es && rejection.fix.en).toBeTruthy();

    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.stillRejected).toHaveLength(2);
    expect(source.saleWrites).toHaveLength(1);
    expect(partner8()).toHaveLength(1);
    expect(exitCodeFor(second)).toBe(0);

    // Corrected in the ERP, declared: the declaration is written, the old rejection is not repeated.
    source.documentList[0]!.total = { currency: 'EUR', amount: '500.00' };
    await runSync({ source, client: cesce(), ledger });
    expect(source.saleWrites.map((w) => [w.documentErpId, w.state])).toEqual([
      ['106', 'rejected'],
      ['106', 'declared'],
    ]);
    expect(source.saleWrites[1]!.saleCesceReferenceNo).toMatch(/\d+/);
  });

  it('keeps a rejection the ERP refused to record queued, reports it, and writes it on the next run', async () => {
    const source = new MemorySource([debtor('1', { taxCode: 'A58818501' })], [invoice('106', '1', { total: { currency: 'USD', amount: '500.00' } })]);
    source.failWritesFor.add('106');
    const first = await runSync({ source, client: cesce(), ledger });
    expect(first.writeBack.errors).toEqual([{ erpRef: 'account.move,106 INV/2026/00106', message: 'write refused for move 106' }]);
    source.failWritesFor.clear();
    const second = await runSync({ source, client: cesce(), ledger });
    expect(second.writeBack.invoices).toBe(1);
    expect(second.writeBack.errors).toEqual([]);
    expect(source.saleWrites).toEqual([expect.objectContaining({ documentErpId: '106', state: 'rejected' })]);
    const third = await runSync({ source, client: cesce(), ledger });
    expect(third.writeBack.invoices).toBe(0);
    expect(source.saleWrites).toHaveLength(1);
  });
});

describe('compareWatermarks', () => {
  it('orders by stamp, then by id numerically when both ids are integers', () => {
    expect(compareWatermarks({ updatedAt: at(1), erpId: '10' }, { updatedAt: at(1), erpId: '9' })).toBe(1);
    expect(compareWatermarks({ updatedAt: at(1), erpId: '99' }, { updatedAt: at(2), erpId: '1' })).toBe(-1);
    expect(compareWatermarks({ updatedAt: at(1), erpId: '7' }, { updatedAt: at(1), erpId: '7' })).toBe(0);
    expect(compareWatermarks({ updatedAt: at(1), erpId: 'b' }, { updatedAt: at(1), erpId: 'a' })).toBe(1);
  });
});
