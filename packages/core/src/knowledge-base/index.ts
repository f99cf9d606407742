export * from './types.js';
export * from './entries.js';
export * from './matcher.js';
