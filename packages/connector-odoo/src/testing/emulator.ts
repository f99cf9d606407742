import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { loadOdooDataset, validateOdooDataset, type OdooDataset, type OdooDatasetRecord, type OdooUser } from './dataset.js';
import { accessDenied, accessError, databaseMissing, OdooFault, serverFault } from './faults.js';
import { OdooOrm, type OrmEnv } from './orm.js';
import { pyRepr } from './domain.js';
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

/** One XML-RPC call received by the emulator (secrets replaced by "***"). */
export interface OdooEmulatorCall {
  service: 'common' | 'object';
  /** The RPC method (`authenticate`, `version`) or, for execute_kw, the ORM method (`search_read`). */
  method: string;
  model?: string;
  args: unknown[];
  kwargs?: Record<string, unknown>;
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

const NOT_IMPLEMENTED = new Set([
  'create',
  'unlink',
  'copy',
  'name_search',
  'name_create',
  'read_group',
  'web_search_read',
  'web_read',
  'default_get',
  'get_views',
  'onchange',
  'action_post',
  'button_draft',
  'button_cancel',
  'message_post',
]);

const SIGNATURES: Record<string, string[]> = {
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search: ['domain', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  read: ['ids', 'fields', 'load'],
  write: ['ids', 'vals'],
  fields_get: ['allfields', 'attributes'],
  check_access_rights: ['operation', 'raise_exception'],
};

function bind(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const params = SIGNATURES[method]!;
  if (args.length > params.length) {
    throw serverFault(`TypeError: ${model}.${method}() takes from 1 to ${params.length + 1} positional arguments but ${args.length + 1} were given`);
  }
  const out: Record<string, unknown> = {};
  args.forEach((a, i) => {
    out[params[i]!] = a;
  });
  for (const [k, v] of Object.entries(kwargs)) {
    if (!params.includes(k) || (k === 'ids' && ['read', 'write'].includes(method))) {
      throw serverFault(`TypeError: ${model}.${method}() got an unexpected keyword argument '${k}'`);
    }
    if (k in out) throw serverFault(`TypeError: ${model}.${method}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  return out;
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
  const users = dataset.users;
  const calls: OdooEmulatorCall[] = [];
  const [major = 17, minor = 0] = dataset.version.split(/[.+~-]/).map((x) => Number.parseInt(x, 10)).filter((x) => !Number.isNaN(x));

  const checkSecret = (user: OdooUser, secret: unknown) =>
    user.active !== false && typeof secret === 'string' && secret !== '' && (secret === user.password || (user.apiKeys ?? []).includes(secret));

  function common(method: string, params: unknown[]): unknown {
    const [db, login, secret] = params;
    const logged = method === 'authenticate' || method === 'login' ? [db, login, '***', ...params.slice(3)] : params;
    calls.push({ service: 'common', method, args: logged });
    switch (method) {
      case 'version':
        return {
          server_version: dataset!.version,
          server_version_info: [major, minor, 0, 'final', 0, ''],
          server_serie: `${major}.${minor}`,
          protocol_version: 1,
        };
      case 'authenticate':
      case 'login': {
        if (db !== dataset!.database) throw databaseMissing(String(db));
        const user = users.find((u) => u.login === login);
        return user && checkSecret(user, secret) ? user.id : false;
      }
      default:
        throw serverFault(`Exception: Method not found: ${method}`);
    }
  }

  function object(rpcMethod: string, params: unknown[]): unknown {
    if (rpcMethod !== 'execute_kw' && rpcMethod !== 'execute') throw serverFault(`Exception: Method not found: ${rpcMethod}`);
    const [db, uid, secret, model, method] = params;
    let args: unknown = params[5];
    let kwargs: unknown = params[6];
    if (rpcMethod === 'execute') {
      args = params.slice(5);
      kwargs = {};
    }
    if (args === undefined || args === '' || args === false || args === null) args = [];
    if (kwargs === undefined || kwargs === '' || kwargs === false || kwargs === null) kwargs = {};
    if (!Array.isArray(args)) throw serverFault(`TypeError: ${pyRepr(args)} is not a list of positional arguments`);
    if (typeof kwargs !== 'object' || Array.isArray(kwargs)) throw serverFault(`TypeError: ${pyRepr(kwargs)} is not a dict of keyword arguments`);
    const kw = { ...(kwargs as Record<string, unknown>) };
    calls.push({ service: 'object', method: String(method), model: String(model), args: structuredClone(args), kwargs: structuredClone(kw) });
    if (params.length < 5) throw serverFault(`TypeError: execute_kw() missing required positional arguments`);
    if (db !== dataset!.database) throw databaseMissing(String(db));
    const user = users.find((u) => u.id === uid);
    if (!user || !checkSecret(user, secret)) throw accessDenied();
    if (typeof model !== 'string') throw serverFault(`TypeError: ${pyRepr(model)} is not a model name`);
    orm.model(model);
    if (typeof method !== 'string') throw serverFault(`TypeError: ${pyRepr(method)} is not a method name`);
    if (method.startsWith('_')) throw accessError(`Private methods (such as '${model}.${method}') cannot be called remotely.`);
    const rawContext = kw.context;
    delete kw.context;
    const context = rawContext && typeof rawContext === 'object' && !Array.isArray(rawContext) ? (rawContext as Record<string, unknown>) : {};
    let companies = [...user.companyIds];
    if (context.allowed_company_ids !== undefined) {
      const allowed = context.allowed_company_ids;
      if (!Array.isArray(allowed)) throw serverFault(`TypeError: 'allowed_company_ids' must be a list of company ids, got ${pyRepr(allowed)}`);
      if (!allowed.every((id) => typeof id === 'number' && user.companyIds.includes(id))) {
        throw accessError('Access to unauthorized or invalid companies.');
      }
      if (allowed.length > 0) companies = allowed as number[];
    }
    const env: OrmEnv = { user, companies, context };
    if (!SIGNATURES[method]) {
      if (NOT_IMPLEMENTED.has(method)) throw serverFault(`NotImplementedError: the Odoo emulator does not implement '${model}.${method}'`);
      throw serverFault(`AttributeError: The method '${model}.${method}' does not exist`);
    }
    const a = bind(model, method, args, kw);
    switch (method) {
      case 'search_read':
        return orm.searchRead(env, model, a.domain, a.fields, a);
      case 'search':
        return orm.search(env, model, a.domain, a);
      case 'search_count': {
        const n = orm.search(env, model, a.domain).length;
        return typeof a.limit === 'number' && a.limit > 0 ? Math.min(n, a.limit) : n;
      }
      case 'read':
        if (!('ids' in a)) throw serverFault(`TypeError: ${model}.read() missing 1 required positional argument: 'ids'`);
        return orm.read(env, model, a.ids, a.fields, 'load' in a ? a.load : '_classic_read');
      case 'write':
        if (!('ids' in a) || !('vals' in a)) throw serverFault(`TypeError: ${model}.write() missing 1 required positional argument: 'vals'`);
        return orm.write(env, model, a.ids, a.vals);
      case 'fields_get':
        return orm.fieldsGet(model, a.allfields, a.attributes);
      default:
        return true;
    }
  }

  function answer(res: http.ServerResponse, body: string): void {
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  function dispatch(service: 'common' | 'object', method: string, params: unknown[]): string {
    try {
      const result = service === 'common' ? common(method, params) : object(method, params);
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
    calls,
    users,
    records: (model: string) => orm.snapshot(model),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
