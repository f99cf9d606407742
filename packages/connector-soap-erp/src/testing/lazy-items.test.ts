import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErpError } from '@cesce-connect/core';
import { clearWsdlCache } from '../client/soap-caller.js';
import { loadProfile } from '../profile/load.js';
import { createSoapErpSource } from '../source.js';
import { startSoapErpEmulator } from './emulator.js';

const demo = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/demo');

async function documents(pitfalls: Record<string, unknown>): Promise<number> {
  clearWsdlCache();
  const emulator = await startSoapErpEmulator({ preset: 'dynamics-nav', dataFile: join(demo, 'nav-dataset.json'), pitfalls });
  const source = createSoapErpSource({
    profile: loadProfile('dynamics-nav'),
    connection: { baseUrl: emulator.url, auth: { type: 'basic', username: 'CESCE-BOT', password: 'demo-nav-password' } },
    company: { id: 'Industrias Demo Levante SL', name: 'Industrias Demo Levante SL', taxCode: 'B65410011', currency: 'EUR' },
  });
  try {
    let n = 0;
    for await (const _ of source.documents()) n++;
    return n;
  } finally {
    await source.close();
    await emulator.close();
  }
}

describe('ledger entries are only the due-date fallback', () => {
  it('are not read when every document has its due date, so a ledger page the user may not read is not needed', async () => {
    expect(await documents({ faultPage: 'CustomerLedgerEntries' })).toBe(344);
  });

  it('are read when a document lacks its due date, and then a refused ledger page is an error', async () => {
    await expect(documents({ faultPage: 'CustomerLedgerEntries', nilDueDate: true })).rejects.toThrow(ErpError);
  });
});
