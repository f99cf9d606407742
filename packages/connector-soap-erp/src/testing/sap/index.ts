export { startSapEmulator, SAP_PITFALLS } from './emulator.js';
export type { SapEmulator, SapEmulatorOptions, SapEmulatorCall } from './emulator.js';
export { loadSapDataset, parseSapDataset, sapDatasetSchema, sapPitfallsSchema } from './dataset.js';
export type { SapDataset, SapDatasetInput, SapPitfalls, SapCustomer, SapBillingDocument, SapArItem } from './dataset.js';
export { FUNCTION_MODULES as SAP_FUNCTION_MODULES, sapWsdl, servicePath as sapServicePath, SAP_NS } from './wsdl.js';
export { sapDatasetFromOdoo, SAP_DEMO_USER, kunnrOf, paymentTermKey } from './from-odoo.js';
