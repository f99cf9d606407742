// The benchmark suites `pnpm bench` runs, in order.
import { odooRead } from './odoo-read.mjs';

export const suites = [odooRead];
