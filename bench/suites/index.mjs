// The benchmark suites `pnpm bench` runs, in order.
import { diagnoseSuite } from './diagnose.mjs';
import { multiWorker } from './multi-worker.mjs';
import { odooRead } from './odoo-read.mjs';
import { startupSuite } from './startup.mjs';
import { syncSuite } from './sync.mjs';

export const suites = [odooRead, syncSuite, multiWorker, diagnoseSuite, startupSuite];
