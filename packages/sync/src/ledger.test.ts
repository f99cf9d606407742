/**
 * Several processes opening one new ledger at the same moment (two scheduled runs starting
 * together) must all get a usable ledger. Uses the built package (`pnpm test` builds first).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from './ledger.js';

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(file: string): Promise<string> {
  const code = `import(${JSON.stringify(dist)}).then((m) => { new m.Ledger(${JSON.stringify(file)}).close(); console.log('ok'); }, (e) => console.log(e.message))`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('close', () => resolve(out.trim()));
  });
}

describe('ledger creation', () => {
  it('gives every process that creates the same ledger at once a complete ledger', async () => {
    for (let round = 0; round < 5; round++) {
      const file = join(dir, `l${round}.sqlite`);
      const results = await Promise.all([open(file), open(file), open(file), open(file)]);
      expect(results).toEqual(['ok', 'ok', 'ok', 'ok']);
      const ledger = new Ledger(file);
      expect(ledger.all()).toEqual([]);
      ledger.close();
    }
  }, 60_000);
});

describe('ledgers of earlier versions', () => {
  it('gain the incremental-read tables when opened for a run, and read as having none in a dry run', async () => {
    const { default: Database } = await import('better-sqlite3');
    const file = join(dir, 'old.sqlite');
    // The schema before incremental reads: no watermarks, no open_documents.
    const old = new Database(file);
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE items (key TEXT PRIMARY KEY, contract_no TEXT NOT NULL, kind TEXT NOT NULL, erp_id TEXT NOT NULL, erp_ref TEXT NOT NULL,
        debtor_erp_id TEXT, state TEXT NOT NULL, payload_hash TEXT NOT NULL, request_json TEXT, cesce_ref TEXT, endorsement_no TEXT,
        invoice_no TEXT, invoice_month TEXT, attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER, kb_id TEXT, last_error TEXT,
        written_back INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE writebacks (key TEXT PRIMARY KEY, hash TEXT NOT NULL, written_at TEXT, pending_json TEXT);
      INSERT INTO items VALUES ('sale:1:7', '1', 'invoice', '7', 'account.move,7', '3', 'declared', 'h', '{}', '42', '500', 'INV/7', '2026-10', 1, NULL, NULL, NULL, 1, 'x', 'x');`);
    old.close();

    const readonly = new Ledger(file, { readonly: true });
    expect(readonly.watermark('1', 'db')).toBeUndefined();
    expect(readonly.openDocuments('1', 'db')).toEqual([]);
    readonly.close();

    const ledger = new Ledger(file);
    expect(ledger.get('sale:1:7')).toMatchObject({ state: 'declared', cesceRef: '42' });
    ledger.recordRead('1', 'db', { read: ['8', '9'], gone: [], full: true, watermark: { updatedAt: '2026-12-01 10:00:00', erpId: '9' }, fromDate: null });
    ledger.settle('1', 'db', ['8'], new Map([['9', 'skipped: no due date']]));
    expect(ledger.watermark('1', 'db')).toMatchObject({ updatedAt: '2026-12-01 10:00:00', erpId: '9', fromDate: null });
    expect(ledger.openDocuments('1', 'db')).toEqual([{ erpId: '9', reason: 'skipped: no due date', since: expect.any(String) }]);
    ledger.close();
  });
});
