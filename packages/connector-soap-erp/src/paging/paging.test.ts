import { ConfigError, ErpError } from '@cesce-connect/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAll, normalizeArrays } from '../mapping/arrays.js';
import { pagingSchema, type Paging } from '../profile/schema.js';
import { readPages, renderTemplate, type PagingContext } from './index.js';
import { startSoapServer, testCaller, type TestSoapServer } from './test-kit.js';

/** 23 numbered records, as a list server would hold them; dates one per day from 2026-01-01. */
const ROWS = Array.from({ length: 23 }, (_, i) => ({
  Key: `K${String(i + 1).padStart(3, '0')}`,
  No: String(i + 1).padStart(10, '0'),
  Date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
}));
const num = (v: unknown, d: number) => (v === undefined || v === null || v === '' ? d : Number(v));

let server: TestSoapServer;
const caller = () => testCaller({ erp: server.wsdlUrl });

beforeAll(async () => {
  server = await startSoapServer({
    // NAV ReadMultiple: rows after bookmarkKey, setSize of them; the answer double-wrapped.
    ReadMultiple: (a) => {
      const start = a.bookmarkKey ? ROWS.findIndex((r) => r.Key === a.bookmarkKey) + 1 : 0;
      const page = ROWS.slice(start, start + num(a.setSize, 0));
      return { ReadMultiple_Result: page.length === 0 ? {} : { Customer: page.length === 1 ? page[0] : page } };
    },
    // A broken server: the first page again and again, whatever the bookmark.
    ReadMultipleStuck: (a) => ({ ReadMultiple_Result: { Customer: ROWS.slice(0, num(a.setSize, 0)) } }),
    // A2X-style cursor.
    Query: (a) => {
      const start = a.LastReturnedObjectID ? ROWS.findIndex((r) => r.No === a.LastReturnedObjectID) + 1 : 0;
      const page = ROWS.slice(start, start + num(a.Max, 0));
      const last = page[page.length - 1];
      return { Row: page, ProcessingConditions: { ReturnedMore: String(start + page.length < ROWS.length), LastReturnedObjectID: last?.No ?? '' } };
    },
    QueryStuck: () => ({ Row: ROWS.slice(0, 5), ProcessingConditions: { ReturnedMore: 'true', LastReturnedObjectID: ROWS[4]!.No } }),
    Search: (a) => {
      const size = num(a.pageSize, 0);
      const index = num(a.pageIndex, 1);
      return { totalPages: String(Math.ceil(ROWS.length / size)), recordList: { record: ROWS.slice((index - 1) * size, index * size) } };
    },
    Offset: (a) => ({ rows: { row: ROWS.slice(num(a.offset, 0), num(a.offset, 0) + num(a.limit, 0)) } }),
    // BAPI-like GETLIST by date range with MAXROWS: returns at most MAXROWS rows, silently truncated.
    GetList: (a) => {
      const range = a.DATERANGE as { LOW: string; HIGH: string };
      const all = ROWS.filter((r) => r.Date >= range.LOW && r.Date <= range.HIGH);
      return { LIST: { item: all.slice(0, num(a.MAXROWS, 0) || all.length) } };
    },
    GetByNumber: (a) => ({ LIST: { item: ROWS.filter((r) => r.No >= String(a.LOW) && r.No <= String(a.HIGH)) } }),
  });
});
afterAll(() => server.close());

async function readAll(paging: Paging, operation: string, request: Record<string, unknown>, recordsPath: string, extra: Partial<PagingContext> = {}) {
  const c = caller();
  const before = server.calls.length;
  const ctx: PagingContext = {
    label: `test ${operation}`,
    maxRows: 1000,
    ...extra,
    fetch: async (values) => {
      const args = renderTemplate(request, values, operation) as Record<string, unknown>;
      const { result } = await c.call({ service: 'erp', operation }, args);
      const answer = normalizeArrays(result, []);
      return { answer, records: getAll(answer, recordsPath) };
    },
  };
  const pages: unknown[][] = [];
  for await (const page of readPages(paging, ctx)) pages.push(page);
  return { pages, rows: pages.flat() as { No: string }[], calls: server.calls.slice(before) };
}

const p = (x: unknown) => pagingSchema.parse(x);

describe('paging strategies over SOAP', () => {
  it('bookmark: pages by the last Key until an empty page (a short page is not the end), the single-record page included', async () => {
    const { pages, rows, calls } = await readAll(p({ type: 'bookmark', pageSize: 11 }), 'ReadMultiple', { bookmarkKey: '{{bookmarkKey}}', setSize: '{{pageSize}}' }, 'ReadMultiple_Result.Customer');
    expect(pages.map((x) => x.length)).toEqual([11, 11, 1]);
    expect(rows.map((r) => r.No)).toEqual(ROWS.map((r) => r.No));
    expect(calls.map((c) => c.args.bookmarkKey)).toEqual([undefined, 'K011', 'K022', 'K023']);
  });

  it('bookmark: stops on an empty wrapper when the last page is full', async () => {
    const { pages } = await readAll(p({ type: 'bookmark', pageSize: 23 }), 'ReadMultiple', { bookmarkKey: '{{bookmarkKey}}', setSize: '{{pageSize}}' }, 'ReadMultiple_Result.Customer');
    expect(pages.map((x) => x.length)).toEqual([23]);
  });

  it('bookmark: a server that repeats its page is an error, never a loop', async () => {
    const run = readAll(p({ type: 'bookmark', pageSize: 5 }), 'ReadMultipleStuck', { bookmarkKey: '{{bookmarkKey}}', setSize: '{{pageSize}}' }, 'ReadMultiple_Result.Customer');
    await expect(run).rejects.toThrow(ErpError);
    await expect(readAll(p({ type: 'bookmark', pageSize: 5 }), 'ReadMultipleStuck', { setSize: '{{pageSize}}', bookmarkKey: '{{bookmarkKey}}' }, 'ReadMultiple_Result.Customer')).rejects.toThrow(
      /test ReadMultipleStuck: the server answered the same page again \(bookmark K005 again\)/,
    );
  });

  it('cursor: follows LastReturnedObjectID until ReturnedMore is false; a stuck cursor is an error', async () => {
    const paging = p({ type: 'cursor', pageSize: 10, cursorPath: 'ProcessingConditions.LastReturnedObjectID', morePath: 'ProcessingConditions.ReturnedMore' });
    const request = { Max: '{{pageSize}}', LastReturnedObjectID: '{{cursor}}' };
    const { pages, rows } = await readAll(paging, 'Query', request, 'Row');
    expect(pages.map((x) => x.length)).toEqual([10, 10, 3]);
    expect(new Set(rows.map((r) => r.No)).size).toBe(23);
    await expect(readAll(paging, 'QueryStuck', request, 'Row')).rejects.toThrow(/cursor 0000000005 again/);
  });

  it('pageIndex: from firstPage until totalPages', async () => {
    const { pages, calls } = await readAll(p({ type: 'pageIndex', pageSize: 5, totalPagesPath: 'totalPages' }), 'Search', { pageIndex: '{{pageIndex}}', pageSize: '{{pageSize}}' }, 'recordList.record');
    expect(pages.map((x) => x.length)).toEqual([5, 5, 5, 5, 3]);
    expect(calls.map((c) => c.args.pageIndex)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('offset: offset/limit until a short page; the row cap stops a list that is too long', async () => {
    const { rows } = await readAll(p({ type: 'offset', pageSize: 7 }), 'Offset', { offset: '{{offset}}', limit: '{{limit}}' }, 'rows.row');
    expect(rows).toHaveLength(23);
    await expect(readAll(p({ type: 'offset', pageSize: 7 }), 'Offset', { offset: '{{offset}}', limit: '{{limit}}' }, 'rows.row', { maxRows: 20 })).rejects.toThrow(
      /more than 20 rows/,
    );
  });

  it('window over dates: splits a window that hits maxRows and reads every row once', async () => {
    const paging = p({ type: 'window', over: 'date', start: '2025-12-25', end: '2026-01-31', stepDays: 14, maxRows: 4 });
    const request = { DATERANGE: { SIGN: 'I', OPTION: 'BT', LOW: '{{from}}', HIGH: '{{to}}' }, MAXROWS: 4 };
    const { rows, calls } = await readAll(paging, 'GetList', request, 'LIST.item');
    expect(rows.map((r) => r.No).sort()).toEqual(ROWS.map((r) => r.No));
    const ranges = calls.map((c) => `${(c.args.DATERANGE as { LOW: string }).LOW}..${(c.args.DATERANGE as { HIGH: string }).HIGH}`);
    expect(ranges[0]).toBe('2025-12-25..2026-01-07');
    expect(ranges).toContain('2025-12-25..2025-12-31');
    expect(ranges[ranges.length - 1]).toMatch(/\.\.2026-01-31$/);
  });

  it('window over dates: starts at the incremental watermark when it is later', async () => {
    const paging = p({ type: 'window', over: 'date', start: '2025-01-01', end: '2026-01-31', stepDays: 31, format: 'YYYY-MM-DD' });
    const { rows, calls } = await readAll(paging, 'GetList', { DATERANGE: { LOW: '{{from}}', HIGH: '{{to}}' } }, 'LIST.item', { since: '2026-01-20' });
    expect(rows).toHaveLength(4);
    expect(calls).toHaveLength(1);
  });

  it('window over dates: a one-day window that still hits maxRows is an error', async () => {
    const paging = p({ type: 'window', over: 'date', start: '2026-01-01', end: '2026-01-02', stepDays: 2, maxRows: 1 });
    await expect(readAll(paging, 'GetList', { DATERANGE: { LOW: '{{from}}', HIGH: '{{to}}' }, MAXROWS: 1 }, 'LIST.item')).rejects.toThrow(/window 2026-01-01 alone returns 1 rows/);
  });

  it('window over numbers: zero-padded ranges', async () => {
    const paging = p({ type: 'window', over: 'number', start: '1', end: '30', step: 10, pad: 10 });
    const { rows, calls } = await readAll(paging, 'GetByNumber', { LOW: '{{from}}', HIGH: '{{to}}' }, 'LIST.item');
    expect(rows).toHaveLength(23);
    expect(calls.map((c) => [c.args.LOW, c.args.HIGH])).toEqual([
      ['0000000001', '0000000010'],
      ['0000000011', '0000000020'],
      ['0000000021', '0000000030'],
    ]);
  });

  it('none: one call', async () => {
    const { pages, calls } = await readAll(p({ type: 'none' }), 'Offset', { offset: '0', limit: '100' }, 'rows.row');
    expect(pages).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });
});

describe('request templates', () => {
  const values = { pageSize: 50, bookmarkKey: null, company: { id: '1000', name: 'Demo SA' }, record: { KUNNR: '0000001000', ADDR: { attributes: { x: '1' }, $value: 'Calle 1' } } };

  it('gives a lone placeholder its type and writes others as text', () => {
    expect(
      renderTemplate(
        { size: '{{pageSize}}', key: '{{bookmarkKey}}', list: [{ No: '{{ record.KUNNR }}' }], text: 'CC {{company.id}} / {{pageSize}} rows / {{bookmarkKey}}', addr: '{{record.ADDR}}', none: '{{record.NOPE}}', n: 5 },
        values,
        'customers BAPI_CUSTOMER_GETLIST',
      ),
    ).toEqual({ size: 50, key: null, list: [{ No: '0000001000' }], text: 'CC 1000 / 50 rows / ', addr: 'Calle 1', none: null, n: 5 });
  });

  it('names an unknown placeholder and the operation', () => {
    const run = () => renderTemplate({ A: { B: '{{cusor}}' } }, values, 'invoices BAPI_BILLINGDOC_GETLIST');
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/invoices BAPI_BILLINGDOC_GETLIST[\s\S]*unknown placeholder \{\{cusor\}\}/);
  });
});
