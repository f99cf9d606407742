import { describeErpSourceContract } from '@cesce-connect/core/testing';
import { fixtureDataset, FIXTURE } from './__fixtures__/dataset.js';
import { startOdooEmulator } from './testing/index.js';
import { createOdooSource } from './source.js';

// The Odoo source on the Odoo emulator with the fixture dataset. `overlapMinutes: 0`: with the
// default overlap the source re-reads, by design, documents changed up to 10 minutes before the
// watermark (see `DocumentQuery.changedSince`), which the contract's "nothing older than the
// watermark" check would count; with 0 the change order is exact.
describeErpSourceContract('Odoo 17 on the Odoo emulator (fixture dataset)', async () => {
  const emulator = await startOdooEmulator({ dataset: fixtureDataset() });
  const source = createOdooSource({
    url: emulator.url,
    database: FIXTURE.database,
    username: FIXTURE.login,
    password: FIXTURE.password,
    companyId: 1,
    pageSize: 7,
    overlapMinutes: 0,
  });
  return { source, dispose: () => emulator.close() };
});
