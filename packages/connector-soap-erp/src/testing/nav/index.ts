export { startNavEmulator } from './emulator.js';
export type { NavEmulator, NavEmulatorOptions, NavEmulatorCall, NavAuthMode } from './emulator.js';
export { loadNavDataset, validateNavDataset, navDatasetSchema, navPitfallsSchema, NavDatasetError } from './dataset.js';
export type { NavDataset, NavDatasetInput, NavPitfalls, NavCustomer, NavPostedInvoice, NavPostedCreditMemo, NavLedgerEntry } from './dataset.js';
export { PAGES as NAV_PAGES, pageWsdl as navPageWsdl } from './pages.js';
export { compileCriteria as compileNavCriteria } from './filter.js';
export { navDatasetFromOdoo } from './from-odoo.js';
