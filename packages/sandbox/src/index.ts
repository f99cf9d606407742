export {
  startCesceEmulator,
  DEFAULT_TOKEN_TTL_SECONDS,
  FAULT_STATS_PATH,
  REQUEST_COUNTS_PATH,
  type CesceEmulator,
  type CesceEmulatorOptions,
  type RequestLogEntry,
} from './server.js';
export {
  DEFAULT_DATA_FILE,
  loadSandboxData,
  parseSandboxData,
  sandboxDataSchema,
  sandboxApplicationSchema,
  sandboxPolicySchema,
  sandboxClassificationSchema,
  sandboxSaleSchema,
  sandboxCollectionSchema,
  sandboxSubsidiarySchema,
  SandboxDataError,
  SCOPES,
  CATALOGS,
  type Catalog,
  type SandboxData,
  type SandboxApplication,
  type SandboxPolicy,
  type SandboxClassification,
  type SandboxSale,
  type SandboxCollection,
  type SandboxSubsidiary,
  type Scope,
} from './data.js';
export { stateFileSchema, type EmulatorState, type PolicyState, type StateFile } from './store.js';
export { ROUTES, type RouteDefinition } from './routes.js';
export { RULES, formatMessage, type RuleDefinition, type RuleName, type RuleBody } from './rules/messages.js';
export { STATUS as CLASSIFICATION_STATUS } from './classifications.js';
export type { EnvironmentKind } from './context.js';
export { DEFAULT_MOVEMENTS_PAGE_SIZE } from './movements.js';
export {
  FaultInjector,
  emulatorFaultsSchema,
  injectedFaultSchema,
  loadFaultsFile,
  parseFaults,
  parseRateLimit,
  chaosFaultsSchema,
  seededRandom,
  CHAOS_COUNTERS,
  type ChaosFaults,
  type ChaosDecision,
  type FaultStats,
  type EmulatorFaults,
  type InjectedFault,
} from './faults.js';
export {
  DEFAULT_SANDBOX_MODEL_FILE,
  canonicalJson,
  findModelCase,
  loadSandboxModel,
  parseSandboxModel,
  sandboxModelCaseSchema,
  sandboxModelSchema,
  type SandboxModel,
  type SandboxModelCase,
} from './sandbox-model.js';
