export * from './operations.js';
export * from './compare.js';
export * from './fidelity.js';
