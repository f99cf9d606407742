export { startOdooEmulator } from './emulator.js';
export type { OdooEmulator, OdooEmulatorOptions } from './emulator.js';
export { OdooDispatcher } from './dispatch.js';
export type { OdooEmulatorCall } from './dispatch.js';
export { loadOdooDataset, validateOdooDataset, OdooDatasetError } from './dataset.js';
export type { OdooDataset, OdooDatasetRecord, OdooUser, CustomFieldDef } from './dataset.js';
export { OdooFault } from './faults.js';
export { parseDomain } from './domain.js';
export type { FieldDef, ModelDef, OdooFieldType } from './schema.js';
