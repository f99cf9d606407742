import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { loadOdooDataset, validateOdooDataset, withOdooVersion, type OdooDataset, type OdooDatasetRecord, type OdooUser } from './dataset.js';
import { asOdooFault, serverFault } from './faults.js';
import { serveJson2, serveJsonRpc, serveWebVersion } from './json-routes.js';
import { OdooDispatcher, type OdooEmulatorCall } from './dispatch.js';
export type { OdooEmulatorCall } from './dispatch.js';
import { OdooOrm } from './orm.js';
import { serializeFault, serializeResponse } from './wire.js';

/** `xmlrpc/lib/deserializer` (CommonJS, untyped): parses a `<methodCall>` from a stream. */
interface XmlRpcDeserializer {
  deserializeMethodCall(stream: NodeJS.ReadableStream, callback: (error: Error | null, method: string, params: unknown[]) => void): void;
}
const require = createRequire(import.meta.url);
const Deserializer = require('xmlrpc/lib/deserializer') as new () => XmlRpcDeserializer;

export interface OdooEmulatorOptions {
  /** The data to serve (takes precedence over `dataFile`). */
  dataset?: OdooDataset | undefined;
  /** A dataset JSON file (see README, "Dataset format"). */
  dataFile?: string | undefined;
  /** Default 127.0.0.1. */
  host?: string | undefined;
  /** Default 0 (a free port). */
  port?: number | undefined;
  /** Overrides the dataset's Odoo version (14.0 to 19.x); the dataset is validated against it. */
  version?: string | undefined;
  /** Make every API route answer HTML instead, to test clients' protocol errors (see `OdooHtmlAnswer`). */
  htmlAnswer?: OdooHtmlAnswer | undefined;
}

/**
 * What a misconfigured deployment answers on the API routes: a reverse proxy's 502 page, an
 * http → https redirect (301 to the same path on https), or Odoo's login page (HTTP 200).
 */
export type OdooHtmlAnswer = 'proxy-502' | 'redirect-https' | 'login-page';

export interface OdooEmulator {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
  /** A copy of the current records of a model, writes included. */
  records(model: string): OdooDatasetRecord[];
  /** Every call received so far, in order (clear it with `calls.length = 0`). */
  calls: OdooEmulatorCall[];
  /** The users, live: change a password or remove an API key to simulate a revoked credential. */
  users: OdooUser[];
  /** Settable at any time; undefined serves the API normally. */
  htmlAnswer: OdooHtmlAnswer | undefined;
  /** Test hook: adds a record as an Odoo user would (create_date/write_date = the clock unless given); returns it. */
  insert(model: string, record: Record<string, unknown>): OdooDatasetRecord;
  /** Test hook: changes a record, stamping write_date (the clock) unless `vals` has one; returns it. */
  update(model: string, id: number, vals: Record<string, unknown>): OdooDatasetRecord;
  /** Test hook: the clock of write_date/create_date, e.g. `() => '2026-11-30 10:00:00'`; no argument = real UTC time. */
  setClock(clock?: () => string): void;
}

function html(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>\n`;
}

const LOGIN_PAGE = html('Odoo', '<form action="/web/login" method="post"><input name="login"/><input name="password" type="password"/></form>');

/** The HTML a misconfigured deployment answers on an API route. */
function answerHtml(mode: OdooHtmlAnswer, req: http.IncomingMessage, res: http.ServerResponse): void {
  switch (mode) {
    case 'proxy-502':
      res.writeHead(502, { 'Content-Type': 'text/html', Server: 'nginx' });
      res.end('<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n');
      return;
    case 'redirect-https':
      res.writeHead(301, { 'Content-Type': 'text/html', Location: `https://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, Server: 'nginx' });
      res.end('<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n');
      return;
    case 'login-page':
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(LOGIN_PAGE);
      return;
  }
}

/**
 * The emulator's request counter (not an Odoo route): `GET` answers `{ total, byMethod }`, the RPC
 * calls received so far (`res.partner.search_read`, `common.authenticate`…), e.g. for the benchmark.
 */
export const CALL_COUNTS_PATH = '/_emulator/calls';

const API_ROUTE = /^\/(xmlrpc\/|jsonrpc$|json\/2\/|web\/version$)/;

/**
 * Starts an Odoo server over a dataset, speaking the external API of the dataset's version:
 * XML-RPC (`/xmlrpc/2/common`, `/xmlrpc/2/object`) and JSON-RPC (`/jsonrpc`) on every version,
 * plus JSON-2 (`/json/2/<model>/<method>`, `GET /web/version`) from Odoo 19 on.
 */
export async function startOdooEmulator(options: OdooEmulatorOptions = {}): Promise<OdooEmulator> {
  const dataset = options.dataset
    ? validateOdooDataset(options.version ? withOdooVersion(structuredClone(options.dataset), options.version) : structuredClone(options.dataset))
    : options.dataFile
      ? loadOdooDataset(options.dataFile, options.version)
      : null;
  if (!dataset) throw new Error('startOdooEmulator needs a dataset or a dataFile');
  const orm = new OdooOrm(dataset);
  const dispatcher = new OdooDispatcher(dataset, orm);

  function answer(res: http.ServerResponse, body: string): void {
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  function dispatch(service: 'common' | 'object', method: string, params: unknown[]): string {
    try {
      const result = service === 'common' ? dispatcher.common(method, params, 'xmlrpc') : dispatcher.object(method, params, 'xmlrpc');
      return serializeResponse(result);
    } catch (err) {
      const fault = asOdooFault(err);
      return serializeFault(fault.faultCode, fault.faultString);
    }
  }

  const emulator = { htmlAnswer: options.htmlAnswer };

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const fail = (err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(err));
    };
    if (path === CALL_COUNTS_PATH && req.method === 'GET') {
      // The emulator's own counter (no Odoo route): the calls answered so far, by service and method.
      const byMethod: Record<string, number> = {};
      for (const c of dispatcher.calls) {
        const name = c.service === 'object' ? `${c.model}.${c.method}` : `common.${c.method}`;
        byMethod[name] = (byMethod[name] ?? 0) + 1;
      }
      const body = JSON.stringify({ total: dispatcher.calls.length, byMethod });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    if (emulator.htmlAnswer && API_ROUTE.test(path)) {
      answerHtml(emulator.htmlAnswer, req, res);
      return;
    }
    if (path === '/jsonrpc' && req.method === 'POST') {
      serveJsonRpc(req, res, dispatcher).catch(fail);
      return;
    }
    if (dispatcher.major >= 19) {
      if (path === '/web/version' && req.method === 'GET') {
        serveWebVersion(res, dispatcher);
        return;
      }
      const json2 = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(path);
      if (json2) {
        serveJson2(req, res, dispatcher, decodeURIComponent(json2[1]!), decodeURIComponent(json2[2]!)).catch(fail);
        return;
      }
    }
    const match = /^\/xmlrpc\/2\/(common|object)$/.exec(path);
    if (match) {
      if (req.method !== 'POST') {
        res.writeHead(405, { 'Content-Type': 'text/html; charset=utf-8', Allow: 'POST' });
        res.end(html('405 Method Not Allowed', '<h1>Method Not Allowed</h1><p>The method is not allowed for the requested URL.</p>'));
        return;
      }
      const service = match[1] as 'common' | 'object';
      new Deserializer().deserializeMethodCall(req, (error, method, params) => {
        if (error) {
          answer(res, serializeFault(1, serverFault(`xml.parsers.expat.ExpatError: ${error.message}`).faultString));
          return;
        }
        answer(res, dispatch(service, method, params ?? []));
      });
      return;
    }
    if (path === '/' || path === '/web' || path.startsWith('/web/')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(LOGIN_PAGE);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html('404 Not Found', '<h1>Not Found</h1><p>The requested URL was not found on the server.</p>'));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return Object.assign(emulator, {
    url: `http://${host}:${address.port}`,
    calls: dispatcher.calls,
    users: dispatcher.users,
    records: (model: string) => orm.snapshot(model),
    insert: (model: string, record: Record<string, unknown>) => orm.insert(model, record),
    update: (model: string, id: number, vals: Record<string, unknown>) => orm.update(model, id, vals),
    setClock: (clock?: () => string) => orm.setClock(clock),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  });
}
