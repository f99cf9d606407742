import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ValidationError, type SaleDocument } from '@cesce-connect/core';
import { fixtureDataset, FIXTURE } from './__fixtures__/dataset.js';
import { startOdooEmulator, type OdooEmulator, type OdooEmulatorCall } from './testing/index.js';
import { createOdooSource } from './source.js';
import type { OdooConnectorConfig } from './config.js';

let emulator: OdooEmulator;
beforeEach(async () => {
  emulator = await startOdooEmulator({ dataset: fixtureDataset() });
});
afterEach(async () => {
  await emulator.close();
});

function source(overrides: Partial<OdooConnectorConfig> = {}) {
  return createOdooSource({
    url: emulator.url,
    database: FIXTURE.database,
    username: FIXTURE.login,
    password: FIXTURE.password,
    companyId: 1,
    pageSize: 3,
    ...overrides,
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const movePages = (): OdooEmulatorCall[] =>
  emulator.calls.filter((c) => c.model === 'account.move' && c.method === 'search_read' && JSON.stringify(c.args[0]).includes('"posted"'));

const last = (docs: SaleDocument[]) => ({ updatedAt: docs.at(-1)!.updatedAt!, erpId: docs.at(-1)!.erpId });

describe('documents({ changedSince })', () => {
  test('reads every change once, in (write_date, id) order, across pages of records sharing one write_date', async () => {
    const s = source({ overlapMinutes: 0 });
    const all = await collect(s.documents());
    emulator.calls.length = 0;
    const changed = await collect(s.documents({ changedSince: { updatedAt: '2026-01-01 00:00:00', erpId: '0' } }));
    expect(changed.map((d) => d.erpId).sort()).toEqual(all.map((d) => d.erpId).sort());
    // 102 was written on 2026-09-05, all the others in one transaction on 2026-10-01 08:00:00.
    expect(changed[0]!.erpId).toBe('102');
    const rest = changed.slice(1).map((d) => Number(d.erpId));
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    // Odoo stores write_date with microseconds but shows whole seconds: the keyset compares whole
    // seconds, and the last second of a full page is read again by id alone.
    const pages = movePages();
    const tail = (i: number, n: number) => (pages[i]!.args[0] as unknown[]).slice(-n);
    expect(pages[0]!.kwargs).toMatchObject({ order: 'write_date asc, id asc', limit: 3, context: { allowed_company_ids: [1] } });
    expect(tail(0, 7)).toEqual([
      '|', ['write_date', '>=', '2026-01-01 00:00:01'],
      '&', '&', ['write_date', '>=', '2026-01-01 00:00:00'], ['write_date', '<', '2026-01-01 00:00:01'], ['id', '>', 0],
    ]);
    // The first page (102, 101, 103) ends in the second shared by 19 documents: 7 pages of it by id.
    const bucket = pages.slice(1, 8);
    for (const p of bucket) expect(p.kwargs).toMatchObject({ order: 'id asc', limit: 3, context: { allowed_company_ids: [1] } });
    expect(bucket.map((p) => JSON.stringify((p.args[0] as unknown[]).slice(-3)))).toEqual(
      [0, 104, 109, 114, 117, 120, 123].map((id) => JSON.stringify([['write_date', '>=', '2026-10-01 08:00:00'], ['write_date', '<', '2026-10-01 08:00:01'], ['id', '>', id]])),
    );
    // Then the keyset resumes after (2026-10-01 08:00:00, 124) and finds nothing more.
    expect(pages).toHaveLength(9);
    expect(tail(8, 7)).toEqual([
      '|', ['write_date', '>=', '2026-10-01 08:00:01'],
      '&', '&', ['write_date', '>=', '2026-10-01 08:00:00'], ['write_date', '<', '2026-10-01 08:00:01'], ['id', '>', 124],
    ]);
    for (const p of pages) expect(JSON.stringify(p.args[0])).toContain('["company_id","=",1]');
    await s.close();
  });

  test("a document's updatedAt round-trips as the watermark: the next run reads only what changed since", async () => {
    const s = source({ overlapMinutes: 0 });
    const first = await collect(s.documents({ changedSince: { updatedAt: '2026-01-01 00:00:00', erpId: '0' } }));
    const watermark = last(first);
    expect(watermark.updatedAt).toBe('2026-10-01T08:00:00Z');
    await expect(collect(s.documents({ changedSince: watermark }))).resolves.toEqual([]);

    emulator.setClock(() => '2026-10-02 09:00:00');
    emulator.update('account.move', 107, { payment_state: 'paid' });
    emulator.update('account.move', 105, { amount_total: 1 }); // a draft: never read
    const next = await collect(s.documents({ changedSince: watermark }));
    expect(next.map((d) => d.erpId)).toEqual(['107']);
    expect(next[0]!.updatedAt).toBe('2026-10-02T09:00:00Z');
    await s.close();
  });

  test('the overlap window re-reads changes a long transaction stamped before the watermark', async () => {
    emulator.setClock(() => '2026-10-02 09:00:00');
    emulator.update('account.move', 107, { payment_state: 'paid' });
    const watermark = { updatedAt: '2026-10-02T09:00:00Z', erpId: '107' };
    // Committed after the last run although its transaction started 5 (and 15) minutes earlier.
    emulator.update('account.move', 108, { payment_state: 'paid', write_date: '2026-10-02 08:55:00' });
    emulator.update('account.move', 109, { payment_state: 'paid', write_date: '2026-10-02 08:45:00' });

    const s = source();
    const docs = await collect(s.documents({ changedSince: watermark }));
    expect(docs.map((d) => d.erpId)).toEqual(['108', '107']);
    expect((movePages()[0]!.args[0] as unknown[]).slice(-7)).toEqual([
      '|', ['write_date', '>=', '2026-10-02 08:50:01'],
      '&', '&', ['write_date', '>=', '2026-10-02 08:50:00'], ['write_date', '<', '2026-10-02 08:50:01'], ['id', '>', 0],
    ]);
    emulator.calls.length = 0;
    const wide = await collect(source({ overlapMinutes: 30 }).documents({ changedSince: watermark }));
    expect(wide.map((d) => d.erpId)).toEqual(['109', '108', '107']);
    await s.close();
  });

  test('fromDate and changedSince combine; a bad watermark is refused', async () => {
    const s = source({ overlapMinutes: 0 });
    const docs = await collect(s.documents({ fromDate: '2026-10-11', changedSince: { updatedAt: '2026-01-01 00:00:00', erpId: '0' } }));
    expect(docs.map((d) => d.number)).toEqual(['INV/2026/00018', 'INV/2026/00019']);
    await expect(collect(s.documents({ changedSince: { updatedAt: 'yesterday', erpId: '1' } }))).rejects.toThrow(ValidationError);
    await expect(collect(s.documents({ changedSince: { updatedAt: '2026-02-30 10:00:00', erpId: '1' } }))).rejects.toThrow(/changedSince.updatedAt/);
    expect(() => source({ overlapMinutes: -1 })).toThrow(/overlapMinutes/);
    await s.close();
  });
});

describe('documentsByIds', () => {
  test('posted customer documents of the company by id, in chunks; other keys are simply absent', async () => {
    const s = source({ pageSize: 2 });
    // 105 draft, 106 cancelled, 110 company 2, 111 vendor bill, 999 missing, 'abc' not an id.
    const docs = await collect(s.documentsByIds(['104', '101', '105', '106', '110', '111', '999', 'abc', '101']));
    expect(docs.map((d) => d.erpId).sort()).toEqual(['101', '104']);
    expect(docs.find((d) => d.erpId === '104')!.kind).toBe('credit_note');
    const pages = movePages();
    expect(pages.map((p) => JSON.stringify((p.args[0] as unknown[]).at(-1)))).toEqual(['["id","in",[101,104]]', '["id","in",[105,106]]', '["id","in",[110,111]]', '["id","in",[999]]']);
    for (const p of pages) expect(JSON.stringify(p.args[0])).toContain('["company_id","=",1]');
    await s.close();
  });

  test('capabilities: incremental, scoped to URL, database and company', () => {
    expect(source().capabilities).toEqual({ incremental: true, scope: `odoo:${emulator.url}/${FIXTURE.database}/company/1` });
    expect(source({ companyId: 2 }).capabilities.scope).toBe(`odoo:${emulator.url}/${FIXTURE.database}/company/2`);
  });
});
