import { describe, expect, test } from 'vitest';
import { FIXTURE } from '../__fixtures__/dataset.js';
import { startOdooEmulator, type OdooHtmlAnswer } from '../testing/index.js';
import { namedArguments, OdooJson2Transport } from './json2-transport.js';
import { datasetFor, emulatorFor, expectNoSecret, failure, OTHER_API_KEY, SECRETS, silentServer } from './test-support.js';
import type { OdooTransportOptions } from './types.js';

const emulator = emulatorFor('19.0');

function options(overrides: Partial<OdooTransportOptions> = {}): OdooTransportOptions {
  return { url: emulator().url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.apiKey, ...overrides };
}

async function connected(overrides: Partial<OdooTransportOptions> = {}): Promise<OdooJson2Transport> {
  const t = new OdooJson2Transport(options(overrides));
  await t.authenticate();
  return t;
}

describe('namedArguments', () => {
  test('turns execute_kw positional arguments into ORM parameter names', () => {
    expect(namedArguments('res.partner', 'search_read', [[['id', '>', 1]], ['name']], { limit: 5, offset: undefined, context: { lang: 'es_ES' } })).toEqual({
      domain: [['id', '>', 1]],
      fields: ['name'],
      limit: 5,
      context: { lang: 'es_ES' },
    });
    expect(namedArguments('res.partner', 'read', [[7], ['name']], {})).toEqual({ ids: [7], fields: ['name'] });
    expect(namedArguments('res.partner', 'write', [[7], { vat: false }], {})).toEqual({ ids: [7], vals: { vat: false } });
    expect(namedArguments('res.partner', 'create', [[{ name: 'X' }]], {})).toEqual({ vals_list: [{ name: 'X' }] });
    expect(namedArguments('account.move', 'message_post', [[101]], { body: 'Hi' })).toEqual({ ids: [101], body: 'Hi' });
    expect(namedArguments('res.partner', 'search_count', [[]], { limit: 3 })).toEqual({ domain: [], limit: 3 });
    expect(namedArguments('res.users', 'context_get', [], {})).toEqual({});
    expect(namedArguments('res.partner', 'action_archive', [], { ids: [7] })).toEqual({ ids: [7] });
  });

  test('refuses what cannot be named', () => {
    expect(() => namedArguments('res.partner', 'action_archive', [[7]], {})).toThrow(/JSON-2 needs named arguments, and res\.partner\.action_archive has no known signature/);
    expect(() => namedArguments('res.partner', 'read', [[7], ['name'], '_classic_read', 'extra'], {})).toThrow(/takes at most 3 positional argument\(s\) \(ids, fields, load\), got 4/);
    expect(() => namedArguments('res.partner', 'read', [[7], ['name']], { fields: ['vat'] })).toThrow(/'fields' given both as a positional and a keyword argument/);
    expect(() => namedArguments('res.users', 'context_get', [1], {})).toThrow(/at most 0 positional/);
  });
});

describe('OdooJson2Transport over /json/2 (Odoo 19)', () => {
  test("an API key of another user than the configured one is refused, as a login would be", async () => {
    const err = await failure(new OdooJson2Transport(options({ username: 'someone-else' })).authenticate());
    expect(err.kind).toBe('access-denied');
    expect(err.message).toContain(`belongs to user ${FIXTURE.login}, not to the configured user someone-else`);
    expectNoSecret(err, SECRETS);
  });

  test('a key with an invisible character pasted in says so before any request', async () => {
    emulator().calls.length = 0;
    const err = await failure(new OdooJson2Transport(options({ password: `${FIXTURE.apiKey}\u200b` })).authenticate());
    expect(err.kind).toBe('access-denied');
    expect(err.message).toContain(`has a character that cannot be sent (position ${FIXTURE.apiKey.length + 1})`);
    expect(emulator().calls).toEqual([]);
  });

  test('reads /web/version, learns its uid from context_get and calls methods with named arguments', async () => {
    const t = new OdooJson2Transport(options());
    expect(await t.version()).toEqual({ serverVersion: '19.0', serverVersionInfo: [19, 0, 0, 'final', 0, ''], serverSerie: '19.0', protocolVersion: 1, major: 19 });
    emulator().calls.length = 0;
    expect(await t.authenticate()).toBe(2);
    const rows = await t.executeKw<Record<string, unknown>[]>('res.partner', 'read', [[10, 13], ['name', 'country_id']]);
    expect(rows).toEqual([
      { id: 10, name: 'Alfa Construcciones SL', country_id: [68, 'Spain'] },
      { id: 13, name: 'Beta Logística SA', country_id: [68, 'Spain'] },
    ]);
    expect(await t.executeKw('res.partner', 'search', [[['vat', '=', 'A28123453']]], { limit: 1 })).toEqual([13]);
    expect(emulator().calls).toEqual([
      { service: 'object', method: 'context_get', model: 'res.users', args: [], kwargs: {}, protocol: 'json2' },
      // The key must belong to the configured user.
      { service: 'object', method: 'read', model: 'res.users', args: [], kwargs: { ids: [2], fields: ['login'] }, protocol: 'json2' },
      { service: 'object', method: 'read', model: 'res.partner', args: [], kwargs: { ids: [10, 13], fields: ['name', 'country_id'] }, protocol: 'json2' },
      { service: 'object', method: 'search', model: 'res.partner', args: [], kwargs: { domain: [['vat', '=', 'A28123453']], limit: 1 }, protocol: 'json2' },
    ]);
    expect(JSON.stringify(emulator().calls)).not.toContain(FIXTURE.apiKey);
  });

  test('a password is refused (API keys only): access-denied naming user and URL, never the secret', async () => {
    const err = await failure(new OdooJson2Transport(options({ password: FIXTURE.password })).authenticate());
    expect(err.kind).toBe('access-denied');
    expect(err.message).toBe(`Odoo refused the API key of user ${FIXTURE.login} on database ${FIXTURE.database} at ${emulator().url}/json/2/res.users/context_get (Invalid apikey)`);
    expect(err.hint).toMatch(/API keys only/);
    expectNoSecret(err, SECRETS);
  });

  test('a revoked API key fails the next call with access-denied', async () => {
    const t = await connected({ username: FIXTURE.otherLogin, password: OTHER_API_KEY });
    const other = emulator().users.find((u) => u.login === FIXTURE.otherLogin)!;
    other.apiKeys = [];
    try {
      const err = await failure(t.executeKw('res.partner', 'search_count', [[]]));
      expect(err.kind).toBe('access-denied');
      expectNoSecret(err, SECRETS);
    } finally {
      other.apiKeys = [OTHER_API_KEY];
    }
  });

  test('another database in X-Odoo-Database is refused, naming the database', async () => {
    const err = await failure(new OdooJson2Transport(options({ database: 'prod' })).authenticate());
    expect(err.kind).toBe('validation');
    expect(err.message).toContain("has no database 'prod'");
    expect(err.details).toContain("Database 'prod' not found");
    expectNoSecret(err, SECRETS);
  });

  test('each Odoo exception maps to its ErpError kind, the traceback only in details', async () => {
    const t = await connected();
    const other = await connected({ username: FIXTURE.otherLogin, password: OTHER_API_KEY });
    const access = await failure(other.executeKw('res.partner', 'search_read', [[]], { fields: ['name'], context: { allowed_company_ids: [1] } }));
    expect(access.kind).toBe('access');
    expect(access.message).toContain('unauthorized or invalid companies');
    const privateMethod = await failure(t.executeKw('res.partner', '_compute_display_name', [], {}));
    expect(privateMethod.kind).toBe('access');
    const missing = await failure(t.executeKw('res.partner', 'read', [[999999], ['name']]));
    expect(missing.kind).toBe('validation');
    expect(missing.message).toContain('Record does not exist or has been deleted');
    const invalidValue = await failure(t.executeKw('res.partner', 'write', [[10], { customer_rank: 'many' }]));
    expect(invalidValue.kind).toBe('server');
    expect(invalidValue.message).toBe("ValueError: Wrong value for res.partner.customer_rank: 'many'");
    const server = await failure(t.executeKw('res.partner', 'search_read', [[]], { fields: ['no_such_field'] }));
    expect(server.kind).toBe('server');
    expect(server.message).toBe("ValueError: Invalid field 'no_such_field' on model 'res.partner'");
    expect(server.message).not.toContain('Traceback');
    expect(server.details).toMatch(/^Traceback \(most recent call last\):[\s\S]*ValueError: Invalid field/);
    for (const err of [access, privateMethod, missing, invalidValue, server]) expectNoSecret(err, SECRETS);
  });

  test('JSON carries integers beyond 32 bits', async () => {
    const t = await connected();
    await t.executeKw('res.partner', 'write', [[13], { customer_rank: 2 ** 40 }]);
    try {
      expect(await t.executeKw('res.partner', 'read', [[13], ['customer_rank']])).toEqual([{ id: 13, customer_rank: 2 ** 40 }]);
    } finally {
      await t.executeKw('res.partner', 'write', [[13], { customer_rank: 2 }]);
    }
  });

  test('an unknown method with positional arguments fails before any request', async () => {
    const t = await connected();
    emulator().calls.length = 0;
    await expect(t.executeKw('res.partner', 'action_archive', [[10]])).rejects.toThrow(TypeError);
    expect(emulator().calls).toEqual([]);
  });

  test.each<[OdooHtmlAnswer, RegExp]>([
    ['proxy-502', /HTTP 502, unexpected status, got a page titled '502 Bad Gateway'/],
    ['redirect-https', /HTTP 301, redirected to https:\/\/127\.0\.0\.1:\d+\/json\/2\/res\.users\/context_get/],
    ['login-page', /HTTP 200, the answer is not JSON, got a page titled 'Odoo'/],
  ])('an HTML answer (%s) is a protocol error naming the URL', async (mode, detail) => {
    emulator().htmlAnswer = mode;
    const err = await failure(new OdooJson2Transport(options()).authenticate());
    expect(err.kind).toBe('protocol');
    expect(err.message).toContain(`Odoo at ${emulator().url}/json/2/res.users/context_get did not answer JSON-2`);
    expect(err.message).toMatch(detail);
    expectNoSecret(err, SECRETS);
  });

  test('JSON-2 on Odoo 17 is a protocol error (404 page), and /web/version is the web client', async () => {
    const old = await startOdooEmulator({ dataset: datasetFor('17.0') });
    try {
      const t = new OdooJson2Transport(options({ url: old.url }));
      const version = await failure(t.version());
      expect(version.kind).toBe('protocol');
      expect(version.message).toContain(`${old.url}/web/version did not answer JSON-2 (HTTP 200, the answer is not JSON`);
      const call = await failure(t.authenticate());
      expect(call.kind).toBe('protocol');
      expect(call.message).toContain("HTTP 404, unexpected status, got a page titled '404 Not Found'");
    } finally {
      await old.close();
    }
  });

  test('a server that never answers times out', async () => {
    const silent = await silentServer();
    try {
      const err = await failure(new OdooJson2Transport(options({ url: silent.url, timeoutMs: 250 })).authenticate());
      expect(err.kind).toBe('timeout');
      expect(err.message).toBe(`Odoo at ${silent.url}/json/2/res.users/context_get did not answer res.users.context_get within 0.25 s`);
    } finally {
      await silent.close();
    }
  });
});
