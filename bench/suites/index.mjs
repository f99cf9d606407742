// The benchmark suites `pnpm bench` runs, in order.
import { diagnoseSuite } from './diagnose.mjs';
import { odooRead } from './odoo-read.mjs';

export const suites = [odooRead, diagnoseSuite];
