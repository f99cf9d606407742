import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIXTURE } from '../__fixtures__/dataset.js';
import { datasetFor } from '../transport/test-support.js';
import { startOdooEmulator, type OdooEmulator } from './index.js';

let odoo17: OdooEmulator;
let odoo19: OdooEmulator;
beforeAll(async () => {
  odoo17 = await startOdooEmulator({ dataset: datasetFor('17.0') });
  odoo19 = await startOdooEmulator({ dataset: datasetFor('19.0') });
});
afterAll(async () => {
  await odoo17.close();
  await odoo19.close();
});

async function jsonrpc(url: string, service: string, method: string, args: unknown[]) {
  const res = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 7 }),
  });
  return { status: res.status, body: (await res.json()) as { id: number; result?: unknown; error?: { code: number; message: string; data: Record<string, unknown> } } };
}

async function json2(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${odoo19.url}/json/2/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `bearer ${FIXTURE.apiKey}`, 'X-Odoo-Database': FIXTURE.database, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), body: JSON.parse(text) as Record<string, unknown> };
}

const execute = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): [string, string, unknown[]] => [
  'object',
  'execute_kw',
  [FIXTURE.database, 2, FIXTURE.password, model, method, args, kwargs],
];

describe('emulator: /jsonrpc', () => {
  test('answers JSON-RPC 2.0 with the request id, on every version', async () => {
    for (const e of [odoo17, odoo19]) {
      const { status, body } = await jsonrpc(e.url, 'common', 'authenticate', [FIXTURE.database, FIXTURE.login, FIXTURE.apiKey, {}]);
      expect(status).toBe(200);
      expect(body).toEqual({ jsonrpc: '2.0', id: 7, result: 2 });
    }
    const wrong = await jsonrpc(odoo17.url, 'common', 'authenticate', [FIXTURE.database, FIXTURE.login, 'nope', {}]);
    expect(wrong.body.result).toBe(false);
  });

  test('floats are JSON numbers, empty values false, many2one pairs', async () => {
    const [, , args] = execute('account.move', 'read', [[101], ['amount_total', 'partner_id', 'invoice_origin']]);
    const { body } = await jsonrpc(odoo17.url, 'object', 'execute_kw', args);
    expect(body.result).toEqual([{ id: 101, amount_total: 1210, partner_id: [10, 'Alfa Construcciones SL'], invoice_origin: false }]);
  });

  test.each([
    ['AccessDenied', [FIXTURE.database, 2, 'wrong-password', 'res.partner', 'search', [[]], {}], 'odoo.exceptions.AccessDenied', 'Access Denied'],
    ['MissingError', [FIXTURE.database, 2, FIXTURE.password, 'res.partner', 'read', [[999999]], {}], 'odoo.exceptions.MissingError', 'Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)'],
    ['AccessError', [FIXTURE.database, 2, FIXTURE.password, 'res.partner', 'search', [[]], { context: { allowed_company_ids: [5] } }], 'odoo.exceptions.AccessError', 'Access to unauthorized or invalid companies.'],
    ['ValueError', [FIXTURE.database, 2, FIXTURE.password, 'res.partner', 'read', [[10], ['nope']], {}], 'builtins.ValueError', "Invalid field 'nope' on model 'res.partner'"],
    ['KeyError', [FIXTURE.database, 2, FIXTURE.password, 'no.model', 'search', [[]], {}], 'builtins.KeyError', "'no.model'"],
    ['database', ['prod', 2, FIXTURE.password, 'res.partner', 'search', [[]], {}], 'psycopg2.OperationalError', expect.stringContaining('database "prod" does not exist')],
  ])('%s comes back with HTTP 200 in serialize_exception shape', async (_label, args, name, message) => {
    const { status, body } = await jsonrpc(odoo17.url, 'object', 'execute_kw', args);
    expect(status).toBe(200);
    expect(body.result).toBeUndefined();
    expect(body.error).toMatchObject({ code: 200, message: 'Odoo Server Error', data: { name, message, arguments: [message], context: {} } });
    const debug = body.error!.data.debug as string;
    if (name === 'odoo.exceptions.AccessDenied') expect(debug).toBe('');
    else expect(debug).toMatch(new RegExp(`^Traceback \\(most recent call last\\):[\\s\\S]*\\n${String(name).replace('builtins.', '').replace(/\./g, '\\.')}: `));
  });

  test('a big integer is fine over JSON-RPC, and OverflowError over XML-RPC', async () => {
    const write = await jsonrpc(odoo17.url, ...execute('res.partner', 'write', [[20], { customer_rank: 2 ** 33 }]));
    expect(write.body.result).toBe(true);
    const read = await jsonrpc(odoo17.url, ...execute('res.partner', 'read', [[20], ['customer_rank']]));
    expect(read.body.result).toEqual([{ id: 20, customer_rank: 2 ** 33 }]);
    const xml = await fetch(`${odoo17.url}/xmlrpc/2/object`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body:
        `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>` +
        `<param><value><string>${FIXTURE.database}</string></value></param><param><value><int>2</int></value></param>` +
        `<param><value><string>${FIXTURE.password}</string></value></param><param><value><string>res.partner</string></value></param>` +
        `<param><value><string>read</string></value></param><param><value><array><data><value><array><data><value><int>20</int></value></data></array></value>` +
        `<value><array><data><value><string>customer_rank</string></value></data></array></value></data></array></value></param></params></methodCall>`,
    });
    const text = await xml.text();
    expect(text).toContain('<name>faultCode</name>\n<value><int>1</int></value>');
    expect(text).toContain('OverflowError: int exceeds XML-RPC limits');
    await jsonrpc(odoo17.url, ...execute('res.partner', 'write', [[20], { customer_rank: 0 }]));
  });
});

describe('emulator: JSON-2 (Odoo 19 only)', () => {
  test('GET /web/version is JSON on 19 and the web client before', async () => {
    const v19 = await fetch(`${odoo19.url}/web/version`);
    expect(await v19.json()).toEqual({ version_info: [19, 0, 0, 'final', 0, ''], version: '19.0' });
    const v17 = await fetch(`${odoo17.url}/web/version`);
    expect(v17.headers.get('content-type')).toMatch(/text\/html/);
    const json17 = await fetch(`${odoo17.url}/json/2/res.partner/search`, { method: 'POST', body: '{}' });
    expect(json17.status).toBe(404);
    expect(await json17.text()).toContain('<title>404 Not Found</title>');
  });

  test('named arguments, ids for record methods, null-free Odoo values', async () => {
    const { status, body } = await json2('res.partner/search_read', { domain: [['id', '=', 12]], fields: ['name', 'parent_id'] });
    expect(status).toBe(200);
    expect(body).toEqual([{ id: 12, name: false, parent_id: [10, 'Alfa Construcciones SL'] }]);
    const ctx = await json2('res.users/context_get', {});
    expect(ctx.body).toMatchObject({ uid: 2 });
    expect(odoo19.calls.at(-1)).toEqual({ service: 'object', method: 'context_get', model: 'res.users', args: [], kwargs: {}, protocol: 'json2' });
  });

  test.each([
    ['no key', { Authorization: '' }],
    ['a password', { Authorization: `bearer ${FIXTURE.password}` }],
    ['a wrong key', { Authorization: 'bearer not-a-key-1234' }],
  ])('%s → 401 Invalid apikey', async (_label, headers) => {
    const { status, body, type } = await json2('res.partner/search', { domain: [] }, headers);
    expect(status).toBe(401);
    expect(type).toMatch(/application\/json/);
    expect(body).toMatchObject({ name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey', arguments: ['Invalid apikey', 401], context: {} });
  });

  test('another database in X-Odoo-Database → 404', async () => {
    const { status, body } = await json2('res.partner/search', { domain: [] }, { 'X-Odoo-Database': 'prod' });
    expect(status).toBe(404);
    expect(body).toMatchObject({ name: 'werkzeug.exceptions.NotFound' });
  });

  test.each([
    ['AccessError', 'res.partner/search', { domain: [], context: { allowed_company_ids: [9] } }, 403, 'odoo.exceptions.AccessError'],
    ['MissingError', 'res.partner/read', { ids: [424242], fields: ['name'] }, 404, 'odoo.exceptions.MissingError'],
    ['ValueError', 'res.partner/search_read', { domain: [], fields: ['nope'] }, 500, 'builtins.ValueError'],
    ['TypeError', 'res.partner/search', { domain: [], bogus: 1 }, 500, 'builtins.TypeError'],
  ])('%s → HTTP %s with {name, message, arguments, context, debug}', async (_label, path, body, status, name) => {
    const answer = await json2(path, body);
    expect(answer.status).toBe(status);
    expect(Object.keys(answer.body).sort()).toEqual(['arguments', 'context', 'debug', 'message', 'name']);
    expect(answer.body.name).toBe(name);
    expect(answer.body.debug).toMatch(/^Traceback/);
  });

  test('Odoo 19 still serves the deprecated XML-RPC and JSON-RPC', async () => {
    const { body } = await jsonrpc(odoo19.url, 'common', 'version', []);
    expect(body.result).toMatchObject({ server_version: '19.0', server_version_info: [19, 0, 0, 'final', 0, ''] });
    const xml = await fetch(`${odoo19.url}/xmlrpc/2/common`, {
      method: 'POST',
      body: '<?xml version="1.0"?><methodCall><methodName>version</methodName><params></params></methodCall>',
    });
    expect(await xml.text()).toContain('<string>19.0</string>');
  });
});

describe('emulator: htmlAnswer', () => {
  test.each([
    ['proxy-502', 502, '502 Bad Gateway'],
    ['redirect-https', 301, '301 Moved Permanently'],
    ['login-page', 200, 'Odoo'],
  ] as const)('%s: every API route answers HTML', async (mode, status, title) => {
    const emulator = await startOdooEmulator({ dataset: datasetFor('19.0'), htmlAnswer: mode });
    try {
      for (const [method, path] of [
        ['POST', '/xmlrpc/2/common'],
        ['POST', '/jsonrpc'],
        ['POST', '/json/2/res.partner/search'],
        ['GET', '/web/version'],
      ] as const) {
        const res = await fetch(`${emulator.url}${path}`, { method, body: method === 'POST' ? '{}' : undefined, redirect: 'manual' });
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toMatch(/text\/html/);
        expect(await res.text()).toContain(`<title>${title}</title>`);
        if (mode === 'redirect-https') expect(res.headers.get('location')).toBe(`https://${new URL(emulator.url).host}${path}`);
      }
      expect(emulator.calls).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
