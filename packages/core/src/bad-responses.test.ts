/**
 * Bad answers from Cesce (or a gateway in front of it) become typed errors that name the
 * operation, the HTTP status and the problem — never a crash, a hang or an unhandled rejection.
 * Each case runs against a GET (classifications.query), a POST (sales.create) and the token
 * request, over real HTTP on 127.0.0.1.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CesceClient } from './client.js';
import { CesceApiError, CesceAuthError, CesceConnectError, CesceResponseError, type ResponseProblem } from './errors.js';

type Target = 'get' | 'post' | 'token';
const TARGETS: Target[] = ['get', 'post', 'token'];
const OPERATION: Record<Target, string> = { get: 'classifications.query', post: 'sales.create', token: 'token' };

type Respond = (res: ServerResponse, req: IncomingMessage) => void;

interface Expectation {
  type: typeof CesceResponseError | typeof CesceApiError | typeof CesceAuthError;
  status: number;
  problem?: ResponseProblem;
  message: RegExp;
  entry?: string;
}

interface Case {
  name: string;
  respond: Respond;
  /** Applies to the three targets unless `token` overrides it. */
  expect: Expectation | ((target: Target) => Expectation);
  client?: { timeoutMs?: number };
}

const MB = 1024 * 1024;
const HTML_200 =
  '<!DOCTYPE html>\n<html><head><title>Servicio en mantenimiento</title></head><body><h1>Estamos trabajando</h1><p>Vuelva más tarde.</p></body></html>';
const HTML_502 = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const validSale = {
  saleCesceReferenceNo: '900',
  endorsementNo: '7',
  invoiceNo: 'INV/1',
  invoiceDate: '20261001',
  dueDate: '20261130',
  amount: '121,00',
  currencyCode: 'EUR',
};
const validDebtor = { requestNo: '7', endorsementNo: '7', countryCode: 'ES', taxCode: 'B65410011', statusCode: '2' };

function send(status: number, contentType: string | null, body: string): Respond {
  return (res) => {
    const headers: Record<string, string> = {};
    if (contentType) headers['content-type'] = contentType;
    res.writeHead(status, headers).end(body);
  };
}

/** Sends the head and part of the body, then breaks the connection. */
function resetMidBody(status: number): Respond {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': '2000' });
    res.write('{"error":{"errorCode":"0"},"debtor":[{"requestNo":"7","taxCode":"B65');
    setTimeout(() => res.socket?.destroy(), 20);
  };
}

const responseError = (status: number, problem: ResponseProblem, message: RegExp): Expectation => ({ type: CesceResponseError, status, problem, message });

const CASES: Case[] = [
  {
    name: 'HTML error page with status 200',
    respond: send(200, 'text/html; charset=utf-8', HTML_200),
    expect: responseError(200, 'html', /answered HTTP 200 with an HTML page instead of JSON \("Servicio en mantenimiento"\)/),
  },
  {
    name: 'HTML error page with status 502',
    respond: send(502, 'text/html', HTML_502),
    expect: (t) => ({
      type: t === 'token' ? CesceAuthError : CesceApiError,
      status: 502,
      message: /failed with HTTP 502: Bad Gateway \(an HTML page instead of JSON \("502 Bad Gateway"\)\)/,
      entry: 'cesce-500-service-unavailable',
    }),
  },
  {
    name: 'truncated JSON',
    respond: send(200, 'application/json', '{"error":{"errorCode":"0"},"debtor":[{"requestNo":"7","taxCode":"B654'),
    expect: responseError(200, 'truncated', /answered HTTP 200 with truncated JSON \(the body ends mid-value/),
  },
  {
    name: 'truncated JSON in an error answer (500)',
    respond: send(500, 'application/json', '{"error":{"errorCode":"500","errorDescr'),
    expect: (t) => ({
      type: t === 'token' ? CesceAuthError : CesceApiError,
      status: 500,
      message: /failed with HTTP 500: Internal Server Error \(truncated JSON/,
      entry: 'cesce-500-service-unavailable',
    }),
  },
  {
    name: 'wrong types',
    respond: send(
      200,
      'application/json',
      JSON.stringify({ debtor: [{ ...validDebtor, taxCode: 65410011 }], sale: { ...validSale, invoiceNo: 121 }, access_token: 42, expires_in: 'soon' }),
    ),
    expect: (t) =>
      responseError(
        200,
        'shape',
        { get: /unexpected body at debtor\.0\.taxCode: .*expected string/, post: /unexpected body at sale\.invoiceNo: .*expected string/, token: /without a usable access_token \(access_token: .*expected string/ }[t],
      ),
  },
  {
    name: 'empty body with status 200',
    respond: send(200, 'application/json', ''),
    expect: responseError(200, 'empty', /answered HTTP 200 with an empty body where (a JSON object|a token) was expected/),
  },
  {
    name: 'empty body with status 204',
    respond: (res) => res.writeHead(204).end(),
    expect: responseError(204, 'empty', /answered HTTP 204 with no content \(204\) where (a JSON object|a token) was expected/),
  },
  {
    name: 'valid JSON that is an array',
    respond: send(200, 'application/json', JSON.stringify([{ debtor: [validDebtor], sale: validSale, access_token: 'tok' }])),
    expect: responseError(200, 'not-object', /with JSON that is not an object: an array \(1 items\)/),
  },
  {
    name: 'valid JSON that is null',
    respond: send(200, 'application/json', 'null'),
    expect: responseError(200, 'not-object', /with JSON that is not an object: null/),
  },
  {
    name: 'valid JSON that is a string',
    respond: send(200, 'application/json', '"OK"'),
    expect: responseError(200, 'not-object', /with JSON that is not an object: a string/),
  },
  {
    name: 'huge body announced by Content-Length',
    respond: (res) => {
      const body = JSON.stringify({ debtor: [], padding: 'x'.repeat(6 * MB) });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
    },
    expect: responseError(200, 'too-large', /with a body of 6\.0 MB \(Content-Length\), over the 5 MB limit/),
  },
  {
    name: 'huge body streamed without Content-Length',
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'x'.repeat(256 * 1024);
      res.write('{"padding":"');
      let sent = 0;
      const pump = () => {
        while (sent < 24 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('"}');
      };
      pump();
    },
    expect: responseError(200, 'too-large', /with a body over the 5 MB limit \(reading stopped after 5\.\d MB\)/),
  },
  {
    name: 'content-type lie: an HTML page sent as application/json',
    respond: send(200, 'application/json', HTML_200),
    expect: responseError(200, 'html', /with an HTML page instead of JSON, although its content-type says application\/json \("Servicio en mantenimiento"\)/),
  },
  {
    name: 'content-type lie: plain text sent as application/json',
    respond: send(200, 'application/json;charset=UTF-8', 'OK'),
    expect: (t) =>
      responseError(200, 'not-json', t === 'token' ? /with a body that is not JSON, although its content-type says application\/json \(http/ : /with a body that is not JSON, although its content-type says application\/json.*: "OK"/),
  },
  {
    name: 'an XML document (a SOAP fault) instead of JSON',
    respond: send(200, 'text/xml', '<?xml version="1.0"?><soap:Envelope><soap:Body><soap:Fault><faultstring>Internal</faultstring></soap:Fault></soap:Body></soap:Envelope>'),
    expect: responseError(200, 'not-json', /answered HTTP 200 with an XML document instead of JSON \(http/),
  },
  {
    name: 'connection reset mid-body',
    respond: resetMidBody(200),
    expect: responseError(200, 'interrupted', /with a body cut off after \d+ bytes: the connection broke/),
  },
  {
    name: 'connection reset mid-body of an error answer (503)',
    respond: resetMidBody(503),
    expect: (t) => ({
      type: t === 'token' ? CesceAuthError : CesceApiError,
      status: 503,
      message: /failed with HTTP 503: Service Unavailable \(a body cut off after \d+ bytes: the connection broke/,
      entry: 'cesce-500-service-unavailable',
    }),
  },
  {
    name: 'body that stalls mid-way',
    respond: (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2000' });
      res.write('{"debtor":[');
    },
    client: { timeoutMs: 300 },
    expect: responseError(200, 'timeout', /with a body that stalled after 11 bytes \(no data for 300 ms\)/),
  },
];

let server: ReturnType<typeof createServer>;
let baseUrl: string;
/** What the server answers: the target under test gets the bad answer, the rest a good one. */
let current: { target: Target; respond: Respond } | undefined;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const isToken = path === '/oauth2/v1/token';
      const target: Target | null = isToken ? 'token' : req.method === 'POST' ? 'post' : 'get';
      if (current && current.target === target) return current.respond(res, req);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (isToken) return res.end(JSON.stringify({ access_token: 'tok', token_type: 'Bearer', expires_in: 3600 }));
      res.end(JSON.stringify(req.method === 'POST' ? { error: { errorCode: '0' }, sale: validSale } : { error: { errorCode: '0' }, debtor: [validDebtor] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  current = undefined;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  // Give stray promises a turn to surface before checking.
  await new Promise((r) => setTimeout(r, 50));
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

function client(extra: { timeoutMs?: number } = {}): CesceClient {
  return new CesceClient({
    environment: 'sandbox',
    baseUrl,
    contractNo: '34109150331',
    credentials: { clientId: 'id', clientSecret: 'secret-value-123' },
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

function call(c: CesceClient, target: Target): Promise<unknown> {
  if (target === 'post') {
    return c.sales.declare({ endorsementNo: '7', invoiceNo: 'INV/1', invoiceDate: '2026-10-01', dueDate: '2026-11-30', amount: { currency: 'EUR', amount: '121.00' } });
  }
  // A GET; for the token target the token request fails before it is sent.
  return c.classifications.query({ taxCode: 'B65410011', countryCode: 'ES' });
}

describe('bad answers become typed errors naming the operation, the status and the problem', () => {
  const rows = CASES.flatMap((c) => TARGETS.map((t) => ({ ...c, target: t, label: `${c.name} → ${t === 'token' ? 'token request' : `${t.toUpperCase()} ${OPERATION[t]}`}` })));

  it.each(rows)('$label', async ({ respond, target, expect: expected, client: options }) => {
    current = { target, respond };
    const want = typeof expected === 'function' ? expected(target) : expected;
    const error = await call(client(options), target).then(
      (value) => ({ resolved: value }),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(want.type);
    expect(error).toBeInstanceOf(CesceConnectError);
    const e = error as CesceResponseError & CesceApiError;
    expect(e.operation).toBe(OPERATION[target]);
    expect(e.status).toBe(want.status);
    expect(e.message).toContain(`Cesce ${OPERATION[target]} `);
    expect(e.message).toMatch(want.message);
    if (want.problem) expect(e.problem).toBe(want.problem);
    if (want.entry) expect(e.entry.id).toBe(want.entry);
    if (want.type === CesceResponseError) {
      expect(e.code).toBe('cesce_response');
      expect(e.retryable).toBe(want.problem === 'interrupted' || want.problem === 'timeout');
      expect(e.hint).toBeTruthy();
    }
    // Never the credentials or the token in a message.
    expect(e.message).not.toContain('secret-value-123');
    expect(e.message).not.toMatch(/Bearer tok/);
  });

  it('retries a GET whose 502 is an HTML gateway page, and succeeds once Cesce answers', async () => {
    let failures = 2;
    current = {
      target: 'get',
      respond: (res) => {
        if (failures-- > 0) return send(502, 'text/html', HTML_502)(res, undefined as never);
        send(200, 'application/json', JSON.stringify({ debtor: [validDebtor] }))(res, undefined as never);
      },
    };
    const found = await client().classifications.query({ taxCode: 'B65410011', countryCode: 'ES' });
    expect(found).toHaveLength(1);
  });

  it('retries a GET whose body was cut off, but never a POST', async () => {
    let calls = 0;
    const flaky: Respond = (res, req) => {
      if (calls++ === 0) return resetMidBody(200)(res, req);
      const ok = req.method === 'POST' ? { sale: validSale } : { debtor: [validDebtor] };
      send(200, 'application/json', JSON.stringify(ok))(res, req);
    };
    current = { target: 'get', respond: flaky };
    expect(await client().classifications.query({ taxCode: 'B65410011', countryCode: 'ES' })).toHaveLength(1);
    expect(calls).toBe(2);
    calls = 0;
    current = { target: 'post', respond: flaky };
    const e = (await call(client(), 'post').catch((x: unknown) => x)) as CesceResponseError;
    expect(e).toBeInstanceOf(CesceResponseError);
    expect(e.problem).toBe('interrupted');
    expect(calls).toBe(1);
  });

  it('accepts valid JSON whatever the content-type claims (the opposite lie)', async () => {
    current = { target: 'get', respond: send(200, 'text/html', JSON.stringify({ debtor: [validDebtor] })) };
    expect(await client().classifications.query({ taxCode: 'B65410011', countryCode: 'ES' })).toHaveLength(1);
    current = { target: 'token', respond: send(200, 'text/plain', JSON.stringify({ access_token: 'tok-2', expires_in: 60 })) };
    expect(await client().tokens.getToken()).toMatchObject({ value: 'tok-2' });
  });

  it('treats an OAuth2 refusal sent with status 200 as an authentication error with its entry', async () => {
    current = { target: 'token', respond: send(200, 'application/json', JSON.stringify({ error: 'invalid_client', error_description: 'Client authentication failed' })) };
    const e = (await client().tokens.getToken().catch((x: unknown) => x)) as CesceAuthError;
    expect(e).toBeInstanceOf(CesceAuthError);
    expect(e).toMatchObject({ status: 200, operation: 'token', cesceCode: 'invalid_client', cesceMessage: 'Client authentication failed' });
    expect(e.entry.id).toBe('cesce-401-client-credentials');
  });

  it('never quotes the body of a token answer that is not JSON', async () => {
    current = { target: 'token', respond: send(200, 'text/plain', 'access_token=tok-secret-999&expires_in=3600') };
    const e = (await client().tokens.getToken().catch((x: unknown) => x)) as CesceResponseError;
    expect(e).toBeInstanceOf(CesceResponseError);
    expect(e.problem).toBe('not-json');
    expect(e.message).not.toContain('tok-secret-999');
  });

  it('keeps working after every bad answer (no connection or stream left behind)', async () => {
    expect(await client().classifications.query({ taxCode: 'B65410011', countryCode: 'ES' })).toHaveLength(1);
  });
});
