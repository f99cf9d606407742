/**
 * One entry point for the SOAP ERP emulators: `sap-bapi` (SAP BAPIs over SOAMANAGER, `./sap`) and
 * `dynamics-nav` (NAV/Business Central page services, `./nav`), same options and same result.
 */
import { startNavEmulator } from './nav/index.js';
import { navPitfallsSchema } from './nav/dataset.js';
import { SAP_PITFALLS, startSapEmulator } from './sap/index.js';
import { sapPitfallsSchema } from './sap/dataset.js';

export type SoapErpEmulatorPreset = 'sap-bapi' | 'dynamics-nav';
export const SOAP_ERP_EMULATOR_PRESETS: readonly SoapErpEmulatorPreset[] = ['sap-bapi', 'dynamics-nav'];

export interface SoapErpEmulatorOptions {
  preset: SoapErpEmulatorPreset;
  /** The dataset object (validated), or `dataFile`: a dataset file in the preset's format. */
  data?: object | undefined;
  dataFile?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  /** Pitfall switches of the preset's emulator (override the dataset's `pitfalls`). */
  pitfalls?: Record<string, unknown> | undefined;
}

export interface SoapErpEmulator {
  /** The `baseUrl` to give the preset's connection. */
  url: string;
  close(): Promise<void>;
  calls: unknown[];
}

/** The pitfall switches of each preset's emulator, for help texts. */
export const SOAP_ERP_PITFALLS: Record<SoapErpEmulatorPreset, readonly string[]> = {
  'sap-bapi': SAP_PITFALLS,
  'dynamics-nav': Object.keys(navPitfallsSchema.shape),
};

function checkPitfalls(preset: SoapErpEmulatorPreset, pitfalls: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (pitfalls === undefined) return undefined;
  const parsed = (preset === 'sap-bapi' ? sapPitfallsSchema : navPitfallsSchema).safeParse(pitfalls);
  if (!parsed.success) {
    throw new Error(
      `invalid ${preset} pitfalls: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')} (known: ${SOAP_ERP_PITFALLS[preset].join(', ')})`,
    );
  }
  return parsed.data;
}

export async function startSoapErpEmulator(options: SoapErpEmulatorOptions): Promise<SoapErpEmulator> {
  const common = {
    ...(options.data !== undefined ? { data: options.data } : {}),
    ...(options.dataFile !== undefined ? { dataFile: options.dataFile } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  };
  switch (options.preset) {
    case 'sap-bapi':
      return startSapEmulator({ ...common, pitfalls: checkPitfalls('sap-bapi', options.pitfalls) });
    case 'dynamics-nav':
      return startNavEmulator({ ...common, pitfalls: checkPitfalls('dynamics-nav', options.pitfalls) } as Parameters<typeof startNavEmulator>[0]);
    default:
      throw new Error(`unknown SOAP ERP emulator preset '${String(options.preset)}' (expected ${SOAP_ERP_EMULATOR_PRESETS.join(' or ')})`);
  }
}

/**
 * Pitfall switches from command-line words: `soap12` (on), `nilDueDate=A,B` (a list),
 * `returnError=BAPI_CUSTOMER_GETLIST:message` (SAP: a RETURN error on that operation),
 * `faultPage=Customer` (NAV: a text). Validated by `startSoapErpEmulator`.
 */
export function parsePitfallWords(words: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    const name = (eq < 0 ? word : word.slice(0, eq)).trim();
    const value = eq < 0 ? undefined : word.slice(eq + 1);
    if (name === '') throw new Error(`empty pitfall name in '${word}'`);
    if (name === 'returnError') {
      const colon = value?.indexOf(':') ?? -1;
      if (value === undefined || colon <= 0) throw new Error(`give returnError=OPERATION:message, e.g. returnError=BAPI_CUSTOMER_GETLIST:Not authorized`);
      out.returnError = { ...(out.returnError as Record<string, string> | undefined), [value.slice(0, colon)]: value.slice(colon + 1) };
    } else if (value === undefined || value === 'true') out[name] = true;
    else if (value === 'false') out[name] = false;
    else if (name === 'faultPage') out[name] = value;
    else out[name] = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  }
  return out;
}
