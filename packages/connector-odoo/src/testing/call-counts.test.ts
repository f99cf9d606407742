import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIXTURE } from '../__fixtures__/dataset.js';
import { datasetFor } from '../transport/test-support.js';
import { CALL_COUNTS_PATH, startOdooEmulator, type OdooEmulator } from './index.js';

let odoo: OdooEmulator;
beforeAll(async () => {
  odoo = await startOdooEmulator({ dataset: datasetFor('17.0') });
});
afterAll(async () => {
  await odoo.close();
});

async function jsonrpc(service: string, method: string, args: unknown[]): Promise<void> {
  const res = await fetch(`${odoo.url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 1 }),
  });
  await res.json();
}

describe(`GET ${CALL_COUNTS_PATH}`, () => {
  test('counts the calls received so far by service and method, not itself', async () => {
    const counts = async () => (await (await fetch(`${odoo.url}${CALL_COUNTS_PATH}`)).json()) as { total: number; byMethod: Record<string, number> };
    expect(await counts()).toEqual({ total: 0, byMethod: {} });
    await jsonrpc('common', 'version', []);
    await jsonrpc('object', 'execute_kw', [FIXTURE.database, 2, FIXTURE.password, 'res.partner', 'search_read', [[]], { fields: ['id'], limit: 1 }]);
    await jsonrpc('object', 'execute_kw', [FIXTURE.database, 2, FIXTURE.password, 'res.partner', 'search_read', [[]], { fields: ['id'], limit: 1 }]);
    expect(await counts()).toEqual({ total: 3, byMethod: { 'common.version': 1, 'res.partner.search_read': 2 } });
  });
});
