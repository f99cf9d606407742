import type { Command } from 'commander';
import type { WorkerFlags } from '../actions/worker.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerWorker(program: Command): void {
  const worker = program
    .command('worker')
    .description('Multi-worker mode: a shared ledger and work queue in PostgreSQL, so several workers (on one or many machines) declare one backlog')
    .addHelpText(
      'after',
      `
How it works:
  1. cesce worker plan  reads the ERP (page by page, memory bounded) and puts every declarable
                        document into the shared ledger in PostgreSQL, with one queued job each.
                        Planning again adds only what is new; a document is never queued twice.
  2. cesce worker run   takes jobs and declares them. Start as many as you like, on any machine
                        that reaches PostgreSQL and Cesce: each item is claimed before its Cesce
                        call, so it is declared exactly once; credit notes wait for their invoice.
                        A worker that dies (kill -9, lost machine) stops its heartbeat; the others
                        release its jobs and look its in-flight items up at Cesce before resending.
  3. cesce worker status  what the shared ledger holds: declared, queued, failed, rejected.

The config gets a "workers" section (the connection string is a secret: give it as env:NAME):
  "workers": { "postgres": "env:CESCE_DATABASE_URL", "concurrency": 4 }
The tables are created on first use (schema "cesce", and graphile-worker's "graphile_worker").
"cesce.rateLimit": { "requestsPerSecond": 20 } is shared by every worker using the credential.

One declarer per contract: on a config with a "workers" section, \`cesce sync\` requests
classifications only (one per customer, each may cost study fees) and declares no sale. The planner
queues the invoices of customers Cesce has classified, and records as declared the documents Cesce
already holds (declared by \`cesce sync\` before the switch, or in the portal).`,
    );

  worker
    .command('plan')
    .description('Read the ERP and queue every declarable document in the shared ledger (PostgreSQL)')
    .requiredOption('-c, --config <file>', 'config file with the cesce, ERP and workers sections')
    .option('--json', 'print one JSON object (every skipped document with its reason)')
    .option('--verbose', 'more detail on errors')
    .addHelpText(
      'after',
      `
Exit codes: 0 planned (documents not queued are listed with the record and field, as cesce sync
lists them); 2 planned, but some documents need a person at Cesce (held there with another amount,
or changed in the ERP after they were declared); 1 error (config, ERP, Cesce or PostgreSQL
unreachable, another plan of the contract running).

Example:
  $ CESCE_DATABASE_URL=postgres://cesce:secret@db.internal/cesce cesce worker plan --config cesce.config.json`,
    )
    .action(async (flags: WorkerFlags) => {
      const { workerPlanCommand } = await import('../actions/worker.js');
      process.exitCode = await workerPlanCommand(flags);
    });

  worker
    .command('run')
    .description('Declare queued documents: one worker process; run as many as you like')
    .requiredOption('-c, --config <file>', 'config file (repeat for a worker that serves several contracts, all on one PostgreSQL)', collect)
    .option('--concurrency <n>', 'declarations in flight at once in this process (default workers.concurrency, else 4)')
    .option('--drain', 'stop when no job of these contracts is left (waiting, running or to be retried); default: run until stopped')
    .option('--stale-after <seconds>', 'a worker without heartbeat for this long is taken for dead and its jobs released (default 30)')
    .option('--json', 'print one JSON object at the end')
    .option('--verbose', 'more detail on errors')
    .addHelpText(
      'after',
      `
Stops on SIGINT/SIGTERM after the declarations in flight (a second signal stops at once; what was
in flight is looked up at Cesce by the next worker before anything is sent again).

Exit codes: 0 all taken jobs settled; 2 some were rejected by Cesce or conflict with it (listed
with the knowledge-base fix); 1 error (credentials, policy, PostgreSQL unreachable); 130/143
stopped by a signal.

Examples:
  $ cesce worker run --config cesce.config.json --drain            # work off the backlog, then exit
  $ cesce worker run --config a.json --config b.json --concurrency 8 # serve two contracts until stopped`,
    )
    .action(async (flags: WorkerFlags) => {
      const { workerRunCommand } = await import('../actions/worker.js');
      process.exitCode = await workerRunCommand(flags);
    });

  worker
    .command('status')
    .description('What the shared ledger holds for the contract: declared, queued, failed, rejected (with the fix), workers alive')
    .requiredOption('-c, --config <file>', 'config file with the cesce and workers sections')
    .option('--json', 'print one JSON object')
    .option('--verbose', 'more detail on errors')
    .addHelpText('after', '\nExit codes: 0 nothing rejected, failed or waiting; 2 something is; 1 error.')
    .action(async (flags: WorkerFlags) => {
      const { workerStatusCommand } = await import('../actions/worker.js');
      process.exitCode = await workerStatusCommand(flags);
    });
}
