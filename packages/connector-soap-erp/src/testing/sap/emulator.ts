/**
 * A SAP system as SOAMANAGER exposes its BAPIs over SOAP, for tests and demos: a real SOAP server
 * (the `soap` package's `listen` on a node http server) publishing one RFC-shaped WSDL per function
 * module at `/sap/bc/srt/rfc/sap/<service>/<client>/<service>/<binding>` (`?wsdl` for the WSDL,
 * whose address names an internal host, so clients must override the endpoint), HTTP basic auth,
 * business errors as RETURN rows (never faults), unknown input as SOAP faults, and switches for
 * the pitfalls of real installations (see `SapPitfalls`).
 */
import { refuseSoap11 } from '../soap12.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { addDecimal, todayIso } from '@cesce-connect/core';
import { loadSapDataset, parseSapDataset, type SapArItem, type SapBillingDocument, type SapCustomer, type SapDataset, type SapPitfalls } from './dataset.js';
import { FUNCTION_MODULES, STRUCTURES, sapWsdl, servicePath, type FunctionModule } from './wsdl.js';

export interface SapEmulatorOptions {
  /** The dataset (validated), or a `sap-dataset.json` file. */
  data?: object | undefined;
  dataFile?: string | undefined;
  host?: string | undefined;
  /** 0 (default) = a free port. */
  port?: number | undefined;
  /** Overrides the dataset's `pitfalls`, switch by switch. */
  pitfalls?: SapPitfalls | undefined;
}

export interface SapEmulatorCall {
  operation: string;
  path: string;
  args: Record<string, unknown>;
}

export interface SapEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (the preset's `{{baseUrl}}`). */
  url: string;
  close(): Promise<void>;
  /** Every operation called, in order. */
  calls: SapEmulatorCall[];
  /** Service paths by function module name. */
  paths: Record<string, string>;
  dataset: SapDataset;
}

/** The SAP pitfall switches, for help texts. */
export const SAP_PITFALLS = ['nilDueDate', 'soap12', 'latin1', 'returnError', 'omitEmptyTables', 'requireOutputTables'] as const;

type Row = Record<string, unknown>;
type Args = Record<string, unknown>;

class SoapFault extends Error {
  constructor(readonly code: 'Client' | 'Server', message: string) {
    super(message);
  }
}

/** A row with every component of the structure, in DDIC order; missing values are empty (dates 0000-00-00). */
function row(structure: string, values: Row): Row {
  const out: Row = {};
  for (const [name, type] of STRUCTURES[structure]!) {
    const v = values[name];
    out[name] = v === undefined ? (type === 'date10' ? '0000-00-00' : type === 'curr23.4' || type === 'int' ? '0' : '') : v;
  }
  return out;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
/** ALPHA input conversion: numeric keys are zero-padded to 10. */
const alpha = (v: unknown): string => {
  const t = text(v);
  return /^\d{1,10}$/.test(t) ? t.padStart(10, '0') : t;
};
/** The rows of a table parameter as parsed by node-soap: `{ item: row | row[] }`, `''` or missing. */
function tableRows(v: unknown): Row[] {
  if (!v || typeof v !== 'object') return [];
  const item = (v as Row).item;
  if (item === undefined || item === null || item === '') return [];
  return (Array.isArray(item) ? item : [item]).filter((r): r is Row => !!r && typeof r === 'object');
}

interface Range {
  sign: string;
  option: string;
  low: string;
  high: string;
}

function rangeMatches(value: string, ranges: Range[]): boolean {
  if (ranges.length === 0) return true;
  const one = (r: Range): boolean => {
    switch (r.option) {
      case 'EQ':
        return value === r.low;
      case 'NE':
        return value !== r.low;
      case 'BT':
        return value >= r.low && value <= r.high;
      case 'NB':
        return !(value >= r.low && value <= r.high);
      case 'GE':
        return value >= r.low;
      case 'GT':
        return value > r.low;
      case 'LE':
        return value <= r.low;
      case 'LT':
        return value < r.low;
      case 'CP': {
        const re = new RegExp(`^${r.low.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
        return re.test(value);
      }
      default:
        throw new SoapFault('Client', `Invalid range option '${r.option}' (expected EQ, NE, BT, NB, GE, GT, LE, LT, CP)`);
    }
  };
  const included = ranges.filter((r) => r.sign !== 'E');
  const excluded = ranges.filter((r) => r.sign === 'E');
  return (included.length === 0 || included.some(one)) && !excluded.some(one);
}

function range(r: Row, low: string, high: string, convert: (v: unknown) => string): Range {
  const sign = text(r.SIGN) || 'I';
  if (sign !== 'I' && sign !== 'E') throw new SoapFault('Client', `Invalid range sign '${sign}' (expected I or E)`);
  return { sign, option: text(r.OPTION) || 'EQ', low: convert(r[low]), high: convert(r[high]) };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function dateArg(args: Args, name: string, fallback: string): string {
  const v = text(args[name]);
  if (v === '') return fallback;
  if (!DATE.test(v)) throw new SoapFault('Client', `Deserialization failed: value '${v}' of element ${name} is not a date (YYYY-MM-DD)`);
  return v;
}

interface Outcome {
  /** Output parameters (structures and simple values). */
  exporting: Row;
  /** Output tables' rows. */
  tables: Record<string, Row[]>;
}

export async function startSapEmulator(options: SapEmulatorOptions = {}): Promise<SapEmulator> {
  const raw = options.data ?? (options.dataFile ? undefined : null);
  if (raw === null) throw new Error('the SAP emulator needs a dataset: give data or dataFile');
  const dataset = raw !== undefined ? parseSapDataset(raw) : loadSapDataset(options.dataFile!);
  const pitfalls: SapPitfalls = { ...dataset.pitfalls, ...options.pitfalls };
  const calls: SapEmulatorCall[] = [];
  const customers = new Map(dataset.customers.map((c) => [c.KUNNR, c]));
  const docs = new Map(dataset.billingDocuments.map((b) => [b.BILLINGDOC, b]));
  const companyCode = dataset.companyCode;

  const nilDue = (item: SapArItem): boolean =>
    item.BLINE_DATE === null ||
    pitfalls.nilDueDate === true ||
    (Array.isArray(pitfalls.nilDueDate) && [item.BILL_DOC, item.DOC_NO].some((k) => k !== undefined && (pitfalls.nilDueDate as string[]).includes(k)));

  const customerAddress = (c: SapCustomer): Row =>
    row('BAPICUSTOMER_04', {
      CUSTOMER: c.KUNNR,
      NAME: c.NAME,
      NAME_2: c.NAME_2,
      STREET: c.STREET,
      CITY: c.CITY,
      POSTL_COD1: c.POSTL_COD1,
      REGION: c.REGION,
      COUNTRY: c.COUNTRY,
      COUNTRYISO: c.COUNTRY,
      LANGU: c.LANGU,
      TEL1_NUMBR: c.TEL1_NUMBR,
      E_MAIL: c.E_MAIL,
      SORT1: c.SORT1,
    });
  const billingRow = (b: SapBillingDocument): Row =>
    row('BAPIVBRKOUT', {
      ...b,
      CURRENCY_ISO: b.CURRENCY,
      BILLCATEG: '',
      ACCTSTATUS: b.ACCTSTATUS ?? '',
      CANCELLED: b.CANCELLED ?? '',
      SOLD_TO: b.SOLD_TO ?? b.PAYER,
      GROSS_VALUE: addDecimal(b.NET_VALUE, b.TAX_VALUE),
    });
  const itemRow = (a: SapArItem): Row =>
    row('BAPI3007_2', { ...a, COMP_CODE: companyCode, ITEM_NUM: a.ITEM_NUM ?? '001', SP_GL_IND: '', BLINE_DATE: nilDue(a) ? null : a.BLINE_DATE });

  /** A RETURN row of type E in the operation's RETURN structure. */
  const errorRow = (structure: string, id: string, number: string, message: string, v1 = ''): Row =>
    structure === 'BAPIRETURN'
      ? row(structure, { TYPE: 'E', CODE: `${id}${number}`, MESSAGE: message, MESSAGE_V1: v1 })
      : row(structure, { TYPE: 'E', ID: id, NUMBER: number, MESSAGE: message, MESSAGE_V1: v1, ...(structure === 'BAPIRET2' ? { SYSTEM: 'PRDCLNT100' } : {}) });

  const implementations: Record<string, (args: Args, fail: (id: string, number: string, message: string, v1?: string) => Outcome) => Outcome> = {
    BAPI_CUSTOMER_GETLIST(args) {
      const ranges = tableRows(args.IDRANGE).map((r) => range(r, 'LOW', 'HIGH', alpha));
      const max = Number(text(args.MAXROWS) || '0');
      let rows = dataset.customers.filter((c) => rangeMatches(c.KUNNR, ranges)).sort((a, b) => a.KUNNR.localeCompare(b.KUNNR));
      if (max > 0) rows = rows.slice(0, max);
      return {
        exporting: {},
        tables: {
          ADDRESSDATA: rows.map((c) =>
            row('BAPICUSTOMER_ADDRESSDATA', { CUSTOMER: c.KUNNR, SORT1: c.SORT1, NAME: c.NAME, CITY: c.CITY, POSTL_COD1: c.POSTL_COD1, STREET: c.STREET, COUNTRY: c.COUNTRY, COUNTRYISO: c.COUNTRY, REGION: c.REGION, LANGU: c.LANGU, TEL1_NUMBR: c.TEL1_NUMBR }),
          ),
          SPECIALDATA: rows.map((c) => row('BAPICUSTOMER_SPECIALDATA', { CUSTOMER: c.KUNNR, CENTRAL_DEL_FLAG: c.DEL_FLAG ?? '' })),
        },
      };
    },
    BAPI_CUSTOMER_GETDETAIL2(args, fail) {
      const kunnr = alpha(args.CUSTOMERNO);
      const c = customers.get(kunnr);
      if (!c) return fail('F2', '163', `Customer ${kunnr} does not exist`, kunnr);
      const bukrs = text(args.COMPANYCODE);
      if (bukrs !== '' && bukrs !== companyCode) return fail('F2', '165', `Customer ${kunnr} has not been created for company code ${bukrs}`, kunnr);
      return {
        exporting: {
          CUSTOMERADDRESS: customerAddress(c),
          CUSTOMERCOMPANYDETAIL: row('BAPICUSTOMER_05', bukrs === '' ? {} : { PMNTTRMS: c.PMNTTRMS, RECON_ACCT: '0000430000', SORT_KEY: '009' }),
          CUSTOMERGENERALDETAIL: row('BAPICUSTOMER_KNA1', { ACCNT_GRP: 'KUNA', DEL_FLAG: c.DEL_FLAG ?? '', STCD1: c.STCD1, STCD2: c.STCD2, STCEG: c.STCEG, ZZ_CESCE_LIMIT: c.ZZ_CESCE_LIMIT ?? '0.00' }),
        },
        tables: {},
      };
    },
    BAPI_BILLINGDOC_GETLIST(args) {
      const refRanges = args.REFDOCRANGE && typeof args.REFDOCRANGE === 'object' ? [range(args.REFDOCRANGE as Row, 'REF_DOC_LOW', 'REF_DOC_HIGH', alpha)] : [];
      const dateRanges = args.BILLDATERANGE && typeof args.BILLDATERANGE === 'object' ? [range(args.BILLDATERANGE as Row, 'BILL_DATE_LOW', 'BILL_DATE_HIGH', text)] : [];
      for (const r of dateRanges) {
        for (const v of r.option === 'BT' ? [r.low, r.high] : [r.low]) {
          if (!DATE.test(v)) throw new SoapFault('Client', `Deserialization failed: value '${v}' in BILLDATERANGE is not a date (YYYY-MM-DD)`);
        }
      }
      const payer = alpha(args.PAYER);
      const max = Number(text(args.MAXROWS) || '0');
      let rows = dataset.billingDocuments
        .filter((b) => rangeMatches(b.BILLINGDOC, refRanges) && rangeMatches(b.BILL_DATE, dateRanges) && (payer === '' || b.PAYER === payer))
        .sort((a, b) => a.BILLINGDOC.localeCompare(b.BILLINGDOC));
      if (max > 0) rows = rows.slice(0, max);
      return { exporting: {}, tables: { BILLINGDOCUMENTDETAIL: rows.map(billingRow), RETURN: [] } };
    },
    BAPI_BILLINGDOC_GETDETAIL(args, fail) {
      const vbeln = alpha(args.BILLINGDOCUMENT);
      const b = docs.get(vbeln);
      if (!b) return fail('VF', '017', `Billing document ${vbeln} does not exist`, vbeln);
      return { exporting: { BILLINGDOCUMENTDETAIL: billingRow(b) }, tables: {} };
    },
    BAPI_AR_ACC_GETOPENITEMS(args, fail) {
      const kunnr = alpha(args.CUSTOMER);
      if (text(args.COMPANYCODE) !== companyCode) return fail('FN', '001', `Company code ${text(args.COMPANYCODE)} does not exist`, text(args.COMPANYCODE));
      if (!customers.has(kunnr)) return fail('F2', '163', `Customer ${kunnr} does not exist`, kunnr);
      const keyDate = dateArg(args, 'KEYDATE', todayIso());
      const items = dataset.arItems.filter((a) => a.CUSTOMER === kunnr && a.PSTNG_DATE <= keyDate && (a.CLEAR_DATE === undefined || a.CLEAR_DATE > keyDate));
      // At the key date an item cleared later is still open: it carries no clearing data.
      return { exporting: {}, tables: { LINEITEMS: items.map((a) => itemRow({ ...a, CLEAR_DATE: undefined, CLR_DOC_NO: undefined })) } };
    },
    BAPI_AR_ACC_GETBALANCEDITEMS(args, fail) {
      const kunnr = alpha(args.CUSTOMER);
      if (text(args.COMPANYCODE) !== companyCode) return fail('FN', '001', `Company code ${text(args.COMPANYCODE)} does not exist`, text(args.COMPANYCODE));
      if (!customers.has(kunnr)) return fail('F2', '163', `Customer ${kunnr} does not exist`, kunnr);
      const from = dateArg(args, 'DATE_FROM', '0001-01-01');
      const to = dateArg(args, 'DATE_TO', '9999-12-31');
      const items = dataset.arItems.filter((a) => a.CUSTOMER === kunnr && a.CLEAR_DATE !== undefined && a.CLEAR_DATE >= from && a.CLEAR_DATE <= to);
      return { exporting: {}, tables: { LINEITEMS: items.map(itemRow) } };
    },
  };

  /** The answer object: exporting parameters, then the tables (empty, omitted, or only those requested, per the pitfalls). */
  function answer(f: FunctionModule, args: Args, outcome: Outcome): Row {
    const out: Row = {};
    for (const p of [...f.exporting].sort((a, b) => a.name.localeCompare(b.name))) {
      const v = outcome.exporting[p.name];
      out[p.name] = v ?? ('structure' in p ? row(p.structure, {}) : '');
    }
    for (const p of f.tables) {
      if (!('table' in p)) continue;
      const rows = outcome.tables[p.name] ?? [];
      if (pitfalls.requireOutputTables && !Object.hasOwn(args, p.name)) continue;
      if (rows.length === 0 && pitfalls.omitEmptyTables) continue;
      out[p.name] = rows.length === 0 ? '' : { item: rows };
    }
    return out;
  }

  function handler(f: FunctionModule, path: string) {
    const known = new Set([...f.importing, ...f.tables].map((p) => p.name));
    const returnParam = [...f.exporting, ...f.tables].find((p) => p.name === 'RETURN');
    const returnStructure = returnParam && 'structure' in returnParam ? returnParam.structure : returnParam && 'table' in returnParam ? returnParam.table : 'BAPIRET2';
    const returnIsTable = !!returnParam && 'table' in returnParam;
    return (input: unknown): Row => {
      const args: Args = input && typeof input === 'object' ? { ...(input as Args) } : {};
      delete args.attributes;
      calls.push({ operation: f.name, path, args });
      try {
        for (const name of Object.keys(args)) {
          if (!known.has(name)) throw new SoapFault('Client', `Deserialization failed: element ${name} is not expected in ${f.name} (expected one of ${[...known].join(', ')})`);
        }
        const fail = (id: string, number: string, message: string, v1 = ''): Outcome => {
          const r = errorRow(returnStructure, id, number, message, v1);
          return returnIsTable ? { exporting: {}, tables: { RETURN: [r] } } : { exporting: { RETURN: r }, tables: {} };
        };
        const forced = pitfalls.returnError?.[f.name];
        const outcome = forced !== undefined ? fail('ZCESCE', '001', forced) : implementations[f.name]!(args, fail);
        return answer(f, args, outcome);
      } catch (error) {
        if (error instanceof SoapFault) throw { Fault: fault(error.code, error.message) };
        throw { Fault: fault('Server', `Internal error in ${f.name}: ${error instanceof Error ? error.message : String(error)}`) };
      }
    };
  }

  /** A SOAP fault as SAP's SOAP runtime writes it (1.1: faultcode/faultstring; 1.2: Code/Reason). */
  function fault(code: 'Client' | 'Server', message: string): Row {
    return pitfalls.soap12
      ? { Code: { Value: code === 'Client' ? 'soap:Sender' : 'soap:Receiver' }, Reason: { Text: message }, statusCode: 500 }
      : { faultcode: `soap:${code}`, faultstring: message, statusCode: 500 };
  }

  const users = new Map(dataset.users.map((u) => [u.username, u.password]));
  const checked = new WeakSet<IncomingMessage>();

  /** Basic auth (401 otherwise) and the answer's encoding and content type; once per request. */
  function authorize(req: IncomingMessage, res: ServerResponse): boolean {
    if (checked.has(req)) return true;
    checked.add(req);
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+(.+)$/i.exec(header);
    const [user, ...rest] = m ? Buffer.from(m[1]!, 'base64').toString('utf8').split(':') : [];
    if (!user || users.get(user) !== rest.join(':')) {
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', `Basic realm="SAP NetWeaver Application Server [PRD/${dataset.client}]"`);
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.write('<html><head><title>Logon Error Message</title></head><body><h1>Anmeldung fehlgeschlagen / Logon failed</h1></body></html>');
      return false;
    }
    if (pitfalls.soap12 && refuseSoap11(req, res)) return false;
    if (req.method === 'POST') encodeAnswer(res);
    return true;
  }

  /** Buffers the SOAP answer and sends it with SAP's content type, in ISO-8859-1 when `latin1` is on. */
  function encodeAnswer(res: ServerResponse): void {
    const chunks: string[] = [];
    const write = (chunk: unknown) => {
      if (chunk !== undefined && chunk !== null) chunks.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
      return true;
    };
    const end = res.end.bind(res);
    res.write = write as typeof res.write;
    res.end = ((chunk?: unknown) => {
      write(chunk);
      let body = chunks.join('');
      // node-soap writes xsi:nil without declaring the prefix; SAP declares it on the envelope.
      if (body.includes(' xsi:nil=') && !body.includes('xmlns:xsi=')) body = body.replace(/<soap:Envelope /, '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ');
      const type = pitfalls.soap12 ? 'application/soap+xml' : 'text/xml';
      if (pitfalls.latin1) {
        body = body.replace(/^<\?xml version="1.0" encoding="utf-8"\?>/, '<?xml version="1.0" encoding="ISO-8859-1"?>').replace(/[^\u0000-\u00ff]/gu, (ch) => `&#${ch.codePointAt(0)};`);
        res.setHeader('Content-Type', `${type}; charset=ISO-8859-1`);
        res.removeHeader('Transfer-Encoding');
        return end(Buffer.from(body, 'latin1'));
      }
      res.setHeader('Content-Type', `${type}; charset=utf-8`);
      return end(Buffer.from(body, 'utf8'));
    }) as typeof res.end;
  }

  const server = createServer((req, res) => {
    // Paths no service listens on: the ICF answers 404 (after the logon check above).
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<html><body><h1>404 Not Found</h1><p>Service cannot be reached: ${req.url?.split('?')[0] ?? ''}</p></body></html>`);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}`;

  const paths: Record<string, string> = {};
  for (const f of FUNCTION_MODULES) {
    const path = servicePath(f, dataset.client);
    paths[f.name] = path;
    const xml = sapWsdl(f, `${dataset.wsdlHost}${path}`, pitfalls.soap12);
    const services = { [f.service]: { [f.binding]: { [f.name]: handler(f, path) } } };
    await new Promise<void>((resolve, reject) => {
      const s = soap.listen(server, {
        path,
        services,
        xml,
        forceSoap12Headers: pitfalls.soap12 === true,
        envelopeKey: 'soap',
        suppressStack: true,
        callback: (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
      });
      s.authorizeConnection = authorize as unknown as typeof s.authorizeConnection;
    });
  }

  return {
    url,
    calls,
    paths,
    dataset,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
