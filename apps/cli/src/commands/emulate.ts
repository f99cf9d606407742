/** The definition of `cesce emulate cesce|odoo|soap-erp`, loaded at start-up: keep it light (see src/program.ts); the work is in ../actions/emulate.ts. */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CesceEmulateFlags, OdooEmulateFlags, SoapErpEmulateFlags } from '../actions/emulate.js';
import { ODOO_GENERATED_LOGIN, SAP_DEMO_LOGIN, SOAP_ERP_PITFALL_NAMES, SOAP_ERP_PRESETS } from '../help-facts.js';

/**
 * The Cesce emulator's embedded demo data, `DEFAULT_DATA_FILE` of @cesce-connect/sandbox (its
 * data/demo.json, next to its dist/), found without loading the package.
 */
const DEFAULT_DATA_FILE: string = fileURLToPath(new URL('../data/demo.json', import.meta.resolve('@cesce-connect/sandbox')));

export const HTML_ANSWERS = ['proxy-502', 'redirect-https', 'login-page'] as const;

export function registerEmulate(program: Command): void {
  const emulate = program
    .command('emulate')
    .description('Run a local emulator (Cesce API, Odoo, or a SOAP ERP) on 127.0.0.1; prints its base URL on the first line');

  emulate
    .command('cesce')
    .description('Emulate the Cesce API: OAuth2 token, Classifications and Sales, with Cesce’s business rules')
    .option('--data <file>', 'seed data file (policies, applications, classifications)', DEFAULT_DATA_FILE)
    .option('--state <file>', 'keep the state in this JSON file so it survives a restart')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = a free one)', '0')
    .option('--token-ttl <seconds>', 'lifetime of issued tokens in seconds (default: from the data file, else 3600)')
    .option('--latency <ms>', 'delay every answer by this many milliseconds, after it has taken effect (fault injection)', '0')
    .option('--fail-rate <rate>', 'answer 503 to this share (0..1) of API calls, deterministically: 0.25 fails every 4th call')
    .option('--rate-limit <N/S>', 'answer 429 (with Retry-After) beyond N requests per S seconds, e.g. 10/1')
    .option('--faults <file>', 'fault-injection JSON (status5xxRate, rateLimit, failOperations, chaos); see packages/sandbox/README.md')
    .option('--chaos-seed <n>', 'override the seed of the --faults file\'s "chaos" section, e.g. to replay a failing chaos run')
    .option('--mode <mode>', 'simulation (stateful rules) or sandbox-model (only the model\'s sample inputs, 404 otherwise)', 'simulation')
    .option('--model <file>', 'sandbox model file for --mode sandbox-model (format: docs/sandbox-data-format.md)')
    .option('--environment <name>', 'what the root URL acts as: sandbox (username/password ignored), pre or pro (checked); /sandbox, /pre and /pro always serve their own catalog', 'sandbox')
    .option('--clock-offset <seconds>', 'shift the emulator\'s clock (token expiry, today\'s date, the Date header) by this many seconds, e.g. -600, to provoke clock skew')
    .addHelpText(
      'after',
      `
Demo credentials (embedded data): client id "demo-client-id", client secret "demo-client-secret",
contract 34109150331 (valid) and 38100029218 (expired). Data format: docs/sandbox-data-format.md.

Catalogs: like Cesce's gateway (https://api.cesce.es/sandbox, /pre, /pro), the emulator serves
<url>/sandbox, <url>/pre and <url>/pro, each acting as that environment; the root URL acts as
--environment. An application or policy with "environments" in the data file exists only in those
catalogs (PRE credentials sent to PRO answer 401 invalid_client), and a token works only in the
catalog that issued it.

Chaos faults: a "chaos" section in the --faults file injects seeded random faults into API calls:
5xx (refused, or processed then answered 5xx), hangs past the client's timeout, connection resets,
429 bursts with Retry-After, and tokens that expire before their expires_in. The same seed and the
same requests give the same faults. Counts by kind: GET <url>/_emulator/faults. Example file:
  { "chaos": { "seed": 7, "error5xx": { "rate": 0.05, "afterProcessing": 0.5 },
               "hang": { "rate": 0.01, "ms": 3000 }, "reset": { "rate": 0.02 },
               "burst429": { "rate": 0.01, "length": 5, "retryAfterSeconds": 1 },
               "earlyTokenExpiry": { "rate": 0.5, "afterSeconds": 5 } } }

Examples:
  $ cesce emulate cesce
  $ cesce emulate cesce --port 4010 --state .cesce/emulator-state.json
  $ cesce emulate cesce --fail-rate 0.1 --rate-limit 10/1
  $ cesce emulate cesce --faults chaos.json --chaos-seed 42 --state /tmp/chaos-state.json
  $ cesce emulate cesce --environment pre --clock-offset -600
  $ cesce emulate cesce --mode sandbox-model --model packages/sandbox/data/sandbox-model.json`,
    )
    .action(async (o: CesceEmulateFlags) => {
      const { emulateCesce } = await import('../actions/emulate.js');
      await emulateCesce(o);
    });

  emulate
    .command('odoo')
    .description('Emulate an Odoo 14–19 server (XML-RPC, JSON-RPC; JSON-2 on 19) over a dataset file or a generated database')
    .option('--data <file>', 'dataset file; format in packages/connector-odoo/README.md ("Dataset format")')
    .option('--generate <n>', 'generate a database with N invoices and credit notes instead of --data (deterministic)')
    .option('--odoo-version <version>', 'Odoo version to emulate, 14.0 to 19.x (overrides the dataset file\'s version; default for --generate: 17.0)')
    .option('--save <file>', 'with --generate: also write the generated dataset to this file (streamed), to reuse with --data')
    .option('--html-answer <mode>', `answer every API call with an HTML page, as a misconfigured server would: ${HTML_ANSWERS.join(' | ')} (to test error messages)`)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = a free one)', '0')
    .addHelpText(
      'after',
      `
Give either --data or --generate. A generated database has Spanish and EU customers (valid NIF/CIF/VAT),
invoice addresses, archived customers, credit notes (most linked to their invoice), foreign currencies
and two companies. Log in with database "${ODOO_GENERATED_LOGIN.database}", user "${ODOO_GENERATED_LOGIN.login}", password or API key "${ODOO_GENERATED_LOGIN.password}",
companyId 1 (company 2 holds about a fifth of the invoices). It is a fresh Odoo, as of 2026-11-30: run
\`cesce odoo setup\` against it first, and set x_cesce_requested_limit > 0 on the customers to classify
(none is flagged, and the Cesce emulator's demo data knows none of these customers).

Examples:
  $ cesce emulate odoo --data examples/demo/odoo-dataset.json
  $ cesce emulate odoo --data examples/demo/odoo-dataset.json --odoo-version 16.0
  $ cesce emulate odoo --data customer-case.json --port 8069
  $ cesce emulate odoo --generate 100000 --odoo-version 18.0 --save /tmp/odoo-100k.json
  $ cesce emulate odoo --data examples/demo/odoo-dataset.json --html-answer proxy-502`,
    )
    .action(async (o: OdooEmulateFlags) => {
      const { emulateOdoo } = await import('../actions/emulate.js');
      await emulateOdoo(o);
    });

  emulate
    .command('soap-erp')
    .description('Emulate a SOAP ERP: SAP BAPIs over SOAMANAGER (sap-bapi) or Dynamics NAV/Business Central page services (dynamics-nav), over a dataset file')
    .option('--preset <preset>', `the ERP to emulate: ${SOAP_ERP_PRESETS.join(' | ')}`)
    .option('--data <file>', 'dataset file in the preset\'s format (packages/connector-soap-erp/README.md)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = a free one)', '0')
    .option('--pitfall <name...>', 'switch on a pitfall of real installations (repeatable; NAME, NAME=a,b or returnError=OPERATION:message)', (v: string, all: string[]) => [...all, v], [] as string[])
    .addHelpText(
      'after',
      `
The first stdout line is the base URL: the connection's baseUrl for the preset (sap-bapi: services at
{{baseUrl}}/sap/bc/srt/rfc/sap/<service>/<client>/<service>/<binding>; dynamics-nav: the company's
web-service root, pages at {{baseUrl}}/Page/<Name>).

Credentials are the dataset's users. The demo datasets:
  sap-bapi      examples/demo/sap-dataset.json   basic auth ${SAP_DEMO_LOGIN.username} / ${SAP_DEMO_LOGIN.password}
  dynamics-nav  examples/demo/nav-dataset.json   user CESCE-BOT / demo-nav-password (auth mode set in the dataset)

Pitfalls (also the dataset's "pitfalls" key):
  sap-bapi      ${SOAP_ERP_PITFALL_NAMES['sap-bapi'].join(', ')}
  dynamics-nav  ${SOAP_ERP_PITFALL_NAMES['dynamics-nav'].join(', ')}

Examples:
  $ cesce emulate soap-erp --preset sap-bapi --data examples/demo/sap-dataset.json
  $ cesce emulate soap-erp --preset sap-bapi --data examples/demo/sap-dataset.json --pitfall latin1 --pitfall soap12
  $ cesce emulate soap-erp --preset sap-bapi --data examples/demo/sap-dataset.json --pitfall nilDueDate=0090000001
  $ cesce emulate soap-erp --preset sap-bapi --data examples/demo/sap-dataset.json --pitfall "returnError=BAPI_BILLINGDOC_GETLIST:No authorization"`,
    )
    .action(async (o: SoapErpEmulateFlags) => {
      const { emulateSoapErp } = await import('../actions/emulate.js');
      await emulateSoapErp(o);
    });
}
