import type { CheckDefinition } from '../types.js';
import { CESCE_CHECKS } from './cesce.js';
import { CONFIG_CHECKS } from './config.js';
import { ERP_CHECKS } from './erp.js';
import { NETWORK_CHECKS } from './network.js';

/** Every check, in report order. */
export const ALL_CHECKS: readonly CheckDefinition[] = [...CONFIG_CHECKS, ...NETWORK_CHECKS, ...CESCE_CHECKS, ...ERP_CHECKS];
