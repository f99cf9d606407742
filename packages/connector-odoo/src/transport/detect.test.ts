import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIXTURE } from '../__fixtures__/dataset.js';
import { startOdooEmulator, type OdooEmulator, type OdooHtmlAnswer } from '../testing/index.js';
import { connectOdooTransport } from './detect.js';
import { closedPortUrl, datasetFor, expectNoSecret, failure, OTHER_API_KEY, serve } from './test-support.js';
import type { OdooProtocol } from './types.js';

const VERSIONS = ['14.0', '17.0', '18.0', '19.0'] as const;
const emulators = new Map<string, OdooEmulator>();
beforeAll(async () => {
  for (const version of VERSIONS) emulators.set(version, await startOdooEmulator({ dataset: datasetFor(version) }));
});
afterAll(async () => {
  for (const e of emulators.values()) await e.close();
});
const emu = (version: (typeof VERSIONS)[number]) => emulators.get(version)!;

const SECRETS = [FIXTURE.password, FIXTURE.apiKey, FIXTURE.otherPassword, OTHER_API_KEY];

function connect(url: string, protocol?: 'auto' | OdooProtocol, password: string = FIXTURE.apiKey) {
  return connectOdooTransport({ url, database: FIXTURE.database, username: FIXTURE.login, password, protocol, timeoutMs: 5000 });
}

describe('connectOdooTransport: automatic protocol', () => {
  test.each([
    ['14.0', 'jsonrpc', 14],
    ['17.0', 'jsonrpc', 17],
    ['18.0', 'jsonrpc', 18],
    ['19.0', 'json2', 19],
  ] as const)('Odoo %s → %s', async (version, protocol, major) => {
    const { transport, version: info } = await connect(emu(version).url);
    try {
      expect(transport.protocol).toBe(protocol);
      expect(info.major).toBe(major);
      expect(info.serverVersion).toBe(version);
      expect(await transport.authenticate()).toBe(2);
      expect(await transport.executeKw('res.partner', 'search_count', [[['id', '=', 10]]])).toBe(1);
      const last = emu(version).calls.at(-1)!;
      expect(last).toMatchObject({ method: 'search_count', protocol });
    } finally {
      transport.close();
    }
  });

  test('behind a proxy that lets only /xmlrpc through → XML-RPC', async () => {
    const target = new URL(emu('17.0').url);
    const proxy = await serve((req, res) => {
      if (!req.url?.startsWith('/xmlrpc/')) {
        res.writeHead(404, { 'Content-Type': 'text/html' });
        res.end('<html><head><title>404 Not Found</title></head><body>nginx</body></html>');
        return;
      }
      const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    try {
      const { transport, version } = await connect(proxy.url, 'auto', FIXTURE.password);
      expect(transport.protocol).toBe('xmlrpc');
      expect(version.major).toBe(17);
      await transport.authenticate();
      expect(await transport.executeKw('res.partner', 'search_count', [[['id', '=', 10]]])).toBe(1);
      transport.close();
    } finally {
      await proxy.close();
    }
  });

  test('Odoo 13 is refused with a clear message', async () => {
    const odoo13 = await serve((req, res) => {
      if (req.url === '/jsonrpc') {
        const version = { server_version: '13.0', server_version_info: [13, 0, 0, 'final', 0, ''], server_serie: '13.0', protocol_version: 1 };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: version }));
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<title>404 Not Found</title>');
    });
    try {
      const err = await failure(connect(odoo13.url));
      expect(err.message).toBe(`Odoo 14 or later is required; this server is 13.0 (${odoo13.url})`);
    } finally {
      await odoo13.close();
    }
  });

  test.each<OdooHtmlAnswer>(['proxy-502', 'redirect-https', 'login-page'])('every route answering HTML (%s) is a protocol error naming the URL', async (mode) => {
    const e = emu('17.0');
    e.htmlAnswer = mode;
    try {
      const err = await failure(connect(e.url));
      expect(err.kind).toBe('protocol');
      expect(err.message).toContain(`Odoo at ${e.url}/`);
      expectNoSecret(err, SECRETS);
    } finally {
      e.htmlAnswer = undefined;
    }
  });

  test('a closed port is a transport error at once', async () => {
    const url = await closedPortUrl();
    const err = await failure(connect(url));
    expect(err.kind).toBe('transport');
    expect(err.message).toContain(`Cannot reach Odoo at ${url}/web/version`);
  });
});

describe('connectOdooTransport: forced protocol', () => {
  test.each(['xmlrpc', 'jsonrpc'] as const)('Odoo 19 still serves the deprecated %s', async (protocol) => {
    const { transport, version } = await connect(emu('19.0').url, protocol, FIXTURE.password);
    try {
      expect(transport.protocol).toBe(protocol);
      expect(version.major).toBe(19);
      expect(await transport.authenticate()).toBe(2);
      expect(await transport.executeKw('res.partner', 'search_count', [[['id', '=', 10]]])).toBe(1);
    } finally {
      transport.close();
    }
  });

  test('JSON-2 on Odoo 17 says it needs Odoo 19', async () => {
    const err = await failure(connect(emu('17.0').url, 'json2'));
    expect(err.kind).toBe('protocol');
    expect(err.message).toBe(`JSON-2 needs Odoo 19 or later; this server is 17.0 (${emu('17.0').url})`);
  });

  test('a forced protocol on Odoo 14 keeps working: xmlrpc', async () => {
    const { transport, version } = await connect(emu('14.0').url, 'xmlrpc', FIXTURE.password);
    expect([transport.protocol, version.serverVersion]).toEqual(['xmlrpc', '14.0']);
    transport.close();
  });
});

describe('every protocol on Odoo 19', () => {
  test.each(['xmlrpc', 'jsonrpc', 'json2'] as const)('%s: an unauthorized company in allowed_company_ids is an access error', async (protocol) => {
    const e = emu('19.0');
    e.calls.length = 0;
    const secret = protocol === 'json2' ? OTHER_API_KEY : FIXTURE.otherPassword;
    const { transport } = await connectOdooTransport({ url: e.url, database: FIXTURE.database, username: FIXTURE.otherLogin, password: secret, protocol });
    try {
      await transport.authenticate();
      const allowed = await transport.executeKw<number[]>('res.partner', 'search', [[['id', '=', 19]]], { context: { allowed_company_ids: [2] } });
      expect(allowed).toEqual([19]);
      const err = await failure(transport.executeKw('res.partner', 'search', [[]], { context: { allowed_company_ids: [1, 2] } }));
      expect(err.kind).toBe('access');
      expect(err.message).toContain('Access to unauthorized or invalid companies.');
      expect(err.message).toContain(FIXTURE.otherLogin);
      expectNoSecret(err, SECRETS);
      expect(e.calls.filter((c) => c.method === 'search').map((c) => c.protocol)).toEqual([protocol, protocol]);
      expect(JSON.stringify(e.calls)).not.toContain(secret);
    } finally {
      transport.close();
    }
  });
});
