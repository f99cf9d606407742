import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeErpSourceContract } from '@cesce-connect/core/testing';
import { loadProfile } from './profile/load.js';
import { createSoapErpSource } from './source.js';
import { startSoapErpEmulator } from './testing/emulator.js';
import { SAP_DEMO_USER } from './testing/sap/index.js';

// Both presets, each on its emulator with the demo data in that ERP's shape, must pass the
// conformance suite every ErpSource passes.
const demo = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/demo');
const company = { id: '1000', name: 'Industrias Demo Levante SL', taxCode: 'B65410011', currency: 'EUR' };

describeErpSourceContract('sap-bapi preset on the SAP emulator (demo data)', async () => {
  const emulator = await startSoapErpEmulator({ preset: 'sap-bapi', dataFile: join(demo, 'sap-dataset.json') });
  const source = createSoapErpSource({
    profile: loadProfile('sap-bapi'),
    connection: { baseUrl: emulator.url, auth: { type: 'basic', ...SAP_DEMO_USER } },
    company,
  });
  return { source, dispose: () => emulator.close() };
});

describeErpSourceContract('dynamics-nav preset on the NAV emulator (demo data)', async () => {
  const emulator = await startSoapErpEmulator({ preset: 'dynamics-nav', dataFile: join(demo, 'nav-dataset.json') });
  const source = createSoapErpSource({
    profile: loadProfile('dynamics-nav'),
    connection: { baseUrl: emulator.url, auth: { type: 'basic', username: 'CESCE-BOT', password: 'demo-nav-password' } },
    company: { ...company, id: 'Industrias Demo Levante SL' },
  });
  return { source, dispose: () => emulator.close() };
});
