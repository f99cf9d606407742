export * from './operations.js';
export * from './compare.js';
