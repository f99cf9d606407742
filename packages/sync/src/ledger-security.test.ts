import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Exchange } from '@cesce-connect/core';
import { itemKey, Ledger } from './ledger.js';

const CONTRACT = '34109150331';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cesce-ledger-sec-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const mode = (file: string) => statSync(file).mode & 0o777;

function exchange(over: Partial<Exchange> = {}): Exchange {
  return {
    at: '2026-12-04T10:00:00.000Z',
    operation: 'sales.create',
    method: 'POST',
    url: 'http://127.0.0.1:1/sales/v1/contracts/34109150331/sales',
    status: 201,
    durationMs: 12,
    requestBody: '{"invoiceNo":"INV/1"}',
    responseBody: '{"saleCesceReferenceNo":"9"}',
    error: null,
    ...over,
  };
}

function send(ledger: Ledger, erpId: string): string {
  ledger.markSending({ contractNo: CONTRACT, kind: 'invoice', erpId, erpRef: `INV ${erpId}`, debtorErpId: '1', payloadHash: 'h', requestJson: '{}' });
  return itemKey(CONTRACT, 'invoice', erpId);
}

describe('ledger permissions', () => {
  it('creates the ledger and its -wal and -shm files owner-only, whatever the umask', () => {
    const previous = process.umask(0o002);
    try {
      const file = join(dir, 'new', 'ledger.sqlite');
      const ledger = new Ledger(file);
      try {
        send(ledger, '1');
        expect(mode(file)).toBe(0o600);
        expect(existsSync(`${file}-wal`)).toBe(true);
        expect(mode(`${file}-wal`)).toBe(0o600);
        expect(mode(`${file}-shm`)).toBe(0o600);
        expect(mode(join(dir, 'new'))).toBe(0o700);
        expect(ledger.notices).toEqual([]);
      } finally {
        ledger.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  it('tightens an existing ledger readable by others to owner-only, and says so', () => {
    const file = join(dir, 'ledger.sqlite');
    new Ledger(file).close();
    chmodSync(file, 0o644);
    const ledger = new Ledger(file);
    try {
      send(ledger, '1');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f)).toBe(0o600);
      expect(ledger.notices[0]).toMatch(/ledger\.sqlite was readable by other users \(mode 644\); its permissions are now owner-only \(600\)/);
      // SQLite opened -wal/-shm with the database file's old mode: tightened too.
      expect(ledger.notices.slice(1).every((n) => /ledger\.sqlite-(wal|shm) was readable/.test(n))).toBe(true);
    } finally {
      ledger.close();
    }
  });
});

describe('audit trail storage', () => {
  it('keeps exchanges per item, in order, written with the outcome in one transaction', () => {
    const ledger = new Ledger(join(dir, 'ledger.sqlite'));
    try {
      const a = send(ledger, '1');
      const b = send(ledger, '2');
      ledger.transaction(() => {
        ledger.markDeclared(a, '9');
        ledger.recordExchanges(a, [exchange({ status: null, error: 'ECONNRESET', responseBody: null }), exchange({ method: 'GET', operation: 'sales.list', status: 200 })]);
      });
      expect(ledger.exchanges(a).map((e) => [e.itemKey, e.operation, e.status, e.error])).toEqual([
        [a, 'sales.create', null, 'ECONNRESET'],
        [a, 'sales.list', 200, null],
      ]);
      expect(ledger.exchanges(b)).toEqual([]);
      // A failed transaction keeps neither the outcome nor the exchanges.
      expect(() =>
        ledger.transaction(() => {
          ledger.markDeclared(b, '10');
          ledger.recordExchanges(b, [exchange()]);
          throw new Error('disk full');
        }),
      ).toThrow('disk full');
      expect(ledger.get(b)!.state).toBe('sending');
      expect(ledger.exchanges(b)).toEqual([]);
    } finally {
      ledger.close();
    }
  });

  it('opens a ledger written before the audit trail: read-only as empty, read-write by adding the table', () => {
    const file = join(dir, 'old.sqlite');
    const old = new Ledger(file);
    const key = send(old, '1');
    old.database.exec('DROP TABLE exchanges');
    old.close();

    const readonly = new Ledger(file, { readonly: true });
    try {
      expect(readonly.exchanges(key)).toEqual([]);
      expect(readonly.get(key)?.state).toBe('sending');
    } finally {
      readonly.close();
    }
    const upgraded = new Ledger(file);
    try {
      upgraded.recordExchanges(key, [exchange()]);
      expect(upgraded.exchanges(key)).toHaveLength(1);
    } finally {
      upgraded.close();
    }
  });

  it('leaves the permissions of a file that is not a ledger alone, and names it', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'not a database at all, just text that is long enough to not be a header');
    chmodSync(file, 0o644);
    expect(() => new Ledger(file)).toThrow(/is not a cesce ledger/);
    expect(mode(file)).toBe(0o644);
  });
});
