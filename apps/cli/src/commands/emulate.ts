import type { Command } from 'commander';
import {
  DEFAULT_DATA_FILE,
  loadFaultsFile,
  parseRateLimit,
  startCesceEmulator,
  type CesceEmulatorOptions,
  type EmulatorFaults,
} from '@cesce-connect/sandbox';
import { GENERATED, generateOdooDataset, startOdooEmulator, writeOdooDataset } from '@cesce-connect/connector-odoo/testing';
import {
  parsePitfallWords,
  SAP_DEMO_USER,
  SOAP_ERP_EMULATOR_PRESETS,
  SOAP_ERP_PITFALLS,
  startSoapErpEmulator,
  type SoapErpEmulatorOptions,
  type SoapErpEmulatorPreset,
} from '@cesce-connect/connector-soap-erp/testing';

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

interface CesceEmulateFlags {
  data: string;
  state?: string;
  host: string;
  port: string;
  tokenTtl?: string;
  latency: string;
  failRate?: string;
  rateLimit?: string;
  faults?: string;
  chaosSeed?: string;
  mode: string;
  model?: string;
  environment: string;
  clockOffset?: string;
}

const EMULATOR_ENVIRONMENTS = ['sandbox', 'pre', 'pro'] as const;

/** The emulator options from the flags, or the message that explains a bad flag. */
function cesceEmulatorOptions(o: CesceEmulateFlags): CesceEmulatorOptions | string {
  const latency = Number(o.latency);
  if (!(Number.isInteger(latency) && latency >= 0)) return `--latency must be a whole number of milliseconds, not '${o.latency}'`;
  const ttl = o.tokenTtl === undefined ? undefined : Number(o.tokenTtl);
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0)) return `--token-ttl must be a positive whole number of seconds, not '${o.tokenTtl}'`;
  if (o.mode !== 'simulation' && o.mode !== 'sandbox-model') return `--mode must be simulation or sandbox-model, not '${o.mode}'`;
  if (o.mode === 'sandbox-model' && !o.model) return '--mode sandbox-model needs --model FILE';
  if (!(EMULATOR_ENVIRONMENTS as readonly string[]).includes(o.environment)) return `--environment must be sandbox, pre or pro, not '${o.environment}'`;
  if (o.mode === 'sandbox-model' && o.environment !== 'sandbox') return '--mode sandbox-model emulates the sandbox: leave out --environment or give sandbox';
  const offset = o.clockOffset === undefined ? 0 : Number(o.clockOffset);
  if (o.clockOffset !== undefined && !(o.clockOffset.trim() !== '' && Number.isInteger(offset) && Math.abs(offset) <= 10 * 365 * 86_400)) {
    return `--clock-offset must be a whole number of seconds (negative: behind), at most ten years, not '${o.clockOffset}'`;
  }
  let port: number;
  let faults: EmulatorFaults | undefined;
  try {
    port = parsePort(o.port);
    faults = o.faults ? loadFaultsFile(o.faults) : undefined;
    if (o.failRate !== undefined) {
      const rate = Number(o.failRate);
      if (!(o.failRate.trim() !== '' && rate >= 0 && rate <= 1)) return `--fail-rate must be a number from 0 to 1, not '${o.failRate}'`;
      faults = { ...faults, status5xxRate: rate };
    }
    if (o.rateLimit !== undefined) faults = { ...faults, rateLimit: parseRateLimit(o.rateLimit) };
    if (o.chaosSeed !== undefined) {
      const seed = Number(o.chaosSeed);
      if (!(o.chaosSeed.trim() !== '' && Number.isSafeInteger(seed))) return `--chaos-seed must be a whole number, not '${o.chaosSeed}'`;
      if (!faults?.chaos) return '--chaos-seed needs a --faults file with a "chaos" section (see packages/sandbox/README.md, "Chaos faults")';
      faults = { ...faults, chaos: { ...faults.chaos, seed } };
    }
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return {
    dataFile: o.data,
    host: o.host,
    port,
    ...(o.state ? { stateFile: o.state } : {}),
    ...(ttl ? { tokenTtlSeconds: ttl } : {}),
    latencyMs: latency,
    ...(faults ? { faults } : {}),
    mode: o.mode,
    ...(o.model ? { model: o.model } : {}),
    environment: o.environment as (typeof EMULATOR_ENVIRONMENTS)[number],
    ...(offset !== 0 ? { clock: () => Date.now() + offset * 1000 } : {}),
  };
}

interface OdooEmulateFlags {
  data?: string;
  generate?: string;
  odooVersion?: string;
  save?: string;
  htmlAnswer?: string;
  host: string;
  port: string;
}

const HTML_ANSWERS = ['proxy-502', 'redirect-https', 'login-page'] as const;

/** The Odoo emulator options from the flags (generating and saving the dataset if asked), or the message that explains a bad flag. */
async function odooEmulatorOptions(o: OdooEmulateFlags): Promise<Parameters<typeof startOdooEmulator>[0] | string> {
  if (o.data && o.generate !== undefined) return 'give either --data or --generate, not both';
  if (!o.data && o.generate === undefined) return 'give --data <file> (a dataset) or --generate <n> (a generated database); see --help';
  if (o.save && o.generate === undefined) return '--save only works with --generate';
  if (o.odooVersion !== undefined && !/^(saas~)?(1[4-9])\.\d+/.test(o.odooVersion)) return `--odoo-version must be an Odoo version from 14.0 to 19.x such as 17.0, not '${o.odooVersion}'`;
  let port: number;
  try {
    port = parsePort(o.port);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (o.htmlAnswer !== undefined && !(HTML_ANSWERS as readonly string[]).includes(o.htmlAnswer)) {
    return `--html-answer must be one of ${HTML_ANSWERS.join(', ')}, not '${o.htmlAnswer}'`;
  }
  const base = {
    host: o.host,
    port,
    ...(o.odooVersion ? { version: o.odooVersion } : {}),
    ...(o.htmlAnswer ? { htmlAnswer: o.htmlAnswer as (typeof HTML_ANSWERS)[number] } : {}),
  };
  if (o.data) return { ...base, dataFile: o.data };
  const n = Number(o.generate);
  if (!(o.generate!.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= 1_000_000)) return `--generate must be a whole number of invoices from 0 to 1000000, not '${o.generate}'`;
  const generate = { invoices: n, ...(o.odooVersion ? { version: o.odooVersion } : {}) };
  try {
    if (o.save) {
      await writeOdooDataset(o.save, generate);
      return { ...base, dataFile: o.save };
    }
    return { ...base, dataset: generateOdooDataset(generate) };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

interface SoapErpEmulateFlags {
  preset?: string;
  data?: string;
  host: string;
  port: string;
  pitfall: string[];
}

/** The SOAP ERP emulator options from the flags, or the message that explains a bad flag. */
function soapErpEmulatorOptions(o: SoapErpEmulateFlags): SoapErpEmulatorOptions | string {
  if (!o.preset || !(SOAP_ERP_EMULATOR_PRESETS as readonly string[]).includes(o.preset)) {
    return `--preset must be ${SOAP_ERP_EMULATOR_PRESETS.join(' or ')}${o.preset ? `, not '${o.preset}'` : ''}`;
  }
  if (!o.data) return `give --data <file>: a dataset in the ${o.preset} emulator's format (see packages/connector-soap-erp/README.md)`;
  try {
    const pitfalls = o.pitfall.length > 0 ? parsePitfallWords(o.pitfall) : undefined;
    return { preset: o.preset as SoapErpEmulatorPreset, dataFile: o.data, host: o.host, port: parsePort(o.port), ...(pitfalls ? { pitfalls } : {}) };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

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
      const options = cesceEmulatorOptions(o);
      if (typeof options === 'string') {
        process.stderr.write(`cesce emulate cesce: ${options}\n`);
        process.exitCode = 1;
        return;
      }
      await serve(() => startCesceEmulator(options), 'cesce');
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
and two companies. Log in with database "${GENERATED.database}", user "${GENERATED.login}", password or API key "${GENERATED.password}",
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
      const options = await odooEmulatorOptions(o);
      if (typeof options === 'string') {
        process.stderr.write(`cesce emulate odoo: ${options}\n`);
        process.exitCode = 1;
        return;
      }
      await serve(() => startOdooEmulator(options), 'odoo');
    });

  emulate
    .command('soap-erp')
    .description('Emulate a SOAP ERP: SAP BAPIs over SOAMANAGER (sap-bapi) or Dynamics NAV/Business Central page services (dynamics-nav), over a dataset file')
    .option('--preset <preset>', `the ERP to emulate: ${SOAP_ERP_EMULATOR_PRESETS.join(' | ')}`)
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
  sap-bapi      examples/demo/sap-dataset.json   basic auth ${SAP_DEMO_USER.username} / ${SAP_DEMO_USER.password}
  dynamics-nav  examples/demo/nav-dataset.json   user CESCE-BOT / demo-nav-password (auth mode set in the dataset)

Pitfalls (also the dataset's "pitfalls" key):
  sap-bapi      ${SOAP_ERP_PITFALLS['sap-bapi'].join(', ')}
  dynamics-nav  ${SOAP_ERP_PITFALLS['dynamics-nav'].join(', ')}

Examples:
  $ cesce emulate soap-erp --preset sap-bapi --data examples/demo/sap-dataset.json
  $ cesce emulate soap-erp --preset sap-bapi --data examples/demo/sap-dataset.json --pitfall latin1 --pitfall soap12
  $ cesce emulate soap-erp --preset sap-bapi --data examples/demo/sap-dataset.json --pitfall nilDueDate=0090000001
  $ cesce emulate soap-erp --preset sap-bapi --data examples/demo/sap-dataset.json --pitfall "returnError=BAPI_BILLINGDOC_GETLIST:No authorization"`,
    )
    .action(async (o: SoapErpEmulateFlags) => {
      const options = soapErpEmulatorOptions(o);
      if (typeof options === 'string') {
        process.stderr.write(`cesce emulate soap-erp: ${options}\n`);
        process.exitCode = 1;
        return;
      }
      await serve(() => startSoapErpEmulator(options), 'soap-erp');
    });
}
