export { startSoapErpEmulator, parsePitfallWords, SOAP_ERP_EMULATOR_PRESETS, SOAP_ERP_PITFALLS } from './emulator.js';
export type { SoapErpEmulator, SoapErpEmulatorOptions, SoapErpEmulatorPreset } from './emulator.js';
export * from './sap/index.js';
export * from './nav/index.js';
