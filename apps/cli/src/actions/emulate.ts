/** What `cesce emulate cesce|odoo|soap-erp` does; loaded by its definition (../commands/emulate.ts) only when the command runs. */
import { HTML_ANSWERS } from '../commands/emulate.js';
import {
  loadFaultsFile,
  parseRateLimit,
  startCesceEmulator,
  type CesceEmulatorOptions,
  type EmulatorFaults,
} from '@cesce-connect/sandbox';
import { generateOdooDataset, startOdooEmulator, writeOdooDataset } from '@cesce-connect/connector-odoo/testing';
import {
  parsePitfallWords,
  SOAP_ERP_EMULATOR_PRESETS,
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

export interface CesceEmulateFlags {
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

export interface OdooEmulateFlags {
  data?: string;
  generate?: string;
  odooVersion?: string;
  save?: string;
  htmlAnswer?: string;
  host: string;
  port: string;
}


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

export interface SoapErpEmulateFlags {
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

/** `cesce emulate cesce`: serves until stopped; a bad flag is reported with exit code 1. */
export async function emulateCesce(o: CesceEmulateFlags): Promise<void> {
  const options = cesceEmulatorOptions(o);
  if (typeof options === 'string') {
    process.stderr.write(`cesce emulate cesce: ${options}\n`);
    process.exitCode = 1;
    return;
  }
  await serve(() => startCesceEmulator(options), 'cesce');
}

/** `cesce emulate odoo`: serves until stopped; a bad flag is reported with exit code 1. */
export async function emulateOdoo(o: OdooEmulateFlags): Promise<void> {
  const options = await odooEmulatorOptions(o);
  if (typeof options === 'string') {
    process.stderr.write(`cesce emulate odoo: ${options}\n`);
    process.exitCode = 1;
    return;
  }
  await serve(() => startOdooEmulator(options), 'odoo');
}

/** `cesce emulate soap-erp`: serves until stopped; a bad flag is reported with exit code 1. */
export async function emulateSoapErp(o: SoapErpEmulateFlags): Promise<void> {
  const options = soapErpEmulatorOptions(o);
  if (typeof options === 'string') {
    process.stderr.write(`cesce emulate soap-erp: ${options}\n`);
    process.exitCode = 1;
    return;
  }
  await serve(() => startSoapErpEmulator(options), 'soap-erp');
}
