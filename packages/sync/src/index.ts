export * from './ledger.js';
export * from './report.js';
export * from './engine.js';
export * from './concurrency.js';
export { documentProblem, type Problem } from './checks.js';
export * from './operator.js';
export { invoiceInput, creditNoteInput } from './inputs.js';
