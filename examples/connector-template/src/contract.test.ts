import { describeErpSourceContract } from '@cesce-connect/core/testing';
import { createAcmeSource } from './source.js';
import { acmeDataset, startAcmeEmulator } from './testing/index.js';

describeErpSourceContract('Acme ERP (template) on the Acme emulator', async () => {
  const emulator = await startAcmeEmulator({ dataset: acmeDataset() });
  return { source: createAcmeSource({ url: emulator.url, token: emulator.token, pageSize: 4 }), dispose: () => emulator.close() };
});
