export { startAcmeEmulator, ACME_TEST_TOKEN } from './acme-emulator.js';
export type { AcmeDataset, AcmeEmulator, AcmeEmulatorOptions, AcmeEmulatorRequest } from './acme-emulator.js';
export { acmeDataset } from './dataset.js';
