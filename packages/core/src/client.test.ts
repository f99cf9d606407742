import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CesceClient } from './client.js';
import { CesceApiError, CesceAuthError } from './errors.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const debtor = { requestNo: '7', endorsementNo: '7', countryCode: 'ES', taxCode: 'B65410011', statusCode: '2', creditLimitGranted: '25000,00', currencyCode: 'EUR', classificationDate: '20261101', validityDate: '0' };

function client(baseUrl: string, extra: Partial<ConstructorParameters<typeof CesceClient>[0]> = {}) {
  return new CesceClient({
    environment: 'sandbox',
    baseUrl,
    contractNo: '34109150331',
    credentials: { clientId: 'id-1', clientSecret: 's3cr3t-value' },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

describe('CesceClient over HTTP', () => {
  it('sends the password grant as a form, caches the token and shares one refresh', async () => {
    const forms: URLSearchParams[] = [];
    const auths: string[] = [];
    const url = await serve((req, body, res) => {
      if (req.url === '/oauth2/v1/token') {
        forms.push(new URLSearchParams(body));
        setTimeout(() => json(res, 200, { access_token: `tok-${forms.length}`, token_type: 'Bearer', expires_in: 3600 }), 20);
        return;
      }
      auths.push(String(req.headers.authorization));
      json(res, 200, { error: { errorCode: '0' }, client: { contractNo: '34109150331' }, debtor: [debtor] });
    });
    const c = client(url);
    const results = await Promise.all([1, 2, 3, 4].map(() => c.classifications.query({ taxCode: 'B65410011' })));
    expect(forms).toHaveLength(1);
    expect(Object.fromEntries(forms[0]!)).toEqual({
      grant_type: 'password',
      client_id: 'id-1',
      client_secret: 's3cr3t-value',
      scope: 'create read update delete',
    });
    expect(auths).toEqual(Array(4).fill('Bearer tok-1'));
    expect(results[0]![0]).toMatchObject({
      endorsementNo: '7',
      status: { state: 'classified', active: true },
      grantedLimit: { currency: 'EUR', amount: '25000.00' },
      classificationDate: '2026-11-01',
      validityDate: null,
    });
    expect(c.requestCounts).toEqual({ api: 4, token: 1 });
  });

  it('renews the token shortly before expires_in', async () => {
    let now = 1_000_000;
    let tokens = 0;
    const url = await serve((req, _body, res) => {
      if (req.url === '/oauth2/v1/token') return json(res, 200, { access_token: `tok-${++tokens}`, expires_in: 120 });
      json(res, 200, { debtor: null });
    });
    const c = client(url, { clock: () => now });
    await c.classifications.query({ taxCode: 'X' });
    now += 30_000;
    await c.classifications.query({ taxCode: 'X' });
    expect(tokens).toBe(1);
    now += 40_000; // 70 s after issue: within 60 s of expiry
    await c.classifications.query({ taxCode: 'X' });
    expect(tokens).toBe(2);
  });

  it('retries once, transparently, after a 401 on an expired token', async () => {
    let tokens = 0;
    const seen: string[] = [];
    const url = await serve((req, _body, res) => {
      if (req.url === '/oauth2/v1/token') return json(res, 200, { access_token: `tok-${++tokens}`, expires_in: 3600 });
      seen.push(String(req.headers.authorization));
      if (req.headers.authorization === 'Bearer tok-1') {
        return json(res, 401, { httpCode: '401', httpMessage: 'Unauthorized', moreInformation: 'Cannot pass the security checks' });
      }
      json(res, 201, { sale: { saleCesceReferenceNo: '900', endorsementNo: '7', invoiceNo: 'INV/1', invoiceDate: '20261001', dueDate: '20261130', amount: '121,00', currencyCode: 'EUR' } });
    });
    const sale = await client(url).sales.declare({
      endorsementNo: '7',
      invoiceNo: 'INV/1',
      invoiceDate: '2026-10-01',
      dueDate: '2026-11-30',
      amount: { currency: 'EUR', amount: '121.00' },
    });
    expect(sale.saleCesceReferenceNo).toBe('900');
    expect(seen).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('does not loop when the new token is refused too', async () => {
    let calls = 0;
    const url = await serve((req, _body, res) => {
      if (req.url === '/oauth2/v1/token') return json(res, 200, { access_token: 't', expires_in: 3600 });
      calls++;
      json(res, 401, { httpCode: '401', httpMessage: 'Unauthorized', moreInformation: 'The application is not subscribed to the product for this API.' });
    });
    const err = await client(url).classifications.query({ taxCode: 'X' }).catch((e) => e);
    expect(err).toBeInstanceOf(CesceApiError);
    expect(err.entry.id).toBe('cesce-401-product-subscription');
    expect(calls).toBe(2);
  });

  it('explains token refusals without leaking the secret', async () => {
    const url = await serve((_req, _body, res) => json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' }));
    const err = await client(url).classifications.query({ taxCode: 'X' }).catch((e) => e);
    expect(err).toBeInstanceOf(CesceAuthError);
    expect(err.entry.id).toBe('cesce-401-client-credentials');
    expect(err.entry.fix.es).toMatch(/CLIENT ID/);
    expect(JSON.stringify({ m: err.message, h: err.hint })).not.toContain('s3cr3t-value');
  });

  it('maps business errors to knowledge-base entries and never retries a POST', async () => {
    let posts = 0;
    const url = await serve((req, _body, res) => {
      if (req.url === '/oauth2/v1/token') return json(res, 200, { access_token: 't', expires_in: 3600 });
      if (req.method === 'POST') {
        posts++;
        return json(res, 503, { error: { errorCode: '500', errorDescription: 'Servicio no disponible' } });
      }
      json(res, 400, { error: { errorCode: 'CLA002', errorDescription: 'No existe una clasificación para el deudor indicado.' } });
    });
    const c = client(url);
    expect(await c.classifications.query({ taxCode: 'X' })).toEqual([]);
    const err = await c.sales
      .declare({ endorsementNo: '1', invoiceNo: 'A', invoiceDate: '2026-10-01', dueDate: '2026-10-31', amount: { currency: 'EUR', amount: '1.00' } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(CesceApiError);
    expect(err.entry.id).toBe('cesce-500-service-unavailable');
    expect(err.retryable).toBe(true);
    expect(posts).toBe(1);
  });

  it('retries GETs on 503 with backoff and pages through the sales list', async () => {
    let failures = 0;
    const url = await serve((req, _body, res) => {
      if (req.url === '/oauth2/v1/token') return json(res, 200, { access_token: 't', expires_in: 3600 });
      const u = new URL(req.url!, 'http://x');
      if (failures++ < 1) return json(res, 503, { error: { errorCode: '500', errorDescription: 'down' } });
      const page = Number(u.searchParams.get('pageNo'));
      const sale = (n: number) => ({ saleCesceReferenceNo: String(n), endorsementNo: '7', invoiceNo: `INV/${n}`, invoiceDate: '20261001', dueDate: '20261130', amount: n === 3 ? '-10,00' : '121,00', currencyCode: 'EUR', originalInvoiceNo: n === 3 ? 'INV/1' : '' });
      json(res, 200, { sales: page === 1 ? [sale(1), sale(2)] : [sale(3)], pagination: { pageNo: String(page), pageSize: '2', totalPages: '2', totalElements: '3' } });
    });
    const all = [];
    for await (const s of client(url).sales.list({ endorsementNo: '7', invoiceMonth: '2026-10', pageSize: 2 })) all.push(s);
    expect(all.map((s) => [s.invoiceNo, s.amount.amount, s.originalInvoiceNo])).toEqual([
      ['INV/1', '121.00', null],
      ['INV/2', '121.00', null],
      ['INV/3', '-10.00', 'INV/1'],
    ]);
  });

  it('rejects a malformed contract number before any network call', () => {
    expect(() => client('http://127.0.0.1:9', { contractNo: '3410915033' })).toThrow(/10 digits/);
  });

  it('reports a body that does not match the schema, naming the field', async () => {
    const url = await serve((req, _body, res) => {
      if (req.url === '/oauth2/v1/token') return json(res, 200, { access_token: 't', expires_in: 3600 });
      json(res, 200, { debtor: [{ taxCode: 'X' }] });
    });
    await expect(client(url).classifications.query({ taxCode: 'X' })).rejects.toThrow(/debtor\.0\.(countryCode|statusCode)/);
  });
});

describe('CesceClient rate limiter', () => {
  it('waits on the limiter before every API call (a GET retried after a 503 included), not before token requests', async () => {
    let calls = 0;
    const order: string[] = [];
    const url = await serve((req, _body, res) => {
      if (req.url === '/oauth2/v1/token') return json(res, 200, { access_token: 'tok', token_type: 'Bearer', expires_in: 3600 });
      calls += 1;
      order.push('request');
      if (calls === 1) return json(res, 503, { error: { errorCode: '503', errorDescription: 'busy' } });
      json(res, 200, { error: { errorCode: '0' }, client: { contractNo: '34109150331' }, debtor: [debtor] });
    });
    let acquired = 0;
    const c = client(url, {
      rateLimiter: {
        acquire: async () => {
          acquired += 1;
          order.push('acquire');
        },
      },
    });
    await c.classifications.query({ taxCode: 'B65410011' });
    await c.classifications.query({ taxCode: 'B65410011' });
    expect(calls).toBe(3);
    expect(acquired).toBe(3);
    expect(order).toEqual(['acquire', 'request', 'acquire', 'request', 'acquire', 'request']);
    expect(c.requestCounts).toEqual({ api: 3, token: 1 });
  });
});
