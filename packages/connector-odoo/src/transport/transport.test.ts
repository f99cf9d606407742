import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ErpError } from '@cesce-connect/core';
import { failure } from './test-support.js';
import { startOdooEmulator, type OdooEmulator } from '../testing/index.js';
import { fixtureDataset, FIXTURE } from '../__fixtures__/dataset.js';
import { OdooXmlRpcTransport, normalizeOdooUrl } from './xmlrpc-transport.js';
import { sanitizeParams } from './sanitize.js';
import { lastTracebackLine } from './errors.js';
import type { OdooKwargs, XmlRpcValue } from './types.js';

let emulator: OdooEmulator;
beforeAll(async () => {
  emulator = await startOdooEmulator({ dataset: fixtureDataset() });
});
afterAll(async () => {
  await emulator.close();
});

function transport(overrides: Partial<ConstructorParameters<typeof OdooXmlRpcTransport>[0]> = {}) {
  return new OdooXmlRpcTransport({ url: emulator.url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password, ...overrides });
}


/** A throw-away HTTP server on loopback. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void>; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('normalizeOdooUrl', () => {
  test.each([
    ['https://erp.example.com', 'https://erp.example.com/'],
    ['https://erp.example.com/', 'https://erp.example.com/'],
    ['https://user:secret@erp.example.com/web#action=12', 'https://erp.example.com/'],
    ['https://erp.example.com/web/login?db=x', 'https://erp.example.com/'],
    ['http://erp.example.com:8069/xmlrpc/2/object', 'http://erp.example.com:8069/'],
    ['https://example.com/odoo-prod/', 'https://example.com/odoo-prod'],
    ['http://erp.example.com:8069/jsonrpc', 'http://erp.example.com:8069/'],
    ['https://erp.example.com/json/2/res.partner/search_read', 'https://erp.example.com/'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeOdooUrl(raw).href).toBe(expected);
  });

  test.each(['erp.example.com', 'ftp://erp.example.com'])('%s is refused', (raw) => {
    expect(() => normalizeOdooUrl(raw)).toThrow(ErpError);
  });
});

describe('sanitizeParams', () => {
  test('drops undefined struct members', () => {
    expect(sanitizeParams({ limit: undefined, fields: ['name'], context: { a: undefined, b: false } })).toEqual({ fields: ['name'], context: { b: false } });
  });
  test.each([
    [[['vat', '=', undefined]], /params\[0\]\[2\] is undefined/],
    [[new Date()], /Date/],
    [[Number.NaN], /NaN/],
    [[() => 1], /function/],
  ])('refuses %s', (value, message) => {
    expect(() => sanitizeParams(value)).toThrow(message);
  });
});

describe('OdooXmlRpcTransport against the emulator', () => {
  test('version() reads common.version', async () => {
    const t = transport();
    await expect(t.version()).resolves.toEqual({
      serverVersion: '17.0',
      serverVersionInfo: [17, 0, 0, 'final', 0, ''],
      serverSerie: '17.0',
      protocolVersion: 1,
      major: 17,
    });
    t.close();
  });

  test.each([
    ['password', FIXTURE.password],
    ['API key', FIXTURE.apiKey],
  ])('authenticate() with the %s returns the uid; execute_kw works', async (_label, secret) => {
    const t = transport({ password: secret });
    await expect(t.authenticate()).resolves.toBe(2);
    expect(t.uid).toBe(2);
    const rows = await t.executeKw<{ id: number; name: string }[]>('res.currency', 'search_read', [[['name', '=', 'EUR']]], { fields: ['name'] });
    expect(rows).toEqual([{ id: 1, name: 'EUR' }]);
    t.close();
  });

  test('authenticate() answered false → access-denied naming user, database and URL, never the password', async () => {
    const t = transport({ password: 'wrong-secret-value' });
    const err = await failure(t.authenticate());
    expect(err.kind).toBe('access-denied');
    expect(err.message).toBe(`Odoo login failed for user ${FIXTURE.login} on database ${FIXTURE.database} at ${emulator.url}`);
    expect(JSON.stringify({ m: err.message, d: err.details, h: err.hint })).not.toContain('wrong-secret-value');
    t.close();
  });

  test('a wrong database (fault 1 with a PostgreSQL error) names the database; the traceback stays in details', async () => {
    const t = transport({ database: 'nope' });
    const err = await failure(t.authenticate());
    expect(err.kind).toBe('validation');
    expect(err.message).toMatch(/has no database 'nope'/);
    expect(err.details).toMatch(/^Traceback \(most recent call last\):[\s\S]*database "nope" does not exist/);
    t.close();
  });

  test('executeKw before authenticate is a programming error', async () => {
    await expect(transport().executeKw('res.partner', 'search', [[]])).rejects.toThrow(/before authenticate/);
  });

  test('fault 3: an API key revoked after login → access-denied', async () => {
    const t = transport({ password: FIXTURE.apiKey });
    await t.authenticate();
    const user = emulator.users.find((u) => u.login === FIXTURE.login)!;
    const keys = user.apiKeys;
    user.apiKeys = [];
    try {
      const err = await failure(t.executeKw('res.partner', 'search_count', [[]]));
      expect(err.kind).toBe('access-denied');
      expect(err.message).toContain('Access Denied');
      expect(err.message).toContain(`user ${FIXTURE.login} on database ${FIXTURE.database}`);
      expect(err.message).not.toContain(FIXTURE.apiKey);
    } finally {
      user.apiKeys = keys;
      t.close();
    }
  });

  test('fault 4: a company the user may not use → access', async () => {
    const t = transport();
    await t.authenticate();
    const err = await failure(t.executeKw('res.partner', 'search_count', [[]], { context: { allowed_company_ids: [99] } }));
    expect(err.kind).toBe('access');
    expect(err.message).toBe(`Odoo refused res.partner.search_count for user ${FIXTURE.login}: Access to unauthorized or invalid companies.`);
    t.close();
  });

  test.each<[string, string, string, XmlRpcValue[], OdooKwargs, string]>([
    ['an unknown model', 'x.model', 'search_read', [[]], {}, "KeyError: 'x.model'"],
    ['an unknown field', 'res.partner', 'search_read', [[]], { fields: ['foo'] }, "ValueError: Invalid field 'foo' on model 'res.partner'"],
    ['an unknown field in a domain', 'res.partner', 'search_count', [[['foo', '=', 1]]], {}, "ValueError: Invalid field 'foo' on model 'res.partner'"],
    ['an unknown method', 'res.partner', 'frobnicate', [[]], {}, "AttributeError: The method 'res.partner.frobnicate' does not exist"],
  ])('fault 1 for %s: message = last traceback line, details = traceback', async (_label, model, method, args, kwargs, last) => {
    const t = transport();
    await t.authenticate();
    const err = await failure(t.executeKw(model, method, args, kwargs));
    expect(err.kind).toBe('server');
    expect(err.message).toBe(last);
    expect(err.details).toMatch(/^Traceback \(most recent call last\):\n {2}File /);
    expect(lastTracebackLine(err.details!)).toBe(last);
    t.close();
  });

  test('fault 2 (MissingError) → validation with the fault string as message', async () => {
    const t = transport();
    await t.authenticate();
    const err = await failure(t.executeKw('res.partner', 'read', [[999999]], { fields: ['name'] }));
    expect(err.kind).toBe('validation');
    expect(err.message).toBe('Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)');
    t.close();
  });

  test('undefined kwargs are not sent (Odoo would receive limit="")', async () => {
    const t = transport();
    await t.authenticate();
    emulator.calls.length = 0;
    await t.executeKw('res.currency', 'search_read', [[]], { fields: ['name'], limit: undefined, order: 'id asc' });
    expect(emulator.calls.at(-1)).toEqual({ service: 'object', method: 'search_read', model: 'res.currency', args: [[]], kwargs: { fields: ['name'], order: 'id asc' }, protocol: 'xmlrpc' });
    t.close();
  });

  test('the password never reaches the call log in clear (authenticate)', async () => {
    const t = transport();
    emulator.calls.length = 0;
    await t.authenticate();
    expect(emulator.calls[0]).toEqual({ service: 'common', method: 'authenticate', args: [FIXTURE.database, FIXTURE.login, '***', {}], protocol: 'xmlrpc' });
    t.close();
  });
});

describe('OdooXmlRpcTransport failures outside Odoo', () => {
  test('an HTML page (proxy, login page) → protocol error naming the URL', async () => {
    const page = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><TITLE>Corporate Proxy - Sign in</TITLE></head><body>Please sign in</body></html>');
    });
    const t = transport({ url: page.url });
    const err = await failure(t.version());
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain(`Odoo at ${page.url}/xmlrpc/2/common did not answer XML-RPC`);
    expect(err.message).toContain('an HTML page');
    expect(err.message).not.toContain('Unknown XML-RPC tag');
    expect(err.message).toContain("got a page titled 'Corporate Proxy - Sign in'");
    expect(err.message).toContain('is the URL right (http vs https, proxy page)?');
    t.close();
    await page.close();
  });

  test.each([502, 404, 500])('HTTP %i → protocol error with the status', async (status) => {
    const page = await serve((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'text/html' });
      res.end(`<html><head><title>${status} Error</title></head><body>nginx</body></html>`);
    });
    const t = transport({ url: page.url });
    const err = await failure(t.authenticate());
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain(`HTTP ${status}`);
    expect(err.message).toContain(`${page.url}/xmlrpc/2/common`);
    t.close();
    await page.close();
  });

  test('a redirect (http → https) is reported with its target', async () => {
    const page = await serve((req, res) => {
      res.writeHead(301, { Location: `https://erp.example.com${req.url}`, 'Content-Type': 'text/html' });
      res.end('<html><head><title>301 Moved Permanently</title></head></html>');
    });
    const t = transport({ url: page.url });
    const err = await failure(t.version());
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain('HTTP 301, redirected to https://erp.example.com/xmlrpc/2/common');
    expect(err.message).toContain('http vs https');
    t.close();
    await page.close();
  });

  test.each([0, -1, Number.NaN])('timeoutMs %s is refused', (timeoutMs) => {
    expect(() => transport({ timeoutMs })).toThrow(/timeoutMs/);
  });

  test('a well-formed XML-RPC answer with a non-200 status is still refused', async () => {
    const page = await serve((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/xml' });
      res.end("<?xml version='1.0'?><methodResponse><params><param><value><int>2</int></value></param></params></methodResponse>");
    });
    const t = transport({ url: page.url });
    const err = await failure(t.authenticate());
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain('HTTP 503');
    t.close();
    await page.close();
  });

  test('a server that never answers → timeout naming the URL, and the request is aborted', async () => {
    let closed = 0;
    const hang = await serve((req) => {
      req.socket.on('close', () => closed++);
    });
    const t = transport({ url: hang.url, timeoutMs: 300 });
    const started = Date.now();
    const err = await failure(t.authenticate());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`Odoo at ${hang.url}/xmlrpc/2/common did not answer common.authenticate within 0.3 s`);
    await expect.poll(() => closed).toBe(1);
    const err2 = await failure(t.version());
    expect(err2.kind).toBe('timeout');
    t.close();
    await hang.close();
  });

  test('connection refused → transport error naming the URL', async () => {
    const gone = await serve(() => undefined);
    const url = gone.url;
    await gone.close();
    const t = transport({ url });
    const err = await failure(t.version());
    expect(err.kind).toBe('transport');
    expect(err.message).toContain(`Cannot reach Odoo at ${url}/xmlrpc/2/common (ECONNREFUSED`);
    t.close();
  });

  test('a server under a path prefix is reached with the prefix (xmlrpc client path)', async () => {
    const target = new URL(emulator.url);
    const seen: string[] = [];
    const proxy = await serve((req, res) => {
      seen.push(req.url ?? '');
      const path = (req.url ?? '').replace(/^\/odoo-prod/, '');
      const upstream = http.request({ host: target.hostname, port: target.port, path, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    const t = transport({ url: `${proxy.url}/odoo-prod/` });
    expect(t.url).toBe(`${proxy.url}/odoo-prod`);
    await expect(t.version()).resolves.toMatchObject({ major: 17 });
    await expect(t.authenticate()).resolves.toBe(2);
    await expect(t.executeKw('res.currency', 'search', [[['name', '=', 'USD']]])).resolves.toEqual([2]);
    expect(seen).toEqual(['/odoo-prod/xmlrpc/2/common', '/odoo-prod/xmlrpc/2/common', '/odoo-prod/xmlrpc/2/object']);
    t.close();
    await proxy.close();
  });
});
