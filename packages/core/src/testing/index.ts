/** Test helpers for connector authors: `@cesce-connect/core/testing` (needs vitest). */
export { describeErpSourceContract, checkDebtorShape, checkDocumentShape } from '../erp/contract-tests.js';
export type { ErpSourceContractFactory, ErpSourceContractSubject } from '../erp/contract-tests.js';
