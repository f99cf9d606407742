import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErpError, type Debtor } from '@cesce-connect/core';
import { clearWsdlCache } from '../client/soap-caller.js';
import { loadProfile } from '../profile/load.js';
import { createSoapErpSource } from '../source.js';
import { startSoapErpEmulator } from './emulator.js';
import { SAP_DEMO_USER } from './sap/index.js';

const demo = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/demo');
const company = { id: '1000', name: 'Industrias Demo Levante SL', taxCode: 'B65410011', currency: 'EUR' };

async function firstDebtor(preset: 'sap-bapi' | 'dynamics-nav', soapVersion?: '1.1' | '1.2'): Promise<Debtor> {
  clearWsdlCache();
  const emulator = await startSoapErpEmulator({ preset, dataFile: join(demo, `${preset === 'sap-bapi' ? 'sap' : 'nav'}-dataset.json`), pitfalls: { soap12: true } });
  const auth = preset === 'sap-bapi' ? { type: 'basic' as const, ...SAP_DEMO_USER } : { type: 'basic' as const, username: 'CESCE-BOT', password: 'demo-nav-password' };
  const source = createSoapErpSource({
    profile: loadProfile(preset),
    connection: { baseUrl: emulator.url, auth, ...(soapVersion ? { soapVersion } : {}) },
    company: preset === 'sap-bapi' ? company : { ...company, id: 'Industrias Demo Levante SL' },
  });
  try {
    for await (const d of source.debtors()) return d;
    throw new Error('no debtor');
  } finally {
    await source.close();
    await emulator.close();
  }
}

describe('a SOAP 1.2-only server (pitfall soap12)', () => {
  it.each(['sap-bapi', 'dynamics-nav'] as const)('%s: a SOAP 1.1 profile is refused with a VersionMismatch naming the fix; soapVersion 1.2 reads', async (preset) => {
    const err = await firstDebtor(preset).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ErpError);
    expect((err as ErpError).message).toMatch(/VersionMismatch|SOAP 1\.2 only/);
    expect((err as ErpError).hint).toContain("soapVersion to '1.2'");
    expect((await firstDebtor(preset, '1.2')).erpId).toBeTruthy();
  });
});
