export * from './types.js';
export { diagnose, selectChecks } from './runner.js';
export { ALL_CHECKS } from './checks/index.js';
export { contractCandidates } from './checks/config.js';
export { CATALOGS, siblingCatalogUrl, environmentToCheck, type CatalogName } from './catalogs.js';
export * from './report/index.js';
export { VERSION } from './version.js';
