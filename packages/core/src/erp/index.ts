export * from './model.js';
export * from './source.js';
