import { describe, expect, test } from 'vitest';
import { FIXTURE } from '../__fixtures__/dataset.js';
import type { OdooHtmlAnswer } from '../testing/index.js';
import { OdooJsonRpcTransport } from './jsonrpc-transport.js';
import { OdooXmlRpcTransport } from './xmlrpc-transport.js';
import { closedPortUrl, emulatorFor, expectNoSecret, failure, SECRETS, serve, silentServer } from './test-support.js';
import type { OdooTransportOptions } from './types.js';

const emulator = emulatorFor('17.0');

function options(overrides: Partial<OdooTransportOptions> = {}): OdooTransportOptions {
  return { url: emulator().url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password, ...overrides };
}

async function connected(overrides: Partial<OdooTransportOptions> = {}): Promise<OdooJsonRpcTransport> {
  const t = new OdooJsonRpcTransport(options(overrides));
  await t.authenticate();
  return t;
}

describe('OdooJsonRpcTransport over /jsonrpc', () => {
  test('reads the version, logs in with a password or an API key and reads records', async () => {
    const t = new OdooJsonRpcTransport(options({ url: `${emulator().url}/web#action=12` }));
    expect(t.url).toBe(emulator().url);
    const version = await t.version();
    expect(version).toMatchObject({ serverVersion: '17.0', major: 17, serverVersionInfo: [17, 0, 0, 'final', 0, ''] });
    expect(await t.authenticate()).toBe(2);
    expect(t.uid).toBe(2);
    const rows = await t.executeKw<Record<string, unknown>[]>('res.partner', 'search_read', [[['id', '=', 10]]], {
      fields: ['name', 'parent_id', 'vat', 'x_cesce_requested_limit'],
      limit: undefined,
    });
    expect(rows).toEqual([{ id: 10, name: 'Alfa Construcciones SL', parent_id: false, vat: 'ESB12345674', x_cesce_requested_limit: 60000 }]);
    const withKey = await connected({ password: FIXTURE.apiKey });
    expect(withKey.uid).toBe(2);
    const last = emulator().calls.at(-1)!;
    expect(last).toMatchObject({ service: 'common', method: 'authenticate', protocol: 'jsonrpc', args: [FIXTURE.database, FIXTURE.login, '***', {}] });
  });

  test('a wrong password is access-denied naming user, database and URL, never the secret', async () => {
    const err = await failure(new OdooJsonRpcTransport(options({ password: 'wrong-secret-123' })).authenticate());
    expect(err.kind).toBe('access-denied');
    expect(err.message).toContain(FIXTURE.login);
    expect(err.message).toContain(FIXTURE.database);
    expect(err.message).toContain(emulator().url);
    expectNoSecret(err, ['wrong-secret-123', ...SECRETS]);
  });

  test('a password revoked after login makes execute_kw fail with access-denied (AccessDenied)', async () => {
    const t = await connected({ username: FIXTURE.otherLogin, password: FIXTURE.otherPassword });
    const other = emulator().users.find((u) => u.login === FIXTURE.otherLogin)!;
    other.password = 'changed-password';
    try {
      const err = await failure(t.executeKw('res.partner', 'search_count', [[]]));
      expect(err.kind).toBe('access-denied');
      expect(err.message).toContain(`${emulator().url}/jsonrpc`);
      expectNoSecret(err, SECRETS);
    } finally {
      other.password = FIXTURE.otherPassword;
    }
  });

  test('each Odoo exception maps to its ErpError kind, the traceback only in details', async () => {
    const t = await connected();
    // AccessError: a company the user may not use.
    const other = await connected({ username: FIXTURE.otherLogin, password: FIXTURE.otherPassword });
    const access = await failure(other.executeKw('res.partner', 'search_read', [[]], { fields: ['name'], context: { allowed_company_ids: [1] } }));
    expect(access.kind).toBe('access');
    expect(access.message).toContain('unauthorized or invalid companies');
    // MissingError → validation.
    const missing = await failure(t.executeKw('res.partner', 'read', [[999999], ['name']]));
    expect(missing.kind).toBe('validation');
    expect(missing.message).toContain('Record does not exist or has been deleted');
    expect(missing.message).not.toContain('Traceback');
    // ValueError → server: last traceback line as message, traceback in details.
    const server = await failure(t.executeKw('res.partner', 'read', [[10], ['no_such_field']]));
    expect(server.kind).toBe('server');
    expect(server.message).toBe("ValueError: Invalid field 'no_such_field' on model 'res.partner'");
    expect(server.details).toMatch(/^Traceback \(most recent call last\):/);
    expect(server.details).toContain('_check_field');
    for (const err of [access, missing, server]) expectNoSecret(err, SECRETS);
  });

  test('an integer beyond 32 bits travels over JSON-RPC but faults over XML-RPC', async () => {
    const t = await connected();
    const big = 3_000_000_000;
    expect(await t.executeKw('res.partner', 'write', [[13], { customer_rank: big }])).toBe(true);
    const [row] = await t.executeKw<{ customer_rank: number }[]>('res.partner', 'read', [[13], ['customer_rank']]);
    expect(row!.customer_rank).toBe(big);
    const xml = new OdooXmlRpcTransport(options());
    try {
      await xml.authenticate();
      const err = await failure(xml.executeKw('res.partner', 'read', [[13], ['customer_rank']]));
      expect(err.kind).toBe('server');
      expect(err.message).toBe('OverflowError: int exceeds XML-RPC limits');
    } finally {
      xml.close();
      await t.executeKw('res.partner', 'write', [[13], { customer_rank: 2 }]);
    }
  });

  test('records every call with its protocol and without secrets', async () => {
    emulator().calls.length = 0;
    const t = await connected({ password: FIXTURE.apiKey });
    await t.executeKw('res.partner', 'search_count', [[['customer_rank', '>', 0]]]);
    expect(emulator().calls.map((c) => [c.service, c.method, c.protocol])).toEqual([
      ['common', 'authenticate', 'jsonrpc'],
      ['object', 'search_count', 'jsonrpc'],
    ]);
    expect(JSON.stringify(emulator().calls)).not.toContain(FIXTURE.apiKey);
  });

  test.each<[OdooHtmlAnswer, RegExp]>([
    ['proxy-502', /HTTP 502.*502 Bad Gateway/],
    ['redirect-https', /HTTP 301, redirected to https:\/\/127\.0\.0\.1:\d+\/jsonrpc/],
    ['login-page', /HTTP 200, the answer is not JSON, got a page titled 'Odoo'/],
  ])('an HTML answer (%s) is a protocol error naming the URL', async (mode, detail) => {
    emulator().htmlAnswer = mode;
    const err = await failure(new OdooJsonRpcTransport(options()).authenticate());
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain(`Odoo at ${emulator().url}/jsonrpc did not answer JSON-RPC`);
    expect(err.message).toMatch(detail);
    expect(err.message).toContain('common.authenticate');
    expectNoSecret(err, SECRETS);
  });

  test('secrets echoed by the server are scrubbed from messages and details', async () => {
    const echo = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const secret = (JSON.parse(body) as { params: { args: unknown[] } }).params.args[2];
        const data = { name: 'builtins.RuntimeError', message: `bad ${String(secret)}`, debug: `Traceback (most recent call last):\nRuntimeError: bad ${String(secret)}\n` };
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: 200, message: 'Odoo Server Error', data } }));
      });
    });
    try {
      const err = await failure(new OdooJsonRpcTransport(options({ url: echo.url })).authenticate());
      expect(err.kind).toBe('server');
      expect(err.message).toBe('RuntimeError: bad [REDACTED]');
      expect(err.details).toContain('RuntimeError: bad [REDACTED]');
      expectNoSecret(err, SECRETS);
    } finally {
      await echo.close();
    }
  });

  test('a server that never answers times out', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const err = await failure(new OdooJsonRpcTransport(options({ url: silent.url, timeoutMs: 300 })).version());
      expect(err.kind).toBe('timeout');
      expect(err.message).toBe(`Odoo at ${silent.url}/jsonrpc did not answer common.version within 0.3 s`);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await silent.close();
    }
  });

  test('a closed port is a transport error', async () => {
    const url = await closedPortUrl();
    const err = await failure(new OdooJsonRpcTransport(options({ url })).authenticate());
    expect(err.kind).toBe('transport');
    expect(err.message).toContain(`Cannot reach Odoo at ${url}/jsonrpc (ECONNREFUSED`);
    expectNoSecret(err, SECRETS);
  });
});
