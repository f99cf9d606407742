/**
 * A Dynamics NAV / Business Central page web services emulator: a real SOAP server (the `soap`
 * package's server on node:http) publishing the pages `Customer`, `PostedSalesInvoices`,
 * `PostedSalesCreditMemos` and `CustomerLedgerEntries` at
 * `/<instance>/WS/<Company URL-encoded>/Page/<Name>` (WSDL at the same URL with `?wsdl`), with
 * `Read`, `ReadMultiple` (filters, bookmark paging) and `IsUpdated`, over a dataset file.
 */
import { refuseSoap11 } from '../soap12.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { loadNavDataset, validateNavDataset, type NavDataset, type NavPitfalls } from './dataset.js';
import { compileCriteria, type NavValue } from './filter.js';
import { PAGES, pageWsdl, type NavPage } from './pages.js';

export type NavAuthMode = 'basic' | 'wsse' | 'none';

export interface NavEmulatorOptions {
  /** The dataset (validated); or `dataFile`. */
  data?: unknown;
  dataFile?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Added to (and overriding) the dataset's `pitfalls`. */
  pitfalls?: NavPitfalls;
  /** Overrides the dataset's `auth` (default `basic`). */
  auth?: NavAuthMode;
}

export interface NavEmulatorCall {
  page: string;
  operation: string;
  args: unknown;
  /** The authenticated user (never the password). */
  user: string | null;
}

export interface NavEmulator {
  /**
   * The company's web-service root, e.g. `http://127.0.0.1:41234/DynamicsNAV110/WS/CRONUS%20Espa%C3%B1a%20S.A.`:
   * what a config's `baseUrl` is for the `dynamics-nav` preset (pages at `{{baseUrl}}/Page/<Name>`).
   */
  url: string;
  /** `http://host:port`. */
  serverUrl: string;
  pageUrl(page: string): string;
  dataset: NavDataset;
  calls: NavEmulatorCall[];
  close(): Promise<void>;
}

const BLANK_DATE = '0001-01-01';
const WSSE_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';

type Row = Record<string, NavValue | null>;

/** NAV-like bookmark key: `<len>;<base64 of the primary key, UTF-16LE>;<version>;`. */
function makeKey(pk: string, version = 1): string {
  const b64 = Buffer.from(pk, 'utf16le').toString('base64');
  return `${b64.length};${b64};${version};`;
}
function keyToPk(key: string): string | null {
  const part = key.split(';')[1];
  if (!part || !/^[A-Za-z0-9+/=]+$/.test(part)) return null;
  return Buffer.from(part, 'base64').toString('utf16le');
}

class NavFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly sender = true,
  ) {
    super(message);
  }
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && '$value' in (v as object)) return String((v as { $value: unknown }).$value ?? '');
  return String(v);
}

function asArray<T>(v: T | T[] | undefined | null): T[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

/** The records of each page, with computed fields (names, remaining amounts) and `Key`, in field order. */
function buildRows(ds: NavDataset, pitfalls: NavPitfalls): Map<string, Row[]> {
  const names = new Map(ds.customers.map((c) => [c.No, c.Name]));
  const entryOf = new Map(ds.customerLedgerEntries.filter((e) => e.Document_Type === 'Invoice' || e.Document_Type === 'Credit_Memo').map((e) => [`${e.Document_Type}|${e.Document_No}`, e]));
  const selects = (sel: boolean | string[] | undefined, no: string) => sel === true || (Array.isArray(sel) && sel.includes(no));
  const out = new Map<string, Row[]>();
  for (const page of PAGES) {
    const source = ds[page.datasetKey] as unknown as Record<string, NavValue>[];
    const rows = source.map((rec) => {
      const extra: Row = {};
      if (page.datasetKey === 'postedSalesInvoices' || page.datasetKey === 'postedSalesCreditMemos') {
        const e = entryOf.get(`${page.datasetKey === 'postedSalesInvoices' ? 'Invoice' : 'Credit_Memo'}|${String(rec.No)}`);
        extra.Sell_to_Customer_Name = names.get(String(rec.Sell_to_Customer_No)) ?? '';
        extra.Bill_to_Name = names.get(String(rec.Bill_to_Customer_No)) ?? '';
        // Page 143/144 show the remaining amount unsigned, and Closed from the ledger entry.
        extra.Remaining_Amount = e ? e.Remaining_Amount.replace(/^-/, '') : '0';
        extra.Closed = e ? !e.Open : false;
        if (selects(pitfalls.blankDates, String(rec.No))) extra.Due_Date = BLANK_DATE;
        if (selects(pitfalls.nilDueDate, String(rec.No))) extra.Due_Date = null;
      }
      const row: Row = { Key: makeKey(String(rec[page.key])) };
      for (const f of page.fields) row[f.name] = f.name in extra ? extra[f.name]! : (rec[f.name] ?? '');
      return row;
    });
    rows.sort((a, b) =>
      page.key === 'Entry_No' ? Number(a[page.key]) - Number(b[page.key]) : String(a[page.key]) < String(b[page.key]) ? -1 : String(a[page.key]) > String(b[page.key]) ? 1 : 0,
    );
    out.set(page.name, rows);
  }
  return out;
}

export async function startNavEmulator(options: NavEmulatorOptions = {}): Promise<NavEmulator> {
  const dataset =
    options.data !== undefined ? validateNavDataset(options.data) : options.dataFile ? loadNavDataset(options.dataFile) : null;
  if (!dataset) throw new Error('startNavEmulator: give `data` or `dataFile`');
  const pitfalls: NavPitfalls = { ...dataset.pitfalls, ...options.pitfalls };
  const auth: NavAuthMode = options.auth ?? dataset.auth;
  const soap12 = pitfalls.soap12 === true;
  const rows = buildRows(dataset, pitfalls);
  const calls: NavEmulatorCall[] = [];

  const server = createServer();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Not found: no page web service is published at this address');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const serverUrl = `http://${host}:${address.port}`;
  const companyPath = `/${dataset.instance}/WS/${encodeURIComponent(dataset.company.name)}`;
  const url = `${serverUrl}${companyPath}`;
  const pageUrl = (name: string) => `${url}/Page/${name}`;

  const fault = (f: NavFault) => {
    if (soap12) {
      return { Fault: { Code: { Value: f.sender ? 'soap:Sender' : 'soap:Receiver' }, Reason: { Text: f.message }, Detail: { string: f.message }, statusCode: 500 } };
    }
    return {
      Fault: {
        faultcode: { attributes: { 'xmlns:a': 'urn:microsoft-dynamics-schemas/error' }, $value: `a:${f.code}` },
        faultstring: f.message,
        detail: { string: f.message },
        statusCode: 500,
      },
    };
  };

  /** WS-Security UsernameToken check (auth `wsse`): PasswordText or PasswordDigest. */
  const checkWsse = (headers: Record<string, unknown> | undefined): string => {
    const security = headers?.Security as Record<string, unknown> | undefined;
    if (!security) throw new NavFault('Microsoft.Dynamics.Nav.Types.NavSecurityException', 'wsse:InvalidSecurity: the message has no WS-Security header');
    if (pitfalls.rejectTimestamp && security.Timestamp !== undefined) {
      throw new NavFault('Microsoft.Dynamics.Nav.Types.NavSecurityException', 'wsse:InvalidSecurityToken: wsu:Timestamp is not accepted by this service');
    }
    const token = security.UsernameToken as Record<string, unknown> | undefined;
    const username = text(token?.Username);
    const pwNode = token?.Password as { attributes?: { Type?: string } } | string | undefined;
    const password = text(pwNode);
    const type = typeof pwNode === 'object' ? (pwNode.attributes?.Type ?? '') : '';
    const user = dataset.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
    const ok =
      user !== undefined &&
      (type === WSSE_DIGEST ? soap.passwordDigest(text(token?.Nonce), text(token?.Created), user.password) === password : user.password === password);
    if (!ok) throw new NavFault('Microsoft.Dynamics.Nav.Types.NavSecurityException', 'wsse:FailedAuthentication: the user name or password is not valid');
    return user.username;
  };

  const basicUser = (req: IncomingMessage): string | null => {
    const m = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return null;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    const [name, pass] = [decoded.slice(0, i), decoded.slice(i + 1)];
    // NAV accepts DOMAIN\user or user.
    const user = dataset.users.find((u) => u.username.toLowerCase() === name.replace(/^.*\\/, '').toLowerCase() && u.password === pass);
    return i < 0 || !user ? null : user.username;
  };

  const readMultiple = (page: NavPage, args: Record<string, unknown>): Row[] => {
    let list = rows.get(page.name)!;
    for (const f of asArray(args.filter as Record<string, unknown> | Record<string, unknown>[])) {
      const fieldName = text(f.Field);
      const field = page.fields.find((x) => x.name === fieldName);
      if (!field) throw new NavFault('Microsoft.Dynamics.Nav.Service.WebServices.ServiceBrokerException', `The field '${fieldName}' is not found on page ${page.name}.`);
      let pred: (v: NavValue) => boolean;
      try {
        pred = compileCriteria(field.type, text(f.Criteria));
      } catch (error) {
        throw new NavFault('Microsoft.Dynamics.Nav.Types.Exceptions.NavNCLInvalidFilterExpressionException', `Invalid filter on ${fieldName}: ${(error as Error).message}`);
      }
      // Filters apply to the stored value (a nil/blank pitfall only changes the answer's text).
      list = list.filter((r) => pred(r[fieldName] ?? BLANK_DATE));
    }
    const setSize = Number(text(args.setSize) || '0');
    if (!Number.isInteger(setSize)) throw new NavFault('Microsoft.Dynamics.Nav.Service.WebServices.ServiceBrokerException', `setSize '${text(args.setSize)}' is not an integer`);
    const ordered = setSize < 0 ? [...list].reverse() : list;
    const bookmark = text(args.bookmarkKey);
    let start = 0;
    if (bookmark) {
      const pk = keyToPk(bookmark);
      if (pk === null) throw new NavFault('Microsoft.Dynamics.Nav.Types.Exceptions.NavCSideException', `The bookmark key '${bookmark}' is not valid.`);
      const cmp = (r: Row) => (page.key === 'Entry_No' ? Number(r[page.key]) - Number(pk) : String(r[page.key]) < pk ? -1 : String(r[page.key]) > pk ? 1 : 0);
      start = ordered.findIndex((r) => (setSize < 0 ? cmp(r) < 0 : cmp(r) > 0));
      if (start < 0) start = ordered.length;
    }
    let size = Math.abs(setSize) || ordered.length;
    if (pitfalls.singleRecordPages) size = 1;
    return ordered.slice(start, start + size);
  };

  const services: Record<string, Record<string, Record<string, unknown>>> = {};
  const listeners: Promise<void>[] = [];
  for (const page of PAGES) {
    const handle =
      (operation: string, run: (args: Record<string, unknown>) => unknown) =>
      (args: Record<string, unknown>, _cb: unknown, headers: Record<string, unknown> | undefined, req: IncomingMessage & { navUser?: string | null }) => {
        let user = req.navUser ?? null;
        try {
          if (auth === 'wsse') user = checkWsse(headers);
          calls.push({ page: page.name, operation, args: structuredClone(args ?? {}), user });
          if (pitfalls.faultPage === page.name) {
            throw new NavFault('Microsoft.Dynamics.Nav.Types.Exceptions.NavPermissionException', `You do not have the following permissions on page ${page.name}: Read`);
          }
          return run(args ?? {});
        } catch (error) {
          if (error instanceof NavFault) throw fault(error);
          throw fault(new NavFault('Microsoft.Dynamics.Nav.Types.Exceptions.NavCSideException', (error as Error).message, false));
        }
      };
    const P = page.name;
    services[`${P}_Service`] = {
      [`${P}_Port`]: {
        Read: handle('Read', (args) => {
          const id = text(args[page.key]);
          const row = rows.get(P)!.find((r) => String(r[page.key]) === id);
          return row ? { [P]: row } : {};
        }),
        ReadMultiple: handle('ReadMultiple', (args) => {
          const found = readMultiple(page, args);
          return { ReadMultiple_Result: found.length > 0 ? { [P]: found } : {} };
        }),
        IsUpdated: handle('IsUpdated', (args) => {
          const key = text(args.Key);
          const pk = keyToPk(key);
          const row = pk === null ? undefined : rows.get(P)!.find((r) => String(r[page.key]) === pk);
          return { IsUpdated_Result: row === undefined || row.Key !== key };
        }),
      },
    };
    listeners.push(
      new Promise<void>((resolve, reject) => {
        const listening: soap.Server = soap.listen(server, {
          path: `${companyPath}/Page/${P}`,
          services: { [`${P}_Service`]: services[`${P}_Service`]! } as soap.IServices,
          xml: pageWsdl(page, pageUrl(P), soap12),
          forceSoap12Headers: soap12,
          enableChunkedEncoding: false,
          suppressStack: true,
          callback: (err: unknown) => {
            if (err) return reject(err instanceof Error ? err : new Error(String(err)));
            // NAV declares xsi on the envelope (xsi:nil needs it); node-soap only declares the WSDL's namespaces.
            const wsdl = (listening as unknown as { wsdl: { xmlnsInEnvelope: string } }).wsdl;
            if (!wsdl.xmlnsInEnvelope.includes('xmlns:xsi=')) wsdl.xmlnsInEnvelope += ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`;
            resolve();
          },
        });
      }),
    );
  }
  await Promise.all(listeners);

  // Front door: canonical path encoding, HTTP basic auth, and the answer's charset.
  const soapListeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage & { navUser?: string | null }, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', serverUrl);
    try {
      u.pathname = u.pathname
        .split('/')
        .map((seg) => encodeURIComponent(decodeURIComponent(seg)))
        .join('/');
    } catch {
      /* leave malformed escapes as they are: 404 */
    }
    req.url = u.pathname + u.search;
    if (auth === 'basic') {
      const user = basicUser(req);
      if (!user) {
        res.statusCode = 401;
        res.setHeader('WWW-Authenticate', 'Basic realm=""');
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('401 Unauthorized');
        return;
      }
      req.navUser = user;
    }
    if (soap12 && refuseSoap11(req, res)) {
      res.end();
      return;
    }
    if (pitfalls.latin1) latin1Answers(res, soap12);
    for (const l of soapListeners) l.call(server, req, res);
  });

  return {
    url,
    serverUrl,
    pageUrl,
    dataset,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Re-encodes the answer in ISO-8859-1 and says so in the Content-Type and the XML declaration. */
function latin1Answers(res: ServerResponse, soap12: boolean): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  const collect = (chunk: unknown) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), 'utf8'));
  };
  res.write = ((chunk: unknown) => {
    collect(chunk);
    return true;
  }) as typeof res.write;
  res.end = ((chunk?: unknown) => {
    collect(chunk);
    const body = Buffer.concat(chunks).toString('utf8').replace(/^<\?xml([^>]*?)encoding="utf-8"/i, '<?xml$1encoding="ISO-8859-1"');
    const type = String(res.getHeader('Content-Type') ?? '');
    if (/xml/i.test(type) || body.startsWith('<?xml')) {
      const base = type ? type.replace(/;\s*charset=[^;]*/i, '') : soap12 ? 'application/soap+xml' : 'text/xml';
      res.setHeader('Content-Type', `${base}; charset=ISO-8859-1`);
    }
    const bytes = Buffer.from(body, 'latin1');
    res.setHeader('Content-Length', bytes.length);
    void write;
    return end(bytes);
  }) as typeof res.end;
}
