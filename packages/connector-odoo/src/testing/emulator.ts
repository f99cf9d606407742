import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { loadOdooDataset, validateOdooDataset, type OdooDataset, type OdooDatasetRecord, type OdooUser } from './dataset.js';
import { OdooFault, serverFault } from './faults.js';
import { OdooDispatcher, type OdooEmulatorCall } from './dispatch.js';
export type { OdooEmulatorCall } from './dispatch.js';
import { OdooOrm } from './orm.js';
import { MarshalError, serializeFault, serializeResponse } from './wire.js';

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
}

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
}

function html(title: string, body: string): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>\n`;
}

/** Starts an Odoo 17 XML-RPC server (`/xmlrpc/2/common`, `/xmlrpc/2/object`) over a dataset. */
export async function startOdooEmulator(options: OdooEmulatorOptions = {}): Promise<OdooEmulator> {
  const dataset = options.dataset
    ? validateOdooDataset(structuredClone(options.dataset))
    : options.dataFile
      ? loadOdooDataset(options.dataFile)
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
      const result = service === 'common' ? dispatcher.common(method, params) : dispatcher.object(method, params);
      return serializeResponse(result);
    } catch (err) {
      if (err instanceof OdooFault) return serializeFault(err.faultCode, err.faultString);
      if (err instanceof MarshalError) return serializeFault(1, serverFault(`TypeError: ${err.message}`).faultString);
      const e = err as Error;
      return serializeFault(1, serverFault(`Exception: ${e?.message ?? String(err)}`).faultString);
    }
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
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
      res.end(html('Odoo', '<form action="/web/login" method="post"><input name="login"/><input name="password" type="password"/></form>'));
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

  return {
    url: `http://${host}:${address.port}`,
    calls: dispatcher.calls,
    users: dispatcher.users,
    records: (model: string) => orm.snapshot(model),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
