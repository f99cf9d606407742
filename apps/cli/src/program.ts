import { Command } from 'commander';
import { registerDiagnose } from './commands/diagnose.js';
import { registerEmulate } from './commands/emulate.js';
import { registerExplain } from './commands/explain.js';
import { registerOdoo } from './commands/odoo.js';
import { registerSoap } from './commands/soap.js';
import { registerSpec } from './commands/spec.js';
import { registerLedger } from './commands/ledger.js';
import { registerRetry } from './commands/retry.js';
import { registerStatus } from './commands/status.js';
import { registerSync } from './commands/sync.js';
import { registerWorker } from './commands/worker.js';

export const VERSION = '0.1.0';

/*
 * How commands are organised (keeps `cesce --help` and `cesce <command> --help` fast):
 *
 *   src/commands/<name>.ts  the definition: `register<Name>(program)` with the name, description,
 *                           arguments, options and help text. Imported at start-up, so it imports
 *                           only commander, node: built-ins, `import type` from anywhere, and
 *                           src/help-facts.ts for values from the packages (check ids, presets...).
 *   src/actions/<name>.ts   what the command does: everything that needs @cesce-connect/*, zod
 *                           (src/config.ts), better-sqlite3, soap... The definition's action loads
 *                           it on demand, with a literal path so the build gives it its own chunk:
 *
 *                             .action(async (flags: WorkerFlags) => {
 *                               const { workerCommand } = await import('../actions/worker.js');
 *                               process.exitCode = await workerCommand(flags);
 *                             });
 *
 * To add a command (e.g. a `worker` group): write both files, then call `registerWorker(program)`
 * below. src/startup.e2e.test.ts fails if the start-up path imports anything heavy.
 */

export function buildProgram(): Command {
  const program = new Command('cesce')
    .description('Connect your ERP to Cesce: classifications (credit limits) and sales declarations')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Try it on the embedded emulators:
  $ cesce emulate cesce                                   # prints e.g. http://127.0.0.1:41234
  $ cesce emulate odoo --data examples/demo/odoo-dataset.json
  $ CESCE_BASE_URL=... ODOO_URL=... cesce sync --config examples/demo/cesce.config.json

Operate it (what is declared, pending, rejected with its fix; send again; export; run continuously):
  $ cesce status --config cesce.config.json
  $ cesce retry --config cesce.config.json --id INV/2026/00115
  $ cesce ledger export --config cesce.config.json --format csv --output ledger.csv
  $ cesce sync --config cesce.config.json --watch 5m

Check an installation before go-live (credentials, contract, policy, ERP data):
  $ cesce diagnose --config cesce.config.json --report diagnosis.md

Prepare an Odoo database (creates the x_cesce_* fields):
  $ cesce odoo setup --config cesce.config.json --dry-run

Explain a Cesce error:
  $ cesce explain 400 --lang es
  $ cesce explain cesce-400-contract-format

Check our schemas against a document downloaded from Cesce's portal:
  $ cesce spec check sales-swagger.json`,
    );
  registerSync(program);
  registerWorker(program);
  registerStatus(program);
  registerRetry(program);
  registerLedger(program);
  registerDiagnose(program);
  registerEmulate(program);
  registerExplain(program);
  registerSpec(program);
  registerOdoo(program);
  registerSoap(program);
  return program;
}
