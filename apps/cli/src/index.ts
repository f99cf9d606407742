export { buildProgram, VERSION } from './program.js';
export { loadConfig, configSchema, type Config } from './config.js';
