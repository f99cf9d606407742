export { createOdooSource, connectOdoo } from './source.js';
export type { OdooSource, OdooConnection } from './source.js';
export { escapeHtml, rejectionMessage } from './source.js';
export { setupOdoo, formatSetupReport } from './setup.js';
export type { OdooSetupOptions, OdooSetupReport, OdooSetupField } from './setup.js';
export {
  DEFAULT_FIELD_MAPPING,
  DEFAULT_OVERLAP_MINUTES,
  DEFAULT_PAGE_SIZE,
  FIELD_SPECS,
  OCA_FIELD_MAPPING,
  hasOcaRiskInsurance,
  resolveFieldMapping,
} from './config.js';
export type { OdooConnectorConfig, OdooFieldMapping, OdooFieldSpec, OdooFieldsPreset } from './config.js';
export { mapPartner, partnerRef, PARTNER_FIELDS } from './mapping/partner.js';
export type { PartnerLookups, CurrencyInfo } from './mapping/partner.js';
export { mapMove, moveRef, MOVE_FIELDS } from './mapping/move.js';
export type { MoveLookups } from './mapping/move.js';
export { odooText, many2oneId, many2oneName, odooNumber, odooDatetimeToIso, toOdooDatetime } from './mapping/values.js';
export type { OdooRecord } from './mapping/values.js';
export * from './transport/index.js';
