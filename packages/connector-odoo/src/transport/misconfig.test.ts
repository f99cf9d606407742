/**
 * The mistakes admins make when they first point the connector at their Odoo: a wrong database
 * name, https on an http server, a proxy page. Each must say what is wrong in words an admin can
 * act on, on every protocol, and never show the secret.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIXTURE } from '../__fixtures__/dataset.js';
import { startOdooEmulator, type OdooEmulator } from '../testing/index.js';
import { connectOdooTransport } from './detect.js';
import { datasetFor, expectNoSecret, failure } from './test-support.js';

const emulators: Record<string, OdooEmulator> = {};
beforeAll(async () => {
  emulators['17.0'] = await startOdooEmulator({ dataset: datasetFor('17.0') });
  emulators['19.0'] = await startOdooEmulator({ dataset: datasetFor('19.0') });
});
afterAll(async () => {
  for (const e of Object.values(emulators)) await e.close();
});

describe('a database that does not exist', () => {
  test.each([
    ['17.0', 'xmlrpc'],
    ['17.0', 'jsonrpc'],
    ['19.0', 'json2'],
  ] as const)('Odoo %s over %s: names the database and the config key, not a PostgreSQL trace', async (version, protocol) => {
    const secret = protocol === 'json2' ? FIXTURE.apiKey : FIXTURE.password;
    const err = await failure(
      (async () => {
        const { transport } = await connectOdooTransport({ url: emulators[version]!.url, database: 'nodb', username: FIXTURE.login, password: secret, protocol });
        await transport.authenticate();
        await transport.executeKw('res.partner', 'search_count', [[]]);
      })(),
    );
    expect(err.kind).toBe('validation');
    expect(err.message).toContain("has no database 'nodb'");
    expect(err.message).toContain(emulators[version]!.url);
    expect(err.message).not.toMatch(/psycopg2|werkzeug/);
    expect(err.hint).toContain('odoo.database');
    expectNoSecret(err, [secret]);
  });
});

describe('https on a plain http server, and proxy pages', () => {
  test('https against an http server is a TLS failure that asks about http vs https, in one line', async () => {
    const url = emulators['17.0']!.url.replace('http://', 'https://');
    const err = await failure(connectOdooTransport({ url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password }));
    expect(err.kind).toBe('transport');
    expect(err.message).not.toContain('\n');
    expect(err.hint).toMatch(/http vs https/);
  });

  test('an HTML proxy page over XML-RPC is named by its title, without the XML parser noise', async () => {
    const e = emulators['17.0']!;
    (e as { htmlAnswer?: string }).htmlAnswer = 'proxy-502';
    try {
      const err = await failure(connectOdooTransport({ url: e.url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password, protocol: 'xmlrpc' }));
      expect(err.kind).toBe('protocol');
      expect(err.message).toMatch(/HTTP 502/);
      expect(err.message).toMatch(/page titled '502 Bad Gateway'/);
      expect(err.message).not.toContain('Unknown XML-RPC tag');
    } finally {
      (e as { htmlAnswer?: string }).htmlAnswer = undefined;
    }
  });
});
