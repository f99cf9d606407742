/**
 * In-run retries of creates, the per-domain pause and the audit trail, against the real Cesce
 * emulator behind a small HTTP proxy on 127.0.0.1 that loses, refuses or breaks chosen calls.
 * The key case: Cesce registered a declaration but its answer was lost; it must not be declared twice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CesceClient } from '@cesce-connect/core';
import { startCesceEmulator, type SandboxData } from '@cesce-connect/sandbox';
import { runSync } from './engine.js';
import { CONFLICT_KB_ID, itemKey, Ledger } from './ledger.js';
import { exitCodeFor, formatReport } from './report.js';
import { debtor, invoice, MemorySource } from './testing/memory-source.js';

const CONTRACT = '34109150331';
const SECRET = 'app-secret-9f2c7d';

function sandboxData(): SandboxData {
  return {
    applications: [
      {
        clientId: 'app',
        clientSecret: SECRET,
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
        classificationRules: { autoGrantUpTo: '150000.00', deniedTaxCodes: [], inProgressTaxCodes: [] },
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
        ],
      },
    ],
  };
}

/** Three invoices of a classified customer, and (optionally) a customer flagged for a classification. */
function source(withFlagged = false): MemorySource {
  const debtors = [debtor('1', { taxCode: 'A58818501' })];
  if (withFlagged) debtors.push(debtor('3', { taxCode: 'B65410011', name: 'Nueva Cliente SL', requestedCreditLimit: { currency: 'EUR', amount: '60000.00' } }));
  return new MemorySource(debtors, [invoice('101', '1'), invoice('102', '1', { invoiceDate: '2026-10-05' }), invoice('103', '1', { invoiceDate: '2026-10-07' })]);
}

interface Seen {
  method: string;
  path: string;
  json: Record<string, unknown> | null;
  /** The bearer token the request carried. */
  token: string | null;
}

/** What the proxy does with one request. */
type Action =
  | { kind: 'forward' }
  /** Forward (with an optionally rewritten body), let Cesce process it, then break the connection: the answer is lost. */
  | { kind: 'lose-answer'; body?: string }
  /** Forward, then answer 500 instead of Cesce's answer: processed, reported as failed. */
  | { kind: 'forward-then-500' }
  /** Break the connection before forwarding: Cesce never sees it. */
  | { kind: 'reset' }
  /** Answer without forwarding. */
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body: string };

interface Proxy {
  url: string;
  seen: Seen[];
  rule: (req: Seen, nth: number) => Action;
  close(): Promise<void>;
}

async function startProxy(upstream: string): Promise<Proxy> {
  const proxy: Proxy = { url: '', seen: [], rule: () => ({ kind: 'forward' }), close: async () => {} };
  const counts = new Map<string, number>();
  const forward = async (req: IncomingMessage, path: string, body: string) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
    const r = await fetch(`${upstream}${path}`, { method: req.method, headers, ...(req.method === 'GET' ? {} : { body }) });
    return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      let json: Record<string, unknown> | null = null;
      try {
        json = body ? (JSON.parse(body) as Record<string, unknown>) : null;
      } catch {
        json = null;
      }
      const seen: Seen = { method: req.method ?? 'GET', path, json, token: /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null };
      proxy.seen.push(seen);
      const id = `${seen.method} ${path.split('?')[0]} ${String(json?.invoiceNo ?? json?.taxCode ?? '')}`;
      const nth = (counts.get(id) ?? 0) + 1;
      counts.set(id, nth);
      const action = proxy.rule(seen, nth);
      try {
        if (action.kind === 'reset') return void req.socket.destroy();
        if (action.kind === 'answer') return void res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers }).end(action.body);
        const answer = await forward(req, path, action.kind === 'lose-answer' && action.body !== undefined ? action.body : body);
        if (action.kind === 'lose-answer') return void req.socket.destroy();
        if (action.kind === 'forward-then-500') {
          return void res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ httpCode: '500', httpMessage: 'Internal Server Error', moreInformation: 'backend timeout' }));
        }
        const { 'content-encoding': _e, 'content-length': _l, 'transfer-encoding': _t, connection: _c, ...rest } = answer.headers;
        res.writeHead(answer.status, rest).end(answer.body);
      } catch {
        req.socket.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}

let emulator: Awaited<ReturnType<typeof startCesceEmulator>>;
let proxy: Proxy;
let dir: string;
let ledger: Ledger;

beforeEach(async () => {
  emulator = await startCesceEmulator({ data: sandboxData() });
  proxy = await startProxy(emulator.url);
  dir = mkdtempSync(join(tmpdir(), 'cesce-retry-'));
  ledger = new Ledger(join(dir, 'ledger.sqlite'));
});

afterEach(async () => {
  ledger.close();
  await proxy.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(baseUrl = proxy.url, retry: Record<string, number> = {}): CesceClient {
  return new CesceClient({
    environment: 'sandbox',
    baseUrl,
    contractNo: CONTRACT,
    credentials: { clientId: 'app', clientSecret: SECRET },
    retry: { limit: 2, baseDelayMs: 1, maxDelayMs: 5, ...retry },
    timeoutMs: 5_000,
  });
}

/** Every sale the emulator holds, read directly (not through the proxy). */
async function salesAtCesce(): Promise<{ invoiceNo: string; amount: string; ref: string }[]> {
  const out = [];
  for await (const s of client(emulator.url).sales.list({ pageSize: 500 })) out.push({ invoiceNo: s.invoiceNo, amount: s.amount.amount, ref: s.saleCesceReferenceNo });
  return out;
}

function countOf(numbers: string[], n: string): number {
  return numbers.filter((x) => x === n).length;
}

const salePosts = (p: Proxy, invoiceNo?: string) => p.seen.filter((s) => s.method === 'POST' && s.path.includes('/sales/v1/') && (!invoiceNo || s.json?.invoiceNo === invoiceNo));

describe('in-run retries of creates never declare twice', () => {
  it('finds a sale whose answer was lost (or that failed after Cesce processed it) at Cesce, and does not send it again', async () => {
    // A ledger past its first run: nothing is looked up before sending.
    ledger.markAdoptionDone(CONTRACT);
    proxy.rule = (req, nth) => {
      if (req.method !== 'POST' || nth > 1) return { kind: 'forward' };
      if (req.json?.invoiceNo === 'INV/2026/00102') return { kind: 'lose-answer' };
      if (req.json?.invoiceNo === 'INV/2026/00103') return { kind: 'forward-then-500' };
      return { kind: 'forward' };
    };
    const report = await runSync({ source: source(), client: client(), ledger, concurrency: 1 });

    expect(report.salesDeclared).toBe(3);
    expect(report.failed).toEqual([]);
    expect(report.retries).toEqual({ resent: 0, foundAtCesce: 2 });
    expect(salePosts(proxy, 'INV/2026/00102')).toHaveLength(1);
    expect(salePosts(proxy, 'INV/2026/00103')).toHaveLength(1);
    const sales = await salesAtCesce();
    const numbers = sales.map((s) => s.invoiceNo);
    for (const n of ['INV/2026/00101', 'INV/2026/00102', 'INV/2026/00103']) expect(countOf(numbers, n)).toBe(1);
    const item = ledger.get(itemKey(CONTRACT, 'invoice', '102'))!;
    expect(item).toMatchObject({ state: 'declared', cesceRef: sales.find((s) => s.invoiceNo === 'INV/2026/00102')!.ref });

    // The audit trail shows the lost answer and the look-up that settled it.
    const trail = ledger.exchanges(item.key);
    expect(trail.map((e) => [e.method, e.operation, e.status])).toEqual([
      ['POST', 'sales.create', null],
      ['GET', 'sales.list', 200],
    ]);
    expect(trail[0]!.error).toMatch(/socket|closed|terminated|ECONNRESET/i);
    expect(trail[0]!.requestBody).toContain('INV/2026/00102');
    expect(trail[1]!.url).toMatch(/invoiceMonth=202610/);
    expect(trail[1]!.responseBody).toContain(item.cesceRef!);
    const t103 = ledger.exchanges(itemKey(CONTRACT, 'invoice', '103')).map((e) => e.status);
    expect(t103).toEqual([500, 200]);

    // A second run changes nothing.
    const again = await runSync({ source: source(), client: client(), ledger });
    expect(again.salesDeclared + again.reconciled.confirmed + again.reconciled.resent).toBe(0);
    expect((await salesAtCesce()).length).toBe(3);
  });

  it('sends again, once, a create that never reached Cesce (connection reset, 503 from the gateway)', async () => {
    ledger.markAdoptionDone(CONTRACT);
    proxy.rule = (req, nth) => {
      if (req.method !== 'POST' || nth > 1) return { kind: 'forward' };
      if (req.json?.invoiceNo === 'INV/2026/00102') return { kind: 'reset' };
      if (req.json?.invoiceNo === 'INV/2026/00103') {
        return { kind: 'answer', status: 503, body: JSON.stringify({ error: { errorCode: '500', errorDescription: 'Servicio no disponible' } }) };
      }
      return { kind: 'forward' };
    };
    const report = await runSync({ source: source(), client: client(), ledger, concurrency: 1 });
    expect(report.salesDeclared).toBe(3);
    expect(report.retries).toEqual({ resent: 2, foundAtCesce: 0 });
    const numbers = (await salesAtCesce()).map((s) => s.invoiceNo);
    for (const n of ['INV/2026/00101', 'INV/2026/00102', 'INV/2026/00103']) expect(countOf(numbers, n)).toBe(1);
    // First the look-up at Cesce, then the resend.
    expect(ledger.exchanges(itemKey(CONTRACT, 'invoice', '103')).map((e) => `${e.method} ${e.status}`)).toEqual(['POST 503', 'GET 200', 'POST 201']);
    expect(ledger.get(itemKey(CONTRACT, 'invoice', '103'))!.attempts).toBe(2);
  });

  it('holds back, never resends, a lost create that Cesce holds with another amount', async () => {
    ledger.markAdoptionDone(CONTRACT);
    proxy.rule = (req, nth) => {
      if (req.method === 'POST' && nth === 1 && req.json?.invoiceNo === 'INV/2026/00102') {
        // What reached Cesce differs from what was sent (e.g. a corrupting intermediary); the answer is lost.
        return { kind: 'lose-answer', body: JSON.stringify({ ...req.json, amount: '999,00' }) };
      }
      return { kind: 'forward' };
    };
    const report = await runSync({ source: source(), client: client(), ledger, concurrency: 1 });
    expect(report.conflicts).toEqual([expect.objectContaining({ erpRef: 'account.move,102 INV/2026/00102', message: expect.stringMatching(/amount 999\.00/) })]);
    expect(salePosts(proxy, 'INV/2026/00102')).toHaveLength(1);
    expect(ledger.get(itemKey(CONTRACT, 'invoice', '102'))).toMatchObject({ state: 'rejected', kbId: CONFLICT_KB_ID });
    expect(countOf((await salesAtCesce()).map((s) => s.invoiceNo), 'INV/2026/00102')).toBe(1);
  });

  it('waits out a 429’s Retry-After and resends without a look-up; a Retry-After past the cap is left to the next run', async () => {
    ledger.markAdoptionDone(CONTRACT);
    const tooMany = (seconds: number): Action => ({
      kind: 'answer',
      status: 429,
      headers: { 'retry-after': String(seconds) },
      body: JSON.stringify({ httpCode: '429', httpMessage: 'Too Many Requests', moreInformation: 'Rate limit exceeded' }),
    });
    let longWait = true;
    proxy.rule = (req, nth) => {
      if (req.method !== 'POST') return { kind: 'forward' };
      if (req.json?.invoiceNo === 'INV/2026/00101' && nth === 1) return tooMany(1);
      if (req.json?.invoiceNo === 'INV/2026/00102' && longWait) return tooMany(3600);
      return { kind: 'forward' };
    };
    const report = await runSync({ source: source(), client: client(), ledger, concurrency: 1 });
    const trail = ledger.exchanges(itemKey(CONTRACT, 'invoice', '101'));
    expect(trail.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 429', 'POST 201']);
    const waited = Date.parse(trail[1]!.at) - Date.parse(trail[0]!.at);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(report.failed).toEqual([expect.objectContaining({ erpRef: 'account.move,102 INV/2026/00102', message: expect.stringMatching(/HTTP 429/), retryable: true })]);
    expect(salePosts(proxy, 'INV/2026/00102')).toHaveLength(1);
    expect(report.paused).toEqual([]); // a refusal is not an outage
    expect(report.salesDeclared).toBe(2);

    longWait = false;
    const next = await runSync({ source: source(), client: client(), ledger });
    expect(next.reconciled.resent).toBe(1);
    expect(next.salesDeclared).toBe(1);
    const numbers = (await salesAtCesce()).map((s) => s.invoiceNo);
    for (const n of ['INV/2026/00101', 'INV/2026/00102', 'INV/2026/00103']) expect(countOf(numbers, n)).toBe(1);
  });

  it('sends a create refused with 401 (token expired early) again with a fresh token, once', async () => {
    ledger.markAdoptionDone(CONTRACT);
    proxy.rule = (req, nth) =>
      req.method === 'POST' && nth === 1 && req.json?.invoiceNo === 'INV/2026/00101'
        ? { kind: 'answer', status: 401, body: JSON.stringify({ httpCode: '401', httpMessage: 'Unauthorized', moreInformation: 'Invalid or expired token' }) }
        : { kind: 'forward' };
    const c = client();
    const report = await runSync({ source: source(), client: c, ledger, concurrency: 1 });
    expect(report.salesDeclared).toBe(3);
    expect(report.requests.token).toBe(2);
    expect(countOf((await salesAtCesce()).map((s) => s.invoiceNo), 'INV/2026/00101')).toBe(1);
    const trail = ledger.exchanges(itemKey(CONTRACT, 'invoice', '101'));
    expect(trail.map((e) => `${e.operation} ${e.status}`)).toEqual(['sales.create 401', 'token 200', 'sales.create 201']);
    // A token request is kept as one line: no form (secrets), no answer (the token).
    expect(trail[1]).toMatchObject({ requestBody: null, responseBody: null });
  });
});

describe('per-domain pause', () => {
  it('stops calling the sales service after K failures in a row while classifications go on, and the next run finishes', async () => {
    ledger.markAdoptionDone(CONTRACT);
    let down = true;
    proxy.rule = (req) =>
      down && req.method === 'POST' && req.path.includes('/sales/v1/')
        ? { kind: 'answer', status: 503, body: JSON.stringify({ error: { errorCode: '500', errorDescription: 'Servicio no disponible' } }) }
        : { kind: 'forward' };
    const report = await runSync({ source: source(true), client: client(), ledger, concurrency: 1, maxConsecutiveFailures: 3, createAttempts: 2 });
    // 101: two attempts (with a look-up between); 102: one more, the third failure in a row; 103: not sent.
    expect(salePosts(proxy)).toHaveLength(3);
    expect(report.paused).toEqual([
      { domain: 'sales', failures: 3, lastError: expect.stringMatching(/HTTP 503/), message: expect.stringMatching(/sales service failed 3 times in a row/) },
    ]);
    expect(report.failed.map((f) => f.erpRef)).toEqual(['account.move,101 INV/2026/00101', 'account.move,102 INV/2026/00102']);
    expect(report.skipped).toContainEqual(expect.objectContaining({ erpRef: 'account.move,103 INV/2026/00103', reason: expect.stringMatching(/^not sent: .*next run continues/) }));
    expect(report.classificationsRequested).toBe(1);
    expect(report.classifications).toContainEqual(expect.objectContaining({ erpRef: 'res.partner,3 Cliente 3', requestedInThisRun: true }));
    expect(exitCodeFor(report)).toBe(2);
    const text = formatReport(report);
    expect(text).toMatch(/Paused \(Cesce kept failing.*\n {2}sales: Cesce's sales service failed 3 times in a row/);
    expect(text).toMatch(/usually clear within a few hours/);

    down = false;
    const next = await runSync({ source: source(true), client: client(), ledger, concurrency: 1 });
    expect(next.paused).toEqual([]);
    expect(next.reconciled.resent).toBe(2);
    expect(next.salesDeclared).toBe(3);
    const numbers = (await salesAtCesce()).map((s) => s.invoiceNo);
    expect([...numbers].sort()).toEqual(['INV/2026/00101', 'INV/2026/00102', 'INV/2026/00103']);
  });
});

describe('reconciliation when Cesce answers 5xx', () => {
  it('leaves an unsettled send alone (never sent blindly), declares the rest, and settles it on the next run', async () => {
    ledger.markAdoptionDone(CONTRACT);
    // An earlier run sent INV 102 (Cesce registered it) and died before recording the answer.
    ledger.acquireLock();
    ledger.markSending({
      contractNo: CONTRACT,
      kind: 'invoice',
      erpId: '102',
      erpRef: 'account.move,102 INV/2026/00102',
      debtorErpId: '1',
      payloadHash: 'x',
      requestJson: JSON.stringify({ amount: '121,00' }),
      endorsementNo: '500',
      invoiceNo: 'INV/2026/00102',
      invoiceMonth: '202610',
    });
    ledger.releaseLock();
    await client(emulator.url).sales.declare({ endorsementNo: '500', invoiceNo: 'INV/2026/00102', invoiceDate: '2026-10-05', dueDate: '2026-12-04', amount: { currency: 'EUR', amount: '121.00' } });
    let listing = false;
    proxy.rule = (req) =>
      !listing && req.method === 'GET' && req.path.includes('/sales/v1/')
        ? { kind: 'answer', status: 500, body: JSON.stringify({ httpCode: '500', httpMessage: 'Internal Server Error', moreInformation: 'backend down' }) }
        : { kind: 'forward' };
    const report = await runSync({ source: source(), client: client(), ledger, concurrency: 1 });
    expect(report.failed).toEqual([expect.objectContaining({ erpRef: 'account.move,102 INV/2026/00102', message: expect.stringMatching(/could not check at Cesce whether an earlier send arrived: .*HTTP 500/) })]);
    expect(report.skipped).toContainEqual(expect.objectContaining({ erpRef: 'account.move,102 INV/2026/00102', reason: expect.stringMatching(/could not be checked in this run/) }));
    expect(salePosts(proxy, 'INV/2026/00102')).toHaveLength(0);
    expect(report.salesDeclared).toBe(2);
    // The look-ups (the policy's retries included) are in the item's audit trail.
    const trail = ledger.exchanges(itemKey(CONTRACT, 'invoice', '102'));
    expect(trail.filter((e) => e.operation !== 'token').map((e) => `${e.method} ${e.operation} ${e.status}`)).toEqual(Array(3).fill('GET sales.list 500'));

    listing = true;
    const next = await runSync({ source: source(), client: client(), ledger });
    expect(next.reconciled.confirmed).toBe(1);
    expect(countOf((await salesAtCesce()).map((s) => s.invoiceNo), 'INV/2026/00102')).toBe(1);
  });
});

describe('audit trail', () => {
  it('keeps every exchange of an item, redacted: no secret, no token, no Authorization header', async () => {
    const report = await runSync({ source: source(true), client: client(), ledger, concurrency: 2 });
    expect(report.salesDeclared).toBe(3);
    const keys = [itemKey(CONTRACT, 'classification', '3'), ...['101', '102', '103'].map((id) => itemKey(CONTRACT, 'invoice', id))];
    const tokens = [...new Set(proxy.seen.map((s) => s.token).filter((t): t is string => !!t))];
    expect(tokens.length).toBeGreaterThan(0);
    for (const key of keys) {
      const trail = ledger.exchanges(key);
      expect(trail.length).toBeGreaterThan(0);
      const create = trail.find((e) => e.method === 'POST' && e.operation !== 'token')!;
      expect(create.status).toBe(201);
      expect(create.durationMs).toBeGreaterThanOrEqual(0);
      expect(create.url).toMatch(new RegExp(`^${proxy.url}/.*/contracts/${CONTRACT}/`));
      expect(create.requestBody).toBe(ledger.get(key)!.requestJson);
      expect(create.responseBody).toContain(ledger.get(key)!.cesceRef!);
      const all = JSON.stringify(trail);
      expect(all).not.toContain(SECRET);
      expect(all).not.toMatch(/Bearer|authorization/i);
      for (const token of tokens) expect(all).not.toContain(token);
    }
    const db = ledger.database;
    const dump = JSON.stringify(db.prepare('SELECT * FROM exchanges').all());
    expect(dump).not.toContain(SECRET);
  });
});
