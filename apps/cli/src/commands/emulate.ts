import type { Command } from 'commander';
import { DEFAULT_DATA_FILE, startCesceEmulator } from '@cesce-connect/sandbox';
import { startOdooEmulator } from '@cesce-connect/connector-odoo/testing';

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TypeError(`--port must be a number from 0 to 65535, not '${value}'`);
  return n;
}

/** Prints the URL as the first stdout line, then serves until SIGINT/SIGTERM. */
async function serve(start: () => Promise<{ url: string; close(): Promise<void> }>, name: string): Promise<void> {
  let server: { url: string; close(): Promise<void> };
  try {
    server = await start();
  } catch (error) {
    process.stderr.write(`cesce emulate ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  // Handlers first, then the URL: whoever reads the URL may stop the emulator at once.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      server.close().finally(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write(`${server.url}\n`);
  await stopped;
}

export function registerEmulate(program: Command): void {
  const emulate = program
    .command('emulate')
    .description('Run a local emulator (Cesce API or Odoo) on 127.0.0.1; prints its base URL on the first line');

  emulate
    .command('cesce')
    .description('Emulate the Cesce API: OAuth2 token, Classifications and Sales, with Cesce’s business rules')
    .option('--data <file>', 'seed data file (policies, applications, classifications)', DEFAULT_DATA_FILE)
    .option('--state <file>', 'keep the state in this JSON file so it survives a restart')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = a free one)', '0')
    .option('--token-ttl <seconds>', 'lifetime of issued tokens in seconds (default: from the data file, else 3600)')
    .option('--latency <ms>', 'delay every answer by this many milliseconds, after it has taken effect (fault injection)', '0')
    .addHelpText(
      'after',
      `
Demo credentials (embedded data): client id "demo-client-id", client secret "demo-client-secret",
contract 34109150331 (valid) and 38100029218 (expired). Data format: docs/sandbox-data-format.md.

Examples:
  $ cesce emulate cesce
  $ cesce emulate cesce --port 4010 --state .cesce/emulator-state.json`,
    )
    .action(async (o: { data: string; state?: string; host: string; port: string; tokenTtl?: string; latency: string }) => {
      const latency = Number(o.latency);
      if (!(Number.isInteger(latency) && latency >= 0)) {
        process.stderr.write(`cesce emulate cesce: --latency must be a whole number of milliseconds, not '${o.latency}'\n`);
        process.exitCode = 1;
        return;
      }
      const ttl = o.tokenTtl === undefined ? undefined : Number(o.tokenTtl);
      if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0)) {
        process.stderr.write(`cesce emulate cesce: --token-ttl must be a positive whole number of seconds, not '${o.tokenTtl}'\n`);
        process.exitCode = 1;
        return;
      }
      await serve(
        () =>
          startCesceEmulator({
            dataFile: o.data,
            host: o.host,
            port: parsePort(o.port),
            ...(o.state ? { stateFile: o.state } : {}),
            ...(ttl ? { tokenTtlSeconds: ttl } : {}),
            latencyMs: latency,
          }),
        'cesce',
      );
    });

  emulate
    .command('odoo')
    .description('Emulate an Odoo server (XML-RPC /xmlrpc/2) over a dataset file')
    .requiredOption('--data <file>', '(required) dataset file; format in packages/connector-odoo/README.md')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = a free one)', '0')
    .addHelpText(
      'after',
      `
Examples:
  $ cesce emulate odoo --data examples/demo/odoo-dataset.json
  $ cesce emulate odoo --data customer-case.json --port 8069`,
    )
    .action(async (o: { data: string; host: string; port: string }) => {
      await serve(() => startOdooEmulator({ dataFile: o.data, host: o.host, port: parsePort(o.port) }), 'odoo');
    });
}
