import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { fixtureDataset, FIXTURE } from '../__fixtures__/dataset.js';
import { startOdooEmulator } from '../testing/index.js';

/**
 * The transport keeps `odoo-xmlrpc` for authenticate and execute_kw when Odoo sits at the root of
 * its host. This test counts the calls that go through it by wrapping the package in the
 * CommonJS cache before the transport module is loaded.
 */
test('authenticate and execute_kw go through odoo-xmlrpc; version does not', async () => {
  const require = createRequire(import.meta.url);
  const path = require.resolve('odoo-xmlrpc');
  const Original = require('odoo-xmlrpc') as new (cfg: unknown) => Record<string, (...a: unknown[]) => unknown>;
  const counts = { connect: 0, execute_kw: 0 };
  function Counting(cfg: unknown) {
    const o = new Original(cfg);
    const connect = o.connect!;
    const executeKw = o.execute_kw!;
    o.connect = (...a) => (counts.connect++, connect.apply(o, a));
    o.execute_kw = (...a) => (counts.execute_kw++, executeKw.apply(o, a));
    return o;
  }
  const cached = require.cache[path]!;
  const saved = cached.exports as unknown;
  cached.exports = Counting;
  try {
    const { OdooXmlRpcTransport } = await import('./xmlrpc-transport.js');
    const emulator = await startOdooEmulator({ dataset: fixtureDataset() });
    const t = new OdooXmlRpcTransport({ url: emulator.url, database: FIXTURE.database, username: FIXTURE.login, password: FIXTURE.password });
    await t.version();
    await t.authenticate();
    await t.executeKw('res.partner', 'search_count', [[]]);
    await t.executeKw('res.partner', 'search_count', [[]]);
    expect(counts).toEqual({ connect: 1, execute_kw: 2 });
    t.close();
    await emulator.close();
  } finally {
    cached.exports = saved;
  }
});
