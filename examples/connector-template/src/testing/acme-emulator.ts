/**
 * A small but real Acme ERP: a node:http server on 127.0.0.1 over an in-memory dataset, answering
 * like the vendor's REST API — bearer token (401 otherwise), page-number pagination of customers,
 * cursor pagination of invoices in (updatedAt, id) order with an inclusive `updatedSince`, invoices
 * by id (404 when unknown), PATCH of custom fields (bumping the invoice's `updatedAt`, as ERPs do).
 * Switches for failures: `failWith` (answer every request with that HTTP status) and `delayMs`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AcmeCompanyResponse, AcmeCustomer, AcmeInvoice } from '../acme-types.js';

export interface AcmeDataset {
  apiVersion: string;
  company: AcmeCompanyResponse['company'];
  customers: AcmeCustomer[];
  invoices: AcmeInvoice[];
}

export interface AcmeEmulatorRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface AcmeEmulatorOptions {
  dataset: AcmeDataset;
  /** The token the API accepts. Default "acme-test-token-0123456789". */
  token?: string | undefined;
  /** The clock for `updatedAt` stamps of PATCHed invoices. Default: now. */
  now?: (() => Date) | undefined;
}

export interface AcmeEmulator {
  url: string;
  token: string;
  dataset: AcmeDataset;
  /** Every request received, in order (the Authorization header is not kept). */
  requests: AcmeEmulatorRequest[];
  /** Answer every request with this HTTP status (e.g. 500) until set back to null. */
  failWith: number | null;
  /** Wait this long before answering. */
  delayMs: number;
  close(): Promise<void>;
}

export const ACME_TEST_TOKEN = 'acme-test-token-0123456789';
const MAX_PAGE = 100;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const encodeCursor = (inv: AcmeInvoice) => Buffer.from(JSON.stringify([inv.updatedAt, inv.id])).toString('base64url');
function decodeCursor(text: string): [string, number] | null {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'number' ? [v[0], v[1]] : null;
  } catch {
    return null;
  }
}
const byChange = (a: AcmeInvoice, b: AcmeInvoice) => (String(a.updatedAt) < String(b.updatedAt) ? -1 : String(a.updatedAt) > String(b.updatedAt) ? 1 : a.id - b.id);

function intParam(query: URLSearchParams, name: string, fallback: number, max: number): number | string {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  return /^\d+$/.test(raw) && n >= 1 && n <= max ? n : `${name} must be a whole number from 1 to ${max}`;
}

export async function startAcmeEmulator(options: AcmeEmulatorOptions): Promise<AcmeEmulator> {
  const token = options.token ?? ACME_TEST_TOKEN;
  const now = options.now ?? (() => new Date());
  const data = options.dataset;

  function route(method: string, url: URL, body: unknown, res: ServerResponse): void {
    const p = url.pathname;
    const q = url.searchParams;
    if (method === 'GET' && p === '/api/company') return send(res, 200, { apiVersion: data.apiVersion, company: data.company });
    if (method === 'GET' && p === '/api/customers') {
      const page = intParam(q, 'page', 1, Number.MAX_SAFE_INTEGER);
      const size = intParam(q, 'pageSize', 25, MAX_PAGE);
      if (typeof page === 'string' || typeof size === 'string') return send(res, 400, { error: 'bad_request', message: typeof page === 'string' ? page : size });
      const all = [...data.customers].sort((a, b) => a.id - b.id);
      return send(res, 200, { data: all.slice((page - 1) * size, page * size), page, pageSize: size, total: all.length });
    }
    if (method === 'GET' && p === '/api/invoices') {
      const limit = intParam(q, 'limit', 25, MAX_PAGE);
      if (typeof limit === 'string') return send(res, 400, { error: 'bad_request', message: limit });
      const since = q.get('updatedSince');
      const from = q.get('issuedFrom');
      const cursorText = q.get('cursor');
      const cursor = cursorText === null ? null : decodeCursor(cursorText);
      if (cursorText !== null && !cursor) return send(res, 400, { error: 'bad_request', message: 'invalid cursor' });
      const rows = [...data.invoices]
        .filter((i) => since === null || String(i.updatedAt) >= since)
        .filter((i) => from === null || String(i.issueDate ?? '').slice(0, 10) >= from)
        .sort(byChange)
        .filter((i) => !cursor || byChange(i, { id: cursor[1], updatedAt: cursor[0] }) > 0);
      const page = rows.slice(0, limit);
      return send(res, 200, { data: page, nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!) : null });
    }
    const one = /^\/api\/(customers|invoices)\/(\d+)$/.exec(p);
    if (one && (method === 'GET' || method === 'PATCH')) {
      const list: { id: number; customFields?: Record<string, string | null>; updatedAt?: string | null }[] = one[1] === 'customers' ? data.customers : data.invoices;
      const record = list.find((r) => r.id === Number(one[2]));
      if (!record) return send(res, 404, { error: 'not_found', message: `${one[1]} ${one[2]} not found` });
      if (method === 'GET') return send(res, 200, record);
      const fields = (body as { customFields?: unknown } | null)?.customFields;
      if (!fields || typeof fields !== 'object' || Object.keys(body as object).some((k) => k !== 'customFields')) {
        return send(res, 422, { error: 'unprocessable', message: 'only customFields can be changed' });
      }
      for (const [k, v] of Object.entries(fields)) {
        if (v !== null && typeof v !== 'string') return send(res, 422, { error: 'unprocessable', message: `customFields.${k} must be a string or null` });
      }
      record.customFields = { ...record.customFields, ...(fields as Record<string, string | null>) };
      if (one[1] === 'invoices') record.updatedAt = now().toISOString();
      return send(res, 200, record);
    }
    send(res, 404, { error: 'not_found', message: `no route ${method} ${p}` });
  }

  const emulator: AcmeEmulator = {
    url: '',
    token,
    dataset: data,
    requests: [],
    failWith: null,
    delayMs: 0,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        return send(res, 400, { error: 'bad_request', message: 'the body is not JSON' });
      }
      emulator.requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), body });
      const answer = () => {
        if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'invalid_token', message: 'The access token is missing, invalid or expired' });
        if (emulator.failWith !== null) return send(res, emulator.failWith, { error: 'internal_error', message: 'Database connection lost' });
        route(req.method ?? 'GET', url, body, res);
      };
      if (emulator.delayMs > 0) setTimeout(answer, emulator.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  emulator.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Keep-alive sockets of fetch would hold close() open.
  const close = emulator.close;
  emulator.close = () => {
    server.closeAllConnections();
    return close();
  };
  return emulator;
}
